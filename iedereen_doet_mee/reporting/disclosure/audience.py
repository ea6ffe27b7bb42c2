"""Who a report is for: the public (disclosure control) or the project itself (none).

A ``public`` report (the default) may be published: every number goes through the
disclosure control of this package. An ``internal`` report is for the project's
steering group and the ESF managing authority, who are entitled to the exact
numbers: nothing is suppressed (small counts and zeros are shown), every page is
marked confidential, and the guard against identifiers
(:func:`~iedereen_doet_mee.reporting.disclosure.check_publishable`) still runs, so no
participant, household or employer identifier reaches it either. See
``docs/disclosure.md``. Import the public names from
:mod:`iedereen_doet_mee.reporting.disclosure`.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

__all__ = ["AUDIENCES", "Audience", "check_audience", "unsuppressed"]

Audience = Literal["public", "internal"]
#: The audiences a report can be made for; the first is the default.
AUDIENCES: tuple[Audience, ...] = ("public", "internal")

_NUMBERS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def check_audience(audience: object) -> Audience:
    """``audience`` when it is one of :data:`AUDIENCES`, else a ValueError naming it.

    Examples
    --------
    >>> check_audience("internal")
    'internal'
    >>> check_audience("steering group")
    Traceback (most recent call last):
    ...
    ValueError: option audience='steering group' is not allowed; use 'public' or 'internal'
    """
    if audience not in AUDIENCES:
        raise ValueError(f"option audience={audience!r} is not allowed; use "
                         + " or ".join(repr(a) for a in AUDIENCES))
    return audience  # type: ignore[return-value]


def unsuppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """The tidy results frame as :func:`~.results.suppress_results` returns it, with
    nothing suppressed: for the internal report.

    The columns and their types are those of a suppressed frame (``n`` as nullable
    ``Int64``, the numbers as floats, ``suppressed`` all False, ``suppression`` all
    None), so everything downstream reads both alike.

    Examples
    --------
    >>> rows = pd.DataFrame({"term": ["overall", "band=a"], "estimator": "proportion",
    ...                      "estimate": [0.3, 0.0], "n": [50, 3]})
    >>> out = unsuppressed(rows)
    >>> out[["term", "estimate", "n", "suppressed", "suppression"]]
          term  estimate   n  suppressed suppression
    0  overall       0.3  50       False        None
    1   band=a       0.0   3       False        None
    """
    missing = [c for c in ("term", "estimator", "estimate", "n") if c not in frame.columns]
    if missing:
        raise ValueError(f"unsuppressed: frame lacks columns {missing}; give a tidy "
                         "results frame (term, estimator, estimate, n, ...)")
    out = frame.reset_index(drop=True).copy()
    for column in _NUMBERS:
        if column in out.columns:
            out[column] = out[column].astype(float)
    out["n"] = pd.array(out["n"], dtype="Int64")
    out["suppressed"] = False
    out["suppression"] = pd.Series([None] * len(out), dtype=object)
    return out
