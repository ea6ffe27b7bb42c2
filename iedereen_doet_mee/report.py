"""Command line: ``python -m iedereen_doet_mee.report``.

Interim version, until the funder report is built (issue 5): it simulates the
default trial and prints a short summary of what was simulated. The counts are as
observed at the cut-off, without adjustment for censoring: they describe the
synthetic data, they are not the trial's analysis.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from .cli import run_command
from .data.loading import TrialData
from .design.toml_io import read_design
from .simulation.simulate import DEFAULT_SEED, simulate_trial

__all__ = ["main", "summarise_trial"]


def summarise_trial(trial: TrialData) -> str:
    """Short text summary of a trial's data: size per cell and exits by the cut-off.

    Examples
    --------
    >>> print(summarise_trial(simulate_trial(seed=1)).splitlines()[0])
    Iedereen doet mee: 100 participants, allocation 'assigned', cut-off 2016-07-01
    """
    design = trial.design
    people = trial.participants
    lines = [f"{design.name}: {len(people)} participants, allocation {design.allocation!r}, "
             f"cut-off {design.cutoff}"]
    follow_up = (pd.Timestamp(design.cutoff) - people["enrolled_on"]).dt.days / 30.44
    lines.append(f"Follow-up to the cut-off: median {follow_up.median():.1f} months "
                 f"(range {follow_up.min():.1f}-{follow_up.max():.1f})")
    lines.append("")
    lines.append(f"{'cell':<14}{'n':>5}{'regular work':>14}{'other exit':>12}{'on benefit':>12}")
    for cell in design.cells:
        mine = people[(people["band"] == cell.stratum) & (people["instruments"] == cell.arm)]
        regular = int((mine["exit_reason"] == "regular_work").sum())
        other = int(mine["exit_reason"].notna().sum()) - regular
        lines.append(f"{cell.stratum + '/' + cell.arm:<14}{len(mine):>5}{regular:>14}"
                     f"{other:>12}{len(mine) - regular - other:>12}")
    regular_all = int((people["exit_reason"] == "regular_work").sum())
    lines.append(f"{'all':<14}{len(people):>5}{regular_all:>14}")
    lines.append("")
    lines.append(f"Observed regular-work outflow by the cut-off: {regular_all / len(people):.0%} "
                 f"(target {design.target_outflow:.0%}); not adjusted for censoring.")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.report",
        description="Interim: simulate the default trial and print a short summary. The "
        "funder report itself is not built yet.",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of the simulated trial (default {DEFAULT_SEED})")
    parser.add_argument("--design", metavar="FILE", help="design TOML (default: the trial's)")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    design = read_design(args.design) if args.design else None
    trial = simulate_trial(design, seed=args.seed)
    print("iedereen_doet_mee.report (interim): the funder report is not built yet; this is a "
          "summary of a simulated trial.\n")
    print(summarise_trial(trial))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "report")


if __name__ == "__main__":
    sys.exit(main())
