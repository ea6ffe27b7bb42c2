"""Command line: ``python -m iedereen_doet_mee.validate DIR [--design FILE]``.

Checks a trial directory against the data model and prints every problem, each
with file, row, column and rule. Exit status 0 when valid (warnings allowed),
1 when not, 2 for a bad design or argument (also a ``--csv`` file that cannot be
written), 3 for an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .cli import run_command
from .data.validation import validate_trial_directory
from .output_folder import check_new_file

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.validate",
        description="Check a trial directory (participants table and optional further "
        "tables) against the data model of docs/data-model.md.",
    )
    parser.add_argument("directory", help="trial directory to check")
    parser.add_argument("--design", metavar="FILE",
                        help="design TOML to check against (default: DIR/design.toml, else "
                        "the default design)")
    parser.add_argument("--all", action="store_true",
                        help="print every problem (default: at most 20 per file, column and rule)")
    parser.add_argument("--csv", metavar="FILE",
                        help="also write every problem to FILE as CSV (a new file)")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.csv:
        check_new_file(args.csv, option="--csv")
    report = validate_trial_directory(args.directory, design=args.design)
    print(report.summary(max_per_rule=None if args.all else 20))
    if args.csv:
        try:
            report.problems.to_csv(args.csv, index=False, lineterminator="\n")
        except OSError as exc:
            print(f"validate: --csv {args.csv}: cannot write the problem table "
                  f"({exc.strerror or exc})", file=sys.stderr)
            return 2
    if (report.problems["rule"] == "invalid_design").any():
        return 2
    return 0 if report.is_valid else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "validate")


if __name__ == "__main__":
    sys.exit(main())
