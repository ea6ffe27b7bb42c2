"""Command line: ``python -m iedereen_doet_mee.redesign`` explores sizes, effects and follow-up.

Simulates the design at every point of a grid (size per cell x assumed instruments
effect x enrolment window x attrition), prints the power of one estimator beside its
closed-form power, and the minimum detectable effect at 80% power per size, window
and attrition with its 95% Monte Carlo interval beside the closed-form one; as text,
or as JSON with ``--json``. ``--plot FILE.svg`` (or ``.png``) draws the power curves.
The default estimator is the block-weighted risk difference with its Wald test, the
primary instruments effect of a stratified trial (docs/redesign.md says why).

Exit status: 0 done, 2 invalid design or arguments, 3 unexpected error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .cli import run_command
from .design.toml_io import read_design
from .design.trial_design import TrialDesign
from .diagnosis.design_diagnosis import diagnose_design
from .diagnosis.design_grid import DEFAULT_ESTIMATOR, minimum_detectable_effect, redesign
from .output_folder import check_new_file
from .seeds import DEFAULT_SEED
from .simulation.design_settings import settings_for_design
from .simulation.parameters import SimulationParameters

__all__ = ["main"]


def _list(kind: Callable[[str], Any], example: str) -> Callable[[str], list]:
    def parse(text: str) -> list:
        try:
            return [kind(v) for v in text.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected comma-separated values such as "
                                             f"{example}, got {text!r}") from None
    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iedereen_doet_mee.redesign",
        description="Power curves and minimum detectable effects over a grid of designs "
        "(docs/redesign.md).")
    parser.add_argument("--design", metavar="FILE",
                        help="design TOML (default: the 'Iedereen doet mee' design)")
    parser.add_argument("--n-per-cell", type=_list(int, "15,25,40,60"),
                        default=[15, 25, 40, 60], metavar="N1,N2,...",
                        help="participants per cell (default 15,25,40,60)")
    parser.add_argument("--effect", type=_list(float, "0,0.05,0.10"),
                        default=[0.0, 0.05, 0.10, 0.15, 0.20], metavar="E1,E2,...",
                        help="instruments effect added to the control outflow of every band, "
                        "risk-difference scale (default 0,0.05,0.10,0.15,0.20)")
    parser.add_argument("--control-outflow", type=_list(float, "0.12,0.20"), metavar="P1,P2",
                        help="regular-work outflow within 24 months without instruments, one "
                        "per band (default: the simulation parameters', 0.12,0.20)")
    parser.add_argument("--enrolment-months", type=_list(int, "12,24"), metavar="M1,M2,...",
                        help="lengths of the enrolment window (default: the design's)")
    parser.add_argument("--attrition", type=_list(float, "0,0.03,0.10"), metavar="A1,A2,...",
                        help="shares lost to follow-up within 24 months (default 0.03)")
    parser.add_argument("--sims", type=int, default=1000, metavar="N",
                        help="simulated trials per grid point (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed, the same at every grid point (default {DEFAULT_SEED})")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="significance level (default 0.05)")
    parser.add_argument("--power", type=float, default=0.8,
                        help="power of the minimum detectable effect (default 0.8)")
    parser.add_argument("--allocation", choices=("randomised", "assigned"),
                        help="override the design's allocation method")
    parser.add_argument("--full-follow-up", action="store_true",
                        help="follow everyone for 24 months (no censoring, no loss): the "
                        "setting in which the closed forms apply")
    parser.add_argument("--estimator", default=DEFAULT_ESTIMATOR, metavar="KEY",
                        help=f"whose power (default {DEFAULT_ESTIMATOR}; e.g. "
                        "pooled|fisher_exact_two_sided, overall|risk_difference_hc2, "
                        "overall|binomial_exact_one_sided_target_met)")
    parser.add_argument("--plot", metavar="FILE", help="write the power curves (.svg or .png)")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl",
                        help="language of the plot (default nl)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _setup(args: argparse.Namespace) -> tuple[TrialDesign, SimulationParameters, dict]:
    design = read_design(args.design) if args.design else TrialDesign()
    if args.allocation is not None:
        design = design.replace(allocation=args.allocation)
    grid: dict[str, list] = {"n_per_cell": args.n_per_cell, "effect": args.effect}
    if args.enrolment_months is not None:
        grid["enrolment_months"] = args.enrolment_months
    if args.attrition is not None:
        grid["attrition"] = args.attrition
    if args.plot and Path(args.plot).suffix.lower() not in (".svg", ".png"):
        raise ValueError(f"--plot {args.plot!r} must end in .svg or .png")
    if args.plot:
        check_new_file(args.plot, option="--plot")
    if not 0 < args.power < 1:
        raise ValueError(f"--power must lie in (0, 1), got {args.power!r}")
    parameters = settings_for_design(design)
    keys = diagnose_design(design, parameters=parameters, sims=1, seed=0).estimators
    if args.estimator not in set(keys["estimator_key"]):
        raise ValueError(f"--estimator {args.estimator!r} is not an estimator of this design; "
                         f"use one of {', '.join(keys['estimator_key'])}")
    return design, parameters, grid


def _number(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _number(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _text(frame: pd.DataFrame, mde: pd.DataFrame | None, settings: dict) -> str:
    s = settings
    lines = [
        f"Redesign of {s['design']!r}: {s['sims']} simulated trials per grid point, seed "
        f"{s['seed']} at every point (common random numbers), allocation {s['allocation']}, "
        f"alpha {s['alpha']}",
        f"Estimator: {s['estimator']}",
        "Control outflow within 24 months: " + ", ".join(
            f"band {k} {v:.2f}" for k, v in s["control_outflow"].items())
        + "; the effect is added in every band (risk difference)",
        "Follow-up: " + ("everyone for 24 months (no censoring)" if s["full_follow_up"] else
                         "until the cut-off, with loss to follow-up"),
        "Closed form: " + (s["closed_form_method"] or "none for this estimator")
        + ("" if s["closed_form_applies"] else "; it assumes complete 24-month follow-up "
           "and randomised allocation, which this simulation does not have, so they differ"),
        "",
        "Power, Monte Carlo SE in brackets",
        f"{'n/cell':>6} {'effect':>7} {'months':>6} {'attrition':>9} {'simulated':>15} "
        f"{'closed form':>11} {'difference':>10}",
    ]
    for r in frame.itertuples(index=False):
        form = f"{r.closed_form:.3f}" if math.isfinite(r.closed_form) else "-"
        diff = f"{r.value - r.closed_form:+.3f}" if math.isfinite(r.closed_form) else "-"
        lines.append(f"{r.n_per_cell:>6.0f} {r.effect:>7.3f} {r.enrolment_months:>6} "
                     f"{r.attrition:>9.2f} {r.value:>7.3f} ({r.mc_se:.3f}) {form:>11} "
                     f"{diff:>10}")
    lines.append("")
    if mde is None:
        lines.append("Minimum detectable effect: needs two or more non-negative effects")
        return "\n".join(lines)
    lines += [f"Minimum detectable effect at {s['power']:.0%} power, 95% Monte Carlo interval "
              "in brackets",
              f"{'n/cell':>6} {'months':>6} {'attrition':>9} {'simulated':>24} "
              f"{'closed form':>11}"]
    for r in mde.itertuples(index=False):
        sim = (f"{r.mde:.3f} [{r.mde_low:.3f}, " + (f"{r.mde_high:.3f}]" if
               math.isfinite(r.mde_high) else "beyond]")) if r.status == "found" else r.status
        form = f"{r.closed_form_mde:.3f}" if math.isfinite(r.closed_form_mde) else "-"
        lines.append(f"{r.n_per_cell:>6.0f} {r.enrolment_months:>6} {r.attrition:>9.2f} "
                     f"{sim:>24} {form:>11}")
    return "\n".join(lines)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        design, parameters, grid = _setup(args)
        options = dict(grid=grid, seed=args.seed, alpha=args.alpha,
                       full_follow_up=args.full_follow_up,
                       control_outflow=args.control_outflow)
        # the options are checked by one simulated trial per grid point: an error after
        # this is not the user's option but a fault to report (exit 3)
        redesign(design, parameters, sims=min(args.sims, 1), progress=False, **options)
    except ValueError as exc:
        print(f"redesign: {exc}", file=sys.stderr)
        return 2
    frame = redesign(design, parameters, sims=args.sims, progress=not args.no_progress,
                     **options)
    power = frame[(frame["estimator_key"] == args.estimator)
                  & (frame["diagnosand"] == "power")].reset_index(drop=True)
    has_effects = power.loc[power["effect"] >= 0, "effect"].nunique() >= 2
    mde = minimum_detectable_effect(frame, estimator=args.estimator, power=args.power) \
        if has_effects else None
    if args.plot:
        from .reporting.figures.power_curves import power_curve_figure, save_power_plot

        save_power_plot(power_curve_figure(frame, estimator=args.estimator, lang=args.lang,
                                           power=args.power), args.plot)
    attrs = frame.attrs["redesign"]
    control = dict(zip(design.strata, attrs["control_outflow"], strict=True))
    settings = {
        "design": design.name, "allocation": design.allocation, "sims": args.sims,
        "seed": args.seed, "seed_policy": attrs["seed_policy"], "alpha": args.alpha,
        "power": args.power, "full_follow_up": args.full_follow_up,
        "estimator": args.estimator, "control_outflow": control,
        "grid": {k: list(v) for k, v in grid.items()},
        "closed_form_method": power["closed_form_method"].iloc[0],
        "closed_form_applies": args.full_follow_up and design.allocation == "randomised",
    }
    if args.json:
        rows = frame[frame["estimator_key"] == args.estimator].drop(columns="estimator_key")
        print(json.dumps({"settings": settings, "power": _records(power),
                          "diagnosands": _records(rows),
                          "minimum_detectable_effect": None if mde is None else _records(mde)},
                         indent=2, allow_nan=False))
    else:
        print(_text(power, mde, settings))
    if args.plot:
        print(f"redesign: wrote {args.plot}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    return run_command(_main, argv, "redesign")


if __name__ == "__main__":
    sys.exit(main())
