"""Freeze lifelines' Kaplan-Meier median and its interval for tests/analysis/test_chain.py.

The package computes the median time in a chain's stage with its own Kaplan-Meier curve
(``iedereen_doet_mee.analysis.curves.kaplan_meier`` and ``median_time``). This script
records what lifelines gives on the same durations: R's ``lung`` and ``veteran`` data
(``tests/reference/data``), the stage durations of the hand-made trial of
``test_chain.py`` (days / 30.436875) and three edge cases. Run it in an environment with
lifelines (0.30.3 here; not a dependency of the package)::

    python -m venv /tmp/ll && /tmp/ll/bin/pip install lifelines==0.30.3
    /tmp/ll/bin/python tests/reference/chain_km_lifelines.py

It writes ``tests/reference/chain_km_lifelines_reference.json``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DAYS_PER_MONTH = 30.436875


def _cases() -> dict[str, tuple[list[float], list[int]]]:
    cases = {}
    lung = pd.read_csv(HERE / "data" / "survival_lung.csv")
    veteran = pd.read_csv(HERE / "data" / "survival_veteran.csv")
    cases["lung"] = (lung["time"].tolist(), (lung["status"] == 2).astype(int).tolist())
    for sex in (1, 2):
        part = lung[lung["sex"] == sex]
        cases[f"lung_sex_{sex}"] = (part["time"].tolist(),
                                    (part["status"] == 2).astype(int).tolist())
    cases["veteran"] = (veteran["time"].tolist(), veteran["status"].astype(int).tolist())
    for trt in (1, 2):
        part = veteran[veteran["trt"] == trt]
        cases[f"veteran_trt_{trt}"] = (part["time"].tolist(), part["status"].astype(int).tolist())
    # the hand-made trial of test_chain.py: days in each stage, 1 = the stage ended
    hand = {"intake": ([26, 15, 12, 20, 10, 306, 14, 5], [1, 1, 1, 1, 1, 0, 1, 0]),
            "assessment": ([40, 29, 14, 35], [1, 1, 0, 1]),
            "placement": ([292, 121, 92], [0, 1, 1])}
    for stage, (days, ended) in hand.items():
        cases[f"hand_{stage}"] = ([d / DAYS_PER_MONTH for d in days], ended)
    cases["upper_not_reached"] = ([5, 5, 5, 10, 10], [1, 1, 1, 1, 0])
    cases["exactly_half"] = ([3, 3, 6, 6], [1, 1, 1, 1])
    cases["median_not_reached"] = ([1, 2, 3, 4, 5], [0, 1, 0, 0, 0])
    return cases


def _number(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def main() -> None:
    # imported here: lifelines is not a dependency, and the test run collects this file
    import lifelines
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    out = {"lifelines": lifelines.__version__, "cases": {}}
    for name, (time, event) in _cases().items():
        fit = KaplanMeierFitter().fit(np.asarray(time, float), np.asarray(event, int))
        bands = median_survival_times(fit.confidence_interval_).to_numpy().ravel()
        curve = pd.concat([fit.survival_function_, fit.confidence_interval_], axis=1)
        curve = curve[curve.index > 0]
        out["cases"][name] = {
            "time": [float(t) for t in time], "event": [int(e) for e in event],
            "median": _number(float(fit.median_survival_time_)),
            "lower": _number(float(bands[0])), "upper": _number(float(bands[1])),
            "curve_time": curve.index.tolist(),
            "survival": curve.iloc[:, 0].tolist(),
            "conf_low": curve.iloc[:, 1].tolist(), "conf_high": curve.iloc[:, 2].tolist(),
        }
    path = HERE / "chain_km_lifelines_reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
