"""Disclosure control for funder-facing output: small counts are suppressed, never shown.

The rules are those of Statistics Netherlands (CBS) remote access and the UK secure data
services (``docs/disclosure.md``): no count below the threshold (default 10, zero
included), no percentage, rate or mean over fewer people, and secondary suppression so
that no suppressed number can be worked out from the totals and cells that are shown.

- :func:`suppress_table` and :func:`suppress_linked`: frequency tables with margins or
  with nested totals (cells of the 2x2, band totals, arm totals, grand total).
- :func:`suppress_statistics`: rates, percentages and means by their denominators.
- :func:`suppress_results` and :func:`mark_suppressed`: the tidy results frame.
- :func:`check_publishable`: the guard against identifiers and row-level data.
- :data:`AUDIENCES`: a ``public`` report gets all of the above; an ``internal`` one (the
  project's steering group and the ESF managing authority) only the guard, its results
  passed through :func:`unsuppressed`.

Suppressed numbers are written as :data:`SUPPRESSED` in text and as ``null`` (with
``suppressed: true``) in JSON; never as 0 or blank.

The code lives in the modules of this package: ``tables`` (tables and statistics),
``results`` (the results frame), ``guard`` (the guard), ``audience`` (who a report is
for) and ``engine`` (secondary suppression and the exactness audit shared by the first
two). Import the public names from this package; the engine's ``Cells``, ``protect`` and
``audit`` are for its sibling modules and the tests.
"""

from __future__ import annotations

from .audience import AUDIENCES, Audience, check_audience, unsuppressed
from .guard import ROW_LEVEL_COLUMNS, DisclosureError, check_publishable
from .results import mark_suppressed, suppress_results
from .tables import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    Suppression,
    check_threshold,
    suppress_linked,
    suppress_statistics,
    suppress_table,
)

__all__ = [
    "AUDIENCES",
    "DEFAULT_THRESHOLD",
    "ROW_LEVEL_COLUMNS",
    "SUPPRESSED",
    "Audience",
    "DisclosureError",
    "Suppression",
    "check_audience",
    "check_publishable",
    "check_threshold",
    "mark_suppressed",
    "suppress_linked",
    "suppress_results",
    "suppress_statistics",
    "suppress_table",
    "unsuppressed",
]
