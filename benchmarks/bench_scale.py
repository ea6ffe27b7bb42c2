"""Benchmark: how the cost of validate, ``analyse_trial`` and the report grows with the data.

    python benchmarks/bench_scale.py [--participants 1000 10000 100000] [--timeout 900]
                                     [--steps validate analyse report] [--keep DIR]

For each size the script simulates a trial of the default design with
``n_per_cell = participants / 4`` (written as CSV, not timed), then runs each step
as its own process and prints its wall-clock seconds and peak memory (the largest
resident set of that process, from ``os.wait4``):

* ``validate``: ``python -m iedereen_doet_mee.validate DIR``;
* ``analyse``: ``load_trial(DIR)`` (validates too) and ``analyse_trial`` with its
  defaults (2,000 re-randomisations, 2,000 bootstrap resamples);
* ``report``: ``python -m iedereen_doet_mee.report --data DIR --out OUT`` (validate,
  analyse, diagnose, figures, ``results.json``, ``indicators.xlsx``, HTML and PDF).

Then, per step, the ratio of the seconds at the largest size to those at the
second largest (the sizes differ tenfold by default: linear growth gives 10).
Targets (issue 10, item 6): the report on 100,000 participants in under 60 s with
under 4 GB peak memory; a 10,000 -> 100,000 ratio of at most 15. A step still running
after ``--timeout`` seconds is stopped and shown as ``>TIMEOUT``. Not a test: the
machine is shared and timings vary; quote medians of repeated runs for figures.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 4096.0
TARGET_RATIO = 15.0
STEPS = ("validate", "analyse", "report")

_ANALYSE = ("import sys, warnings; warnings.simplefilter('ignore'); "
            "from iedereen_doet_mee.data import load_trial; "
            "from iedereen_doet_mee.analysis import analyse_trial; "
            "analyse_trial(load_trial(sys.argv[1]))")


def _command(step: str, data: Path, out: Path) -> list[str]:
    python = sys.executable
    if step == "validate":
        return [python, "-m", "iedereen_doet_mee.validate", str(data)]
    if step == "analyse":
        return [python, "-c", _ANALYSE, str(data)]
    return [python, "-m", "iedereen_doet_mee.report", "--data", str(data), "--out", str(out)]


def _run(command: list[str], timeout: float) -> tuple[float | None, float, int | None]:
    """Seconds (None after a timeout), peak resident memory in MB, exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = None
            seconds = None
            break
        time.sleep(0.05)
    if process.returncode not in (0, None):
        message = process.stderr.read().decode(errors="replace")[-2000:]
        print(f"  {' '.join(command[:4])} ... exited {process.returncode}:\n{message}",
              file=sys.stderr)
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024, process.returncode


def _simulate(participants: int, folder: Path) -> None:
    from iedereen_doet_mee.data.writing import write_trial_directory
    from iedereen_doet_mee.design import TrialDesign, write_design
    from iedereen_doet_mee.simulation import simulate_trial

    if participants % 4:
        raise SystemExit(f"--participants: {participants} is not a multiple of 4 (cells)")
    design = TrialDesign(n_per_cell=participants // 4)
    write_trial_directory(simulate_trial(design, seed=20140701), folder)
    write_design(design, folder / "design.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds after which a step is stopped (default 900)")
    parser.add_argument("--keep", type=Path,
                        help="simulate into (or reuse) DIR/n<participants> instead of a "
                        "temporary folder")
    args = parser.parse_args()
    rows: dict[tuple[int, str], tuple[float | None, float, int | None]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        for n in args.participants:
            data = base / f"n{n}"
            if not (data / "participants.csv").exists():
                data.mkdir(parents=True, exist_ok=True)
                start = time.perf_counter()
                _simulate(n, data)
                print(f"{n} participants simulated in {time.perf_counter() - start:.1f} s "
                      f"(not timed below)", flush=True)
            for step in args.steps:
                rows[n, step] = _run(_command(step, data, Path(scratch) / f"report{n}"),
                                     args.timeout)
                seconds, peak, _ = rows[n, step]
                shown = f"{seconds:.1f} s" if seconds is not None else f">{args.timeout:.0f} s"
                print(f"  {n:>7} {step:<9} {shown:>9} {peak:8.0f} MB", flush=True)
    print()
    print(f"{'participants':>12} " + " ".join(f"{s + ' s':>11} {s + ' MB':>12}"
                                             for s in args.steps))
    for n in args.participants:
        cells = []
        for step in args.steps:
            seconds, peak, code = rows[n, step]
            text = f">{args.timeout:.0f}" if seconds is None else f"{seconds:.1f}"
            text += "" if code in (0, None) else f" (exit {code})"
            cells.append(f"{text:>11} {peak:>12.0f}")
        print(f"{n:>12} " + " ".join(cells))
    if len(args.participants) >= 2:
        small, large = sorted(args.participants)[-2:]
        print(f"\nratio of seconds, {large} / {small} participants "
              f"(target <= {TARGET_RATIO:g} for a tenfold size):")
        for step in args.steps:
            a, b = rows[small, step][0], rows[large, step][0]
            ratio = "n/a (timed out)" if a is None or b is None else f"{b / a:.1f}"
            print(f"  {step:<9} {ratio}")
    largest = max(args.participants)
    if "report" in args.steps:
        seconds, peak, _ = rows[largest, "report"]
        shown = "timed out" if seconds is None else f"{seconds:.1f} s"
        print(f"report on {largest} participants: {shown} (target < {TARGET_SECONDS:g} s), "
              f"peak {peak:.0f} MB (target < {TARGET_PEAK_MB:g} MB)")


if __name__ == "__main__":
    main()
