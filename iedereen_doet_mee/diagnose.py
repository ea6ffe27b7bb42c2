"""Command line: ``python -m iedereen_doet_mee.diagnose`` diagnoses a design by simulation.

Prints, for every estimator of the primary analysis, bias, RMSE, power, coverage,
type-S rate, mean estimate and estimand and mean interval width with Monte Carlo
standard errors, and the probability that the trial meets its outflow target; as a
text table, or as JSON with ``--json``. A design whose primary outcome is not regular
work of persons also gets that outcome's expected share and interval width
(:mod:`~iedereen_doet_mee.diagnosis.primary_precision`; key ``primary_outcome`` in the
JSON). A progress bar goes to standard error.

Exit status: 0 done, 2 invalid design or assumptions, 3 unexpected error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from multiprocessing import get_context

from .cli import run_command
from .design.toml_io import read_design
from .design.trial_design import TrialDesign
from .diagnosis.design_diagnosis import DEFAULT_CHUNK_SIZE, diagnose_design, with_outflow
from .diagnosis.primary_precision import primary_outcome_precision
from .seeds import DEFAULT_SEED
from .simulation.design_settings import settings_for_design
from .simulation.parameters import SimulationParameters

__all__ = ["main"]


def _shares(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated shares such as 0.20,0.30,0.35,0.50, got {text!r}"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.diagnose",
        description="Diagnose a trial design by simulating it many times (docs/diagnosis.md).")
    parser.add_argument("--design", metavar="FILE",
                        help="design TOML (default: the 'Iedereen doet mee' design)")
    parser.add_argument("--sims", type=int, default=2000, metavar="N",
                        help="number of simulated trials (default 2000)")
    parser.add_argument("--n-per-cell", type=int, metavar="N",
                        help="participants per cell (default: as the design declares)")
    parser.add_argument("--outflow", type=_shares, metavar="P1,P2,...",
                        help="assumed regular-work outflow within 24 months of each cell, "
                        "strata outermost: for the default design band 40-60 without "
                        "instruments, with, band 60-80 without, with")
    parser.add_argument("--allocation", choices=("randomised", "assigned"),
                        help="override the design's allocation method")
    parser.add_argument("--attrition", type=float, metavar="SHARE",
                        help="share lost to follow-up within 24 months (default 0.03)")
    parser.add_argument("--enrolment-months", type=int, metavar="N",
                        help="length of the enrolment window (default: the design's)")
    parser.add_argument("--full-follow-up", action="store_true",
                        help="follow everyone for 24 months: no administrative censoring and "
                        "no loss to follow-up (a plain binary outcome)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="significance level (default 0.05)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--executor", choices=("serial", "processes", "dask"),
                        default="serial", help="where the chunks run (default serial)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for --executor processes")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address for --executor dask (default: a local "
                        "cluster)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                        help=f"simulated trials per chunk (default {DEFAULT_CHUNK_SIZE})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _assumptions(args: argparse.Namespace) -> tuple[TrialDesign, SimulationParameters]:
    design = read_design(args.design) if args.design else TrialDesign()
    changes = {}
    if args.n_per_cell is not None:
        changes["n_per_cell"] = args.n_per_cell
    if args.allocation is not None:
        changes["allocation"] = args.allocation
    if args.enrolment_months is not None:
        changes["enrolment_months"] = args.enrolment_months
    design = design.replace(**changes) if changes else design
    parameters = settings_for_design(design)
    if args.attrition is not None:
        parameters = dataclasses.replace(parameters, loss_to_follow_up_24m=args.attrition)
    if args.outflow is not None:
        parameters = with_outflow(parameters, design, args.outflow)
    return design, parameters


def _check_executor(args: argparse.Namespace) -> None:
    """Refuse executor options that cannot work, before anything runs."""
    if args.executor == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise ValueError("--executor dask needs dask.distributed: pip install "
                             "'iedereen_doet_mee[cluster]'") from None
    elif args.scheduler:
        raise ValueError("--scheduler needs --executor dask")


def _executor(args: argparse.Namespace, stack: ExitStack) -> Executor | None:
    if args.executor == "processes":
        return stack.enter_context(ProcessPoolExecutor(args.workers,
                                                       mp_context=get_context("spawn")))
    if args.executor == "dask":
        from dask.distributed import Client, LocalCluster

        if args.scheduler:
            client = stack.enter_context(Client(args.scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=args.workers,
                                                       threads_per_worker=1))
            client = stack.enter_context(Client(cluster))
        return client.get_executor()
    return None


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        design, parameters = _assumptions(args)
        options = dict(design=design, parameters=parameters, seed=args.seed, alpha=args.alpha,
                       full_follow_up=args.full_follow_up, chunk_size=args.chunk_size)
        # the options are checked by one simulated trial: an error after this is not the
        # user's option but a fault to report (exit 3)
        diagnose_design(**options, sims=min(args.sims, 1))
        _check_executor(args)
    except ValueError as exc:
        print(f"diagnose: {exc}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        diagnosis = diagnose_design(**options, sims=args.sims, executor=_executor(args, stack),
                                    progress=not args.no_progress)
    # a primary outcome other than regular work of persons: its own precision
    precision = primary_outcome_precision(design, seed=args.seed, parameters=parameters)
    if args.json:
        found = diagnosis.to_dict()
        if precision is not None:
            found["primary_outcome"] = dataclasses.asdict(precision)
        print(json.dumps(found, indent=2, allow_nan=False))
    else:
        print(diagnosis.to_text())
        if precision is not None:
            print("\n" + precision.to_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "diagnose")


if __name__ == "__main__":
    sys.exit(main())
