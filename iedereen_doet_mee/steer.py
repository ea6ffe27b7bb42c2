"""Command line: ``python -m iedereen_doet_mee.steer DIR --as-of DATE [--seed N] [--draws N]
[--json]``.

Loads and validates a trial directory and prints, for the steering group, the
predictive probability that the trial reaches its regular-work outflow target by the
cut-off, given the data as they stood on ``--as-of`` (see ``docs/steering.md``).
Exit status 0 on success, 1 when the data are invalid, 2 for a bad design or argument,
3 for an unexpected error; every error is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .analysis.steering import steering_forecast
from .cli import run_command
from .data.loading import TrialData
from .data.validation import check_trial_directory
from .dates import parse_iso_date
from .seeds import DEFAULT_SEED

__all__ = ["main"]

_NAME = "steer"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.steer",
        description="Predictive probability that the trial reaches its outflow target by "
        "the cut-off, from the data as they stood on a date (docs/steering.md).",
    )
    parser.add_argument("directory", help="trial directory (validated first)")
    parser.add_argument("--as-of", required=True, metavar="DATE",
                        help="the date the data stand on, YYYY-MM-DD (not after the cut-off)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed, a whole number >= 0 (default {DEFAULT_SEED})")
    parser.add_argument("--draws", type=int, default=4000,
                        help="number of posterior draws (default 4000)")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON instead of text")
    return parser


def _refuse(message: str) -> int:
    print(f"{_NAME}: {message}", file=sys.stderr)
    return 2


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        as_of = parse_iso_date(args.as_of)
    except ValueError as exc:
        return _refuse(f"--as-of: {exc}")
    if not Path(args.directory).is_dir():
        print(f"{_NAME}: {args.directory}: no such directory", file=sys.stderr)
        return 1
    checked = check_trial_directory(args.directory)
    report = checked.report
    design_errors = report.problems[report.problems["rule"] == "invalid_design"]
    if len(design_errors):
        return _refuse(f"invalid design: {design_errors['message'].iloc[0]}")
    if not report.is_valid:
        print(f"{_NAME}: {args.directory} is not valid trial data ({len(report.errors)} "
              f"error(s)); run python -m iedereen_doet_mee.validate {args.directory} for the "
              "list", file=sys.stderr)
        return 1
    trial = TrialData(checked.design, checked.tables, report)
    if as_of > trial.design.cutoff:
        return _refuse(f"--as-of {as_of} lies after the data cut-off {trial.design.cutoff}")
    try:
        result = steering_forecast(trial, as_of, seed=args.seed, draws=args.draws)
    except ValueError as exc:
        return _refuse(str(exc))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, _NAME)


if __name__ == "__main__":
    sys.exit(main())
