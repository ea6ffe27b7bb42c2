"""Build every figure and table of the funder report from a trial directory.

    python analyses/build_all.py [--data DIR] [--out DIR] [--lang nl|en] [--as-of DATE]
                                 [--seed N] [--check | --update-manifest]

The pipeline is thin on purpose: it validates and loads the data, then calls
``iedereen_doet_mee.reporting.parts.compute_parts`` and ``write_artifacts``, the same
functions the report (``python -m iedereen_doet_mee.report``) uses, so a figure here
is byte for byte the figure in the report. Output: ``OUT/figures/*.svg|png`` and
``OUT/tables/*.csv``, plus the design's power curves (``figures/power_curves``).

``--check`` compares the build with the reviewed results: every figure with its
SHA-256 in ``analyses/figures.sha256`` (``sha256sum`` format), every table with its
reviewed copy in ``analyses/tables/`` (:func:`compare_table`: text and integers
exactly, other numbers within ``RTOL``/``ATOL``, since the last bits of iterative fits
depend on the processor), and exits 1 listing every difference; CI runs it on the
bundled synthetic trial, so a changed figure or number is always a visible, reviewed
change. ``--update-manifest`` rewrites the manifest and the reviewed tables from this
build, on purpose, after such a review.

``--out`` (default ``build/analyses``) may be new, empty or an earlier output of this
script, whose files are replaced; a folder holding anything else, or the data, is
refused (``iedereen_doet_mee.output_folder``).

Exit status: 0 built (and matching), 1 invalid data or a difference, 2 bad option or
output folder.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MANIFEST = HERE / "figures.sha256"
TABLES = HERE / "tables"
DEFAULTS = dict(n_draws=2000, n_bootstrap=2000, diagnosis_sims=2000, threshold=10)

#: Tolerance of a number in a table: |built - reviewed| <= ATOL + RTOL * |reviewed|.
#: The proportional-odds model's standard errors come from a numerical Hessian; with
#: them its p-values moved by up to 1.6e-5 (relative) between OpenBLAS kernels of one
#: machine, every other number by less than 2e-13 (README, Development). Text and
#: integers compare exactly.
RTOL = 1e-4
ATOL = 1e-12

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def read_manifest(path: Path) -> dict[str, str]:
    """``sha256sum``-format lines as path -> digest."""
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def write_manifest(path: Path, digests: dict[str, str]) -> None:
    path.write_text("".join(f"{d}  {name}\n" for name, d in sorted(digests.items())),
                    encoding="utf-8")


def compare(expected: dict[str, str], built: dict[str, str]) -> list[str]:
    """Every difference between the manifest and the files built, one line each."""
    problems = [f"changed: {n}" for n in sorted(set(expected) & set(built))
                if expected[n] != built[n]]
    problems += [f"new, not in the manifest: {n}" for n in sorted(set(built) - set(expected))]
    problems += [f"in the manifest, not built: {n}" for n in sorted(set(expected) - set(built))]
    return problems


def _cells_agree(reviewed: str, built: str, rtol: float, atol: float) -> bool:
    if reviewed == built:
        return True
    if _INTEGER.match(reviewed) or _INTEGER.match(built):
        return False
    if not (_DECIMAL.match(reviewed) and _DECIMAL.match(built)):
        return False
    a, b = float(built), float(reviewed)
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(b)


def compare_table(name: str, reviewed: str, built: str, *, rtol: float = RTOL,
                  atol: float = ATOL) -> list[str]:
    """Every difference between two CSV texts, one line each (at most 20).

    Cells that are both decimal numbers (not integers) agree when
    ``|built - reviewed| <= atol + rtol * |reviewed|``; every other cell (text, integers,
    empty) must be equal, and so must the header and the number of rows.

    Examples
    --------
    >>> compare_table("t.csv", "term,estimate,n\\na,0.5,10\\n", "term,estimate,n\\na,0.50001,10\\n")
    []
    >>> compare_table("t.csv", "term,estimate,n\\na,0.5,10\\n", "term,estimate,n\\na,0.5001,11\\n")
    ['changed: t.csv row 1 estimate: 0.5 -> 0.5001', 'changed: t.csv row 1 n: 10 -> 11']
    """
    old = list(csv.reader(io.StringIO(reviewed)))
    new = list(csv.reader(io.StringIO(built)))
    if not old or not new or old[0] != new[0]:
        return [f"changed: {name} header: {old[:1]} -> {new[:1]}"]
    if len(old) != len(new):
        return [f"changed: {name} has {len(new) - 1} rows, the reviewed copy {len(old) - 1}"]
    header, problems = old[0], []
    for row, (was, now) in enumerate(zip(old[1:], new[1:], strict=True), start=1):
        if len(was) != len(now):
            problems.append(f"changed: {name} row {row} has {len(now)} cells, was {len(was)}")
            continue
        problems += [f"changed: {name} row {row} {column}: {a} -> {b}"
                     for column, a, b in zip(header, was, now, strict=True)
                     if not _cells_agree(a, b, rtol, atol)]
    return problems if len(problems) <= 20 else [*problems[:20],
                                                  f"... and {len(problems) - 20} more"]


def file_digests(out: Path, folder: str) -> dict[str, str]:
    """``folder/name`` -> SHA-256 of every file in ``out/folder``."""
    return {f"{folder}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((out / folder).glob("*")) if p.is_file()}


def check_figures(built: dict[str, str], manifest: Path | None = None) -> list[str]:
    """The figures built (path -> SHA-256) against the manifest, byte for byte."""
    return compare(read_manifest(MANIFEST if manifest is None else manifest),
                   {n: d for n, d in built.items() if n.startswith("figures/")})


def check_tables(out: Path, built: list[str], reviewed: Path | None = None) -> list[str]:
    """The tables built (paths under ``out``) against their reviewed copies
    (:func:`compare_table`)."""
    reviewed = TABLES if reviewed is None else reviewed
    old = {f"tables/{p.name}" for p in reviewed.glob("*.csv")}
    new = {n for n in built if n.startswith("tables/")}
    problems = []
    for name in sorted(old & new):
        problems += compare_table(name, (reviewed / Path(name).name).read_text(encoding="utf-8"),
                                  (out / name).read_text(encoding="utf-8"))
    problems += [f"new, no reviewed copy: {n}" for n in sorted(new - old)]
    problems += [f"reviewed copy, not built: {n}" for n in sorted(old - new)]
    return problems


def update_reviewed(out: Path, built: list[str], manifest: Path | None = None,
                    reviewed: Path | None = None) -> None:
    """Make this build the reviewed one: the figures' digests, copies of the tables."""
    manifest = MANIFEST if manifest is None else manifest
    reviewed = TABLES if reviewed is None else reviewed
    write_manifest(manifest, {n: d for n, d in file_digests(out, "figures").items()
                              if n in built})
    reviewed.mkdir(parents=True, exist_ok=True)
    for old in reviewed.glob("*.csv"):
        old.unlink()
    for name in (n for n in built if n.startswith("tables/")):
        shutil.copyfile(out / name, reviewed / Path(name).name)


