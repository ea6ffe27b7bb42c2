"""The PDF is the same bytes wherever it is compiled (typst >= 0.13.1)."""

from __future__ import annotations

import re

from iedereen_doet_mee.reporting.document.blocks import Paragraph, Report, Section
from iedereen_doet_mee.reporting.document.pdf import render_pdf

REPORT = Report("Titel", "Ondertitel", "nl",
                (Section("a", "Uitstroom", (Paragraph("12 van 100 (12%)"),)),), ())


def test_the_same_report_gives_the_same_pdf_in_any_folder(tmp_path):
    # typst 0.13.0 hashed the source file's path into the document identifier, and the
    # report compiles in a temporary staging folder: re-runs differed in the /ID
    first, second = tmp_path / "one", tmp_path / "elsewhere" / "two"
    first.mkdir()
    second.mkdir(parents=True)
    pdf = render_pdf(REPORT, first)
    assert pdf.startswith(b"%PDF-") and pdf == render_pdf(REPORT, second)
    ids = re.search(rb"/ID ?\[ ?\(([^)]*)\) ?\(([^)]*)\) ?\]", pdf)
    assert ids is not None and ids.group(1) == ids.group(2)  # both halves from the content
    assert sorted(p.name for p in first.iterdir()) == []  # the source is cleaned up
