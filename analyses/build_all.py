"""Build every figure and table of the funder report from a trial directory.

    python analyses/build_all.py [--data DIR] [--out DIR] [--lang nl|en] [--as-of DATE]
                                 [--seed N] [--check | --update-manifest]

The pipeline is thin on purpose: it validates and loads the data, then calls
``iedereen_doet_mee.reporting.parts.compute_parts`` and ``write_artifacts``, the same
functions the report (``python -m iedereen_doet_mee.report``) uses, so a figure here
is byte for byte the figure in the report. Output: ``OUT/figures/*.svg|png`` and
``OUT/tables/*.csv``, plus the design's power curves (``figures/power_curves``).

``--check`` compares every file with ``analyses/figures.sha256`` (the reviewed
manifest, in ``sha256sum`` format) and exits 1 listing what changed; CI runs it on the
bundled synthetic trial, so a changed figure is always a visible, reviewed change.
``--update-manifest`` rewrites the manifest on purpose after such a review.

``--out`` (default ``build/analyses``) may be new, empty or an earlier output of this
script, whose files are replaced; a folder holding anything else, or the data, is
refused (``iedereen_doet_mee.output_folder``).

Exit status: 0 built (and matching), 1 invalid data or a mismatch, 2 bad option or
output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MANIFEST = HERE / "figures.sha256"
DEFAULTS = dict(n_draws=2000, n_bootstrap=2000, diagnosis_sims=2000, threshold=10)


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


def power_curves(design, out: Path, *, lang: str, seed: int) -> dict[str, str]:
    """The design's power curves (randomised instruments, 15/25/40 per cell) as SVG and
    PNG: the figure of notebook 01 and of docs/redesign.md."""
    import hashlib

    from iedereen_doet_mee.diagnosis.power_plot import power_curve_figure
    from iedereen_doet_mee.diagnosis.redesign import redesign
    from iedereen_doet_mee.reporting.figure_files import figure_bytes

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


def main(argv: list[str] | None = None) -> int:
    from iedereen_doet_mee.data.loading import load_trial
    from iedereen_doet_mee.errors import OutputFolderError, TrialDataError
    from iedereen_doet_mee.output_folder import check_output_folder, output_folder
    from iedereen_doet_mee.reporting.parts import compute_parts, write_artifacts
    from iedereen_doet_mee.simulation.simulate import DEFAULT_SEED

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "synthetic")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "analyses")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="compare with analyses/figures.sha256; exit 1 on a difference")
    mode.add_argument("--update-manifest", action="store_true",
                      help="rewrite analyses/figures.sha256 from this build")
    args = parser.parse_args(argv)
    try:
        check_output_folder(args.out, command="build_all", inputs=[args.data])
        trial = load_trial(args.data)
    except OutputFolderError as exc:
        print(f"build_all: {exc}", file=sys.stderr)
        return 2
    except TrialDataError as exc:
        print(exc.report.summary(), file=sys.stderr)
        return 1
    parts = compute_parts(trial, as_of=args.as_of, lang=args.lang, seed=args.seed,
                          log=lambda step: print(step, file=sys.stderr), **DEFAULTS)
    with output_folder(args.out, command="build_all", inputs=[args.data]) as staging:
        built = write_artifacts(parts, staging)
        built = dict(sorted({**built, **power_curves(trial.design, staging, lang=args.lang,
                                                      seed=args.seed)}.items()))
    print(f"built {len(built)} files in {args.out}")
    if args.update_manifest:
        write_manifest(MANIFEST, built)
        print(f"wrote {MANIFEST}")
    elif args.check:
        problems = compare(read_manifest(MANIFEST), built)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            print(f"{len(problems)} difference(s) from {MANIFEST.name}; if intended, review "
                  "them and run: python analyses/build_all.py --update-manifest",
                  file=sys.stderr)
            return 1
        print(f"all {len(built)} files match {MANIFEST.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
