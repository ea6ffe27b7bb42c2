"""Command line: ``python -m iedereen_doet_mee.report`` writes the funder report.

With no arguments it reports on the bundled synthetic trial into ``report/``: a
self-contained ``report.html``, ``report.pdf``, ``results.json``,
``indicators.xlsx`` and every figure as SVG and PNG under ``figures/``. The data are
validated first; invalid data print the problems, exit with status 1 and write
nothing. A run that fails leaves any previous report untouched.

``--audience public`` (the default) applies disclosure control and may be published;
``--audience internal`` is for the project's steering group and the ESF managing
authority: nothing suppressed, every page marked confidential, identifiers still never
shown (``docs/disclosure.md``).

Exit status: 0 written, 1 invalid data, 2 invalid option or design (the design is read
and the options are checked before anything else), 3 unexpected error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .cli import run_command
from .data.validation import DESIGN_FILE
from .dates import parse_iso_date
from .design.toml_io import read_design
from .design.trial_design import TrialDesign
from .errors import TrialDataError
from .reporting.disclosure import AUDIENCES, DEFAULT_THRESHOLD
from .seeds import DEFAULT_SEED

__all__ = ["main"]


def _date(text: str) -> str:
    try:
        return parse_iso_date(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.report",
        description="Write the funder report (HTML, PDF, results.json, indicators.xlsx, "
        "figures) of a trial directory; default: the bundled synthetic trial.")
    parser.add_argument("--data", metavar="DIR", type=Path,
                        help="trial directory in the data model (docs/data-model.md)")
    parser.add_argument("--design", metavar="FILE", type=Path,
                        help="design TOML; overrides the data directory's design.toml")
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("report"),
                        help="report folder to write (default: report/)")
    parser.add_argument("--as-of", type=_date, metavar="DATE",
                        help="interim report: everything as if the data ended that day")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl",
                        help="language of the report (default nl)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of every random step (default {DEFAULT_SEED})")
    parser.add_argument("--suppress-below", type=int, default=None, metavar="N",
                        help="suppress counts below N (zero included) and statistics over "
                        f"fewer than N people (default {DEFAULT_THRESHOLD}; at least 1; "
                        "public reports only)")
    parser.add_argument("--audience", choices=AUDIENCES, default=AUDIENCES[0],
                        help="public (default): disclosure control, may be published; "
                        "internal: for the steering group and the ESF managing authority, "
                        "nothing suppressed, every page marked 'Vertrouwelijk - niet "
                        "publiceren' / 'Confidential - not for publication'")
    return parser


def _design(args: argparse.Namespace) -> TrialDesign:
    """The design the report will use, read first so that a bad one exits with 2."""
    if args.design is not None:
        return read_design(args.design)
    if args.data is not None and (args.data / DESIGN_FILE).is_file():
        return read_design(args.data / DESIGN_FILE)
    return TrialDesign()


def _bad_option(args: argparse.Namespace) -> str | None:
    """What is wrong with the options, or None."""
    if args.suppress_below is not None and args.audience == "internal":
        return ("--suppress-below does not go with --audience internal: an internal report "
                "suppresses nothing. Leave out --suppress-below, or make a public report")
    if args.suppress_below is not None and args.suppress_below < 1:
        return "--suppress-below must be at least 1"
    if args.seed < 0:
        return f"--seed must be a whole number >= 0, got {args.seed}"
    cutoff = _design(args).cutoff
    if args.as_of is not None and dt.date.fromisoformat(args.as_of) > cutoff:
        return (f"--as-of {args.as_of} lies after the data cut-off {cutoff}; the data cannot "
                "know what happened later")
    return None


def _main(argv: Sequence[str] | None) -> int:
    from .reporting.build import ReportSettings, build_report

    args = _parser().parse_args(argv)
    problem = _bad_option(args)
    if problem is not None:
        print(f"report: {problem}", file=sys.stderr)
        return 2
    settings = ReportSettings(data=args.data, design=args.design, out=args.out,
                              as_of=args.as_of, lang=args.lang, seed=args.seed,
                              suppress_below=args.suppress_below, audience=args.audience)
    start = time.monotonic()

    def log(step: str) -> None:
        print(f"report: {step} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True)

    try:
        out = build_report(settings, log=log)
    except TrialDataError as exc:
        print(exc.report.summary(), file=sys.stderr)
        print("report: the data are invalid; no report was written", file=sys.stderr)
        return 1
    print(f"report: wrote {out} in {time.monotonic() - start:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "report")


if __name__ == "__main__":
    sys.exit(main())