def power_curves(design, out: Path, *, lang: str, seed: int) -> dict[str, str]:
    """The design's power curves (randomised instruments, 15/25/40 per cell) as SVG and
    PNG: the figure of notebook 01 and of docs/redesign.md."""
    from iedereen_doet_mee.diagnosis.design_grid import redesign
    from iedereen_doet_mee.reporting.figures.files import figure_bytes
    from iedereen_doet_mee.reporting.figures.power_curves import power_curve_figure

    frame = redesign(design.replace(allocation="randomised"), seed=seed, sims=1000,
                     grid={"n_per_cell": [15, 25, 40], "effect": [0.0, 0.1, 0.2, 0.3, 0.4]})
    figure = power_curve_figure(frame, lang=lang)
    written = {}
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for suffix in ("svg", "png"):
        data = figure_bytes(figure, suffix, id_prefix="power_curves")
        (out / "figures" / f"power_curves.{suffix}").write_bytes(data)
        written[f"figures/power_curves.{suffix}"] = hashlib.sha256(data).hexdigest()
    return written


def build(args: argparse.Namespace) -> dict[str, str] | None:
    """Validate, load and build into ``args.out``; None (problems printed) on invalid data.

    Raises
    ------
    OutputFolderError
        When ``args.out`` may not be written (checked before any work).
    """
    from iedereen_doet_mee.data.loading import load_trial
    from iedereen_doet_mee.errors import TrialDataError
    from iedereen_doet_mee.output_folder import check_output_folder, output_folder
    from iedereen_doet_mee.reporting.parts import compute_parts, write_artifacts

    check_output_folder(args.out, command="build_all", inputs=[args.data])
    try:
        trial = load_trial(args.data)
    except TrialDataError as exc:
        print(exc.report.summary(), file=sys.stderr)
        return None
    parts = compute_parts(trial, as_of=args.as_of, lang=args.lang, seed=args.seed,
                          log=lambda step: print(step, file=sys.stderr), **DEFAULTS)
    with output_folder(args.out, command="build_all", inputs=[args.data]) as staging:
        built = write_artifacts(parts, staging)
        built.update(power_curves(trial.design, staging, lang=args.lang, seed=args.seed))
    return dict(sorted(built.items()))


def main(argv: list[str] | None = None) -> int:
    from iedereen_doet_mee.errors import OutputFolderError
    from iedereen_doet_mee.seeds import DEFAULT_SEED

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "synthetic")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "analyses")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="compare figures with analyses/figures.sha256 and tables with "
                           "analyses/tables/ (numbers within a tolerance); exit 1 on a "
                           "difference")
    mode.add_argument("--update-manifest", action="store_true",
                      help="rewrite analyses/figures.sha256 and analyses/tables/ from this "
                           "build")
    args = parser.parse_args(argv)
    try:
        built = build(args)
    except OutputFolderError as exc:
        print(f"build_all: {exc}", file=sys.stderr)
        return 2
    if built is None:
        return 1
    print(f"built {len(built)} files in {args.out}")
    if args.update_manifest:
        update_reviewed(args.out, list(built))
        print(f"wrote {MANIFEST} and {TABLES}/")
    elif args.check:
        problems = check_figures(built) + check_tables(args.out, list(built))
        if problems:
            print("\n".join(problems), file=sys.stderr)
            print(f"{len(problems)} difference(s) from {MANIFEST.name} and "
                  f"{TABLES.name}/; if intended, review them and run: "
                  "python analyses/build_all.py --update-manifest", file=sys.stderr)
            return 1
        print(f"all {len(built)} files match {MANIFEST.name} (figures, byte for byte) and "
              f"{TABLES.name}/ (tables; numbers within rtol {RTOL:g}, atol {ATOL:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
