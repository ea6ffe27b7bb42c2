"""The missing-data bounds must not show a small number lost to follow-up.

The complete cases' n is everyone minus the lost, and the bound that counts the lost as
successes lies the lost share above the bound that counts them as failures; with 2 lost
of 100 a reader read "2" off the published records (found by
``tests/reporting/test_disclosure_recompute.py``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from iedereen_doet_mee.analysis.estimators import disclosure_classes
from iedereen_doet_mee.reporting.disclosure import suppress_results


def _bounds(lost: int, n: int = 100, events: int = 30) -> pd.DataFrame:
    rows = [("share_lost_as_failures", events / n, n),
            ("share_lost_as_successes", (events + lost) / n, n),
            ("share_complete_cases", events / (n - lost), n - lost),
            ("risk_difference_complete_cases_non_experimental", 0.05, n - lost),
            ("risk_difference_lost_unfavourable_to_instruments_non_experimental", 0.04, n)]
    return pd.DataFrame([{"question": "missing", "term": "overall", "estimator": e,
                          "estimate": x, "n": k} for e, x, k in rows])


@pytest.mark.parametrize("lost", [0, 2, 9])
def test_a_small_number_lost_is_not_shown(lost):
    frame = _bounds(lost)
    out = suppress_results(frame, threshold=10, **disclosure_classes(frame["estimator"]))
    shown = out.loc[~out["suppressed"], "estimator"].tolist()
    assert shown == ["share_lost_as_failures",
                     "risk_difference_lost_unfavourable_to_instruments_non_experimental"]
    # what is left says nothing of the lost: one n, and the failures bound
    assert out.loc[~out["suppressed"], "n"].nunique() == 1


def test_ten_or_more_lost_are_shown():
    frame = _bounds(12)
    out = suppress_results(frame, threshold=10, **disclosure_classes(frame["estimator"]))
    assert not out["suppressed"].any()
    assert int(out.loc[0, "n"]) - int(out.loc[2, "n"]) == 12
