"""Command line: ``python -m iedereen_doet_mee.simulate --out DIR [--seed N] [--design FILE]``.

Writes a complete simulated trial directory (tables, ``design.toml`` and
``manifest.json``) that passes validation. The same seed gives byte-identical files.
A design that declares a chain of stages gets instrument rows that follow it
(``docs/chains.md``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli import run_command
from .design.toml_io import read_design
from .output_folder import check_output_folder
from .seeds import DEFAULT_SEED
from .simulation.directory import simulate_to_directory

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.simulate",
        description="Simulate a trial in the data model of docs/data-model.md under the "
        "assumptions of docs/simulation.md.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="directory to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--design", metavar="FILE",
                        help="design TOML (default: the 'Iedereen doet mee' design)")
    parser.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv",
                        help="file format of the tables (default csv)")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    design = read_design(args.design) if args.design else None
    out = Path(args.out)
    check_output_folder(out, command="simulate", inputs=[args.design] if args.design else [])
    shown = ["python -m iedereen_doet_mee.simulate", "--out", args.out, "--seed", str(args.seed)]
    if args.design:
        shown += ["--design", args.design]
    if args.format != "csv":
        shown += ["--format", args.format]
    files = simulate_to_directory(out, design=design, seed=args.seed, table_format=args.format,
                                  command=f"{shown[0]} {shlex.join(shown[1:])}")
    print(f"simulate: wrote {len(files)} files to {out} (seed {args.seed})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "simulate")


if __name__ == "__main__":
    sys.exit(main())
