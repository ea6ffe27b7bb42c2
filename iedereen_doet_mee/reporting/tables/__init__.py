"""The report's descriptive tables (CONSORT flow, baseline, ESF indicators) and their text form.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:func:`consort_counts`               the CONSORT flow numbers (:class:`ConsortCounts`)
:func:`consort_figure`               the CONSORT diagram
:func:`baseline_table`               baseline characteristics with standardised differences
:func:`esf_indicators`               the ESF common indicators by sex
:func:`consort_text_table`,          the same as text tables, after disclosure control
:func:`baseline_text_table`,
:func:`esf_text_table`
==================================== =====================================================

``docs/esf-indicators.md`` defines the baseline and ESF tables, ``docs/figures.md`` the
CONSORT flow. The names are loaded on first use, so importing this package is cheap and
no module of ``reporting`` imports another through it.

Examples
--------
>>> from iedereen_doet_mee.reporting.tables import baseline_table
>>> baseline_table.__module__
'iedereen_doet_mee.reporting.tables.baseline'
"""

from __future__ import annotations

from ...lazy_exports import lazy_exports

#: Public name -> module of this package that defines it.
_LAZY = {
    "ConsortCounts": "consort", "consort_counts": "consort", "consort_figure": "consort",
    "baseline_long": "baseline", "baseline_table": "baseline",
    "ESF_INDICATORS": "esf", "esf_indicators": "esf",
    "baseline_text_table": "as_text", "consort_suppression": "as_text",
    "consort_text_table": "as_text", "esf_text_table": "as_text",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
