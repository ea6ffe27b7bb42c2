"""Public real data sets, mapped into the data model, give a complete and correct report.

The trial directories under ``tests/reference/real_trials/`` were made once from JOBS II
(a randomised job-search experiment), US unemployment-insurance spells and the NSW/PSID
training data by ``tests/reference/make_real_trials.py`` (its docstring gives every
mapping). They look like real exports, not like the simulator's output: nobody has an
enrolment date of their own, outcomes are measured once, cells are unequal, baseline
columns are few (no ladder, wage value, instruments or employers at all).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from scipy import stats
from trial_directories import check_directory

from iedereen_doet_mee.reporting.build import read_results

REAL = Path(__file__).resolve().parent / "reference" / "real_trials"
#: Exits to regular work counted in the source data sets (R: sum(jobs$work1 == "psyemp"),
#: sum(UnempDur$censor1), sum(lalonde$re78 > 0)) and their sizes.
SOURCE_COUNTS = {"jobs_ii": (293, 899), "unemployment_durations": (1073, 3343),
                 "lalonde": (471, 614)}


def test_the_frozen_directories_hold_the_source_counts():
    for name, (events, n) in SOURCE_COUNTS.items():
        with (REAL / name / "participants.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == n, name
        assert sum(r["exit_reason"] == "regular_work" for r in rows) == events, name


@pytest.mark.parametrize("name", sorted(SOURCE_COUNTS))
def test_a_real_data_set_gives_a_complete_report_with_the_right_outflow(name, tmp_path):
    assert check_directory(REAL / name, tmp_path, lang="nl") == []
    _, records = read_results(tmp_path / "report" / "results.json")
    events, n = SOURCE_COUNTS[name]
    row = records[(records["question"] == "target") & (records["term"] == "overall")
                  & (records["estimator"] == "proportion_clopper_pearson")].iloc[0]
    assert not row["suppressed"] and int(row["n"]) == n
    assert row["estimate"] == pytest.approx(events / n, rel=1e-12)
    exact = stats.binomtest(events, n).proportion_ci(0.95, method="exact")
    assert (row["conf_low"], row["conf_high"]) == pytest.approx(
        (exact.low, exact.high), rel=1e-9)
