"""Tune the programmes' simulation values to their published figures (run once, by hand).

    python tools/tune_programmes.py [--scale 400] [--seed 1]

Prints, for Schiedam and Arnhem, the ``[simulation]`` values that make the simulated
data reproduce the published figures (``tools/make_programmes.py``, ``PROGRAMMES``) in
expectation, and the figures a simulation ``--scale`` times the programme's size gives
with them. The values were copied by hand into ``tools/programmes/<name>.toml``,
rounded to four decimals; ``make_programmes.py`` only reads them (nothing is searched
when the folders are built), and ``tests/test_programmes.py`` checks that a large
simulation of each design still gives the published figures within Monte Carlo error.

Method, on one large simulation per step with a fixed seed (common random numbers):

1. **Exit shares.** The simulator draws a person's exit reason first and its time
   given the reason, so the share observed by the as-of date is a fixed fraction of
   each reason's 24-month share. One simulation gives that fraction per reason
   (:data:`EXIT_TARGETS`: the expected count by the as-of date, per reason), and the
   share is target / fraction. Starting from the targets, three rounds: with a fixed
   seed, which people are drawn for a reason changes a little with the shares.
2. **Ladder.** ``ladder_up_per_month`` of the programme's arm by bisection, with the
   exit shares of step 1: the share of people measured at least one rung above
   intake (within the outcome's window) rises with it.

Leeuwarden publishes no outcome figure and is not tuned (its rates are the package's
derived defaults); its number of persons follows from the households: 1,400 persons
in households of on average 1.43 members in the trial make about 980 households
("bijna 1.000 huishoudens").
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

# the published figures, in one place (the script's folder is on sys.path when run)
from make_programmes import PROGRAMMES

from iedereen_doet_mee import TrialDesign, read_design
from iedereen_doet_mee.analysis import declared_outcome_shares
from iedereen_doet_mee.simulation import simulate_trial, with_optional_data

#: Per programme: the simulation value keyed by exit reason, its cell (None: one value
#: for every cell), and the expected share of the caseload that leaves for that
#: reason by the as-of date. Schiedam: 73 of 569 to work (assumed 66 regular, 7
#: subsidised), the other 61 assumed half unlawful receipt (30.5) and half education,
#: moving and other reasons in the defaults' proportions 1 : 2 : 2. Arnhem: 70 of 472
#: start work within six months (assumed 63 regular, 7 subsidised); its other exits
#: keep the defaults.
EXIT_TARGETS: dict[str, dict[str, tuple[str | None, float]]] = {
    "schiedam": {
        "regular_work": ("all/kompas", 66 / 569),
        "subsidised_work": ("all/kompas", 7 / 569),
        "unlawful": (None, 30.5 / 569),
        "education": (None, 6.1 / 569),
        "moved": (None, 12.2 / 569),
        "other": (None, 12.2 / 569),
    },
    "arnhem": {
        "regular_work": ("all/coach", 63 / 472),
        "subsidised_work": ("all/coach", 7 / 472),
    },
}
#: Months after enrolment within which the exits of :data:`EXIT_TARGETS` count (the
#: window of the programme's outcome); absent: by the as-of date.
EXIT_WINDOW_MONTHS: dict[str, int] = {"arnhem": 6}
#: Per programme: the ladder outcome and the arm whose ``ladder_up_per_month`` is tuned.
LADDER: dict[str, tuple[str, str]] = {"schiedam": ("ladder_step_up", "kompas"),
                                      "arnhem": ("step_forward", "coach")}


def _simulate(name: str, design: TrialDesign, scale: int, seed: int):
    programme = PROGRAMMES[name]
    big = design.replace(n_per_cell=design.n_total * scale)
    return with_optional_data(simulate_trial(big, seed=seed), programme.optional_data,
                              seed=seed)


def _with(design: TrialDesign, values: dict) -> TrialDesign:
    settings = {k: dict(v) if isinstance(v, tuple) else v for k, v in design.simulation}
    for key, value in values.items():
        settings[key] = value
    return design.replace(simulation=settings)


def _observed_exits(trial, name: str) -> dict[str, float]:
    """Share of the caseload observed leaving for each reason by the as-of date (and
    within :data:`EXIT_WINDOW_MONTHS`)."""
    people = trial.participants
    seen = people["exit_on"].notna()
    if name in EXIT_WINDOW_MONTHS:
        seen &= people["exit_on"] < people["enrolled_on"] + pd.DateOffset(
            months=EXIT_WINDOW_MONTHS[name])
    counts = people.loc[seen, "exit_reason"].value_counts()
    return {reason: counts.get(reason, 0) / len(people) for reason in EXIT_TARGETS[name]}


def _share_key(reason: str) -> str:
    return f"{reason}_24m"


def tune_exits(name: str, design: TrialDesign, scale: int, seed: int) -> TrialDesign:
    """Exit shares by 24 months that give :data:`EXIT_TARGETS` by the as-of date; the
    start is the targets themselves, so the result does not depend on the design file."""
    shares = {reason: target for reason, (_, target) in EXIT_TARGETS[name].items()}

    def values(rounded: bool) -> dict:
        out = {}
        for reason, (cell, _) in EXIT_TARGETS[name].items():
            share = round(shares[reason], 4) if rounded else shares[reason]
            out[f"{reason}_24m"] = {cell: share} if cell is not None else share
        return out

    for _ in range(3):
        observed = _observed_exits(_simulate(name, _with(design, values(False)), scale, seed),
                                   name)
        shares = {reason: float(shares[reason] * target / observed[reason])
                  for reason, (_, target) in EXIT_TARGETS[name].items()}
    return _with(design, values(True))


def _ladder_share(name: str, design: TrialDesign, scale: int, seed: int) -> float:
    outcome, _ = LADDER[name]
    table = declared_outcome_shares(_simulate(name, design, scale, seed)).table
    return float(table.set_index("term").loc[f"outcome={outcome}", "estimate"])


def tune_ladder(name: str, design: TrialDesign, scale: int, seed: int) -> TrialDesign:
    outcome, arm = LADDER[name]
    target = next(p.share for p in PROGRAMMES[name].published
                  if p.term == f"outcome={outcome}")
    low, high = 0.0, 0.5
    while high - low > 5e-5:
        middle = (low + high) / 2
        share = _ladder_share(name, _with(design, {"ladder_up_per_month": {arm: middle}}),
                              scale, seed)
        low, high = (middle, high) if share < target else (low, middle)
    return _with(design, {"ladder_up_per_month": {arm: round((low + high) / 2, 4)}})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=400,
                        help="simulate this many times the programme's size (default 400)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for name in EXIT_TARGETS:
        design = read_design(PROGRAMMES[name].design_file)
        design = tune_ladder(name, tune_exits(name, design, args.scale, args.seed),
                             args.scale, args.seed)
        print(f"[{name}] tuned values:")
        for key, value in design.simulation:
            print(f"  {key} = {dict(value) if isinstance(value, tuple) else value}")
        table = declared_outcome_shares(_simulate(name, design, args.scale,
                                                  args.seed + 1)).table.set_index("term")
        for figure in PROGRAMMES[name].published:
            row = table.loc[figure.term]
            print(f"  {figure.term}: published {figure.share:.4f}, expected "
                  f"{row['estimate']:.4f} (n = {int(row['n'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
