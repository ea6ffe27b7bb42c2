"""A long property-based run: many generated trial directories through validate,
``analyse_trial`` and the report (the suite runs a few; this runs as many as you ask).

    python tools/fuzz_reports.py [--examples N] [--seed S] [--keep DIR]

Each example is a valid trial directory drawn by ``tests/trial_directories.py`` from the
data model (not by the simulator). The property: validation accepts it, every research
question is answered or skipped with a reason, and the report is written with every
section present. Failures are collected rather than stopping the run; each distinct
failure (exception type and place, or broken property) is printed once with the
smallest example that showed it, and with ``--keep`` that example's directory is kept
for a regression test. Exit status: 0 no failure, 1 failures found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "iedereen_doet_mee" in f.filename]
    place = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {place}\n{str(exc)[:300]}"


def main(argv: list[str] | None = None) -> int:
    from hypothesis import HealthCheck, given, seed, settings
    from trial_directories import run_everything, trial_specs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="copy each failing example's directory here")
    parser.add_argument("--max-participants", type=int, default=2000)
    args = parser.parse_args(argv)

    failures: dict[str, tuple[int, str, str, Path | None]] = {}
    count = {"examples": 0}
    start = time.monotonic()

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(trial_specs(max_participants=args.max_participants))
    def run(spec):
        count["examples"] += 1
        size = len(spec.tables["participants"]["participant_id"])
        with tempfile.TemporaryDirectory() as work:
            try:
                problems = run_everything(spec, Path(work), lang="nl" if size % 2 else "en")
            except Exception as exc:
                problems = [_where(exc)]
            for problem in problems:
                key = problem.splitlines()[0][:200]
                if key in failures and failures[key][0] <= size:
                    continue
                kept = None
                if args.keep is not None:
                    import shutil
                    kept = args.keep / f"failure-{abs(hash(key)) % 10**8:08d}"
                    if kept.exists():
                        shutil.rmtree(kept)
                    shutil.copytree(Path(work) / "data", kept)
                    (kept / "SPEC.txt").write_text(f"{problem}\n\n{spec!r}\n", encoding="utf-8")
                failures[key] = (size, problem, repr(spec), kept)
        print(f"\r{count['examples']} examples, {len(failures)} distinct failures, "
              f"{time.monotonic() - start:.0f} s", end="", file=sys.stderr, flush=True)

    run()
    print(file=sys.stderr)
    for _, (size, problem, spec, kept) in sorted(failures.items()):
        print(f"FAILURE {problem}\n  smallest example: {size} participants; {spec}"
              + (f"\n  kept in {kept}" if kept else ""))
    print(f"{count['examples']} examples in {time.monotonic() - start:.0f} s; "
          f"{len(failures)} distinct failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
