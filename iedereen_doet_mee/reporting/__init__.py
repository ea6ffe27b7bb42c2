"""The funder report: numbers computed once, disclosure control, tables, figures, documents.

:func:`build_report` writes the report folder (``report.html``, ``report.pdf``,
``results.json``, ``indicators.xlsx``, ``figures/``); :func:`compute_parts` computes
what it shows, for the analysis pipeline. The subpackages hold one job each:
``disclosure`` (suppression of small counts), ``tables`` (CONSORT, baseline, ESF),
``figures`` (house style and every figure) and ``document`` (sections, HTML, PDF,
workbook).
"""

from .build import ReportSettings, build_report
from .parts import ReportParts, compute_parts

__all__ = ["ReportParts", "ReportSettings", "build_report", "compute_parts"]
