"""Render a :class:`~iedereen_doet_mee.reporting.document.blocks.Report` as PDF with Typst.

The ``typst`` package from PyPI carries its own compiler and fonts, so no system
package is needed. Every text goes in as a Typst string literal (nothing is read as
markup), the document date is left out and system fonts are ignored, so the same
report gives the same PDF bytes on any machine. From typst 0.13.1 on (the lower bound in
pyproject.toml) the document identifier is a hash of the content; 0.13.0 hashed the
source file's path into it, and the report compiles in a temporary folder. Figures go
in as PNG.
"""

from __future__ import annotations

from pathlib import Path

from .blocks import Figure, Paragraph, Report, Table

__all__ = ["render_pdf", "typst_source"]

_FONT = "Libertinus Serif"


def _string(text: str) -> str:
    """A Typst string literal.

    Examples
    --------
    >>> _string('a "b" \\\\ #c')
    '"a \\\\"b\\\\" \\\\\\\\ #c"'
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: Column headers of text columns (left-aligned, wider) in any language.
_TEXT_HEADERS = {"", "term", "onderdeel", "estimator", "schatter", "code", "indicator",
                 "in dit rapport", "in this report", "naam in results.json",
                 "name in results.json", "toelichting", "note"}


def _longest_word(frame) -> int:
    """Characters of the longest unbroken word in a table (a code name cannot wrap: no
    zero-width space goes into it, so a name copied from the PDF matches results.json)."""
    return max([len(w) for v in [*frame.columns, *frame.to_numpy().ravel()]
                for w in str(v).split()] + [0])


def _table(block: Table) -> str:
    frame = block.frame
    # the first column names the row (after a record's ID, the second does)
    naming = 1 if len(frame.columns) > 1 and str(frame.columns[0]) == "ID" else 0
    text_column = [i <= naming or str(c).strip().lower() in _TEXT_HEADERS
                   for i, c in enumerate(frame.columns)]
    # the header row repeats on each page a long table runs onto, and is never left
    # alone at the foot of a page
    head = ", ".join(f"[*#{_string(str(c))}*]" for c in frame.columns)
    cells = [f"table.header({head})"]
    for row in frame.itertuples(index=False):
        cells += [f"[#{_string(v)}]" for v in row]
    align = "(" + ", ".join("left" if t else "right" for t in text_column) + ",)"
    # a record's ID (first column "ID") is short: as wide as it is, the rest shares out
    widths = "(" + ", ".join("auto" if i == 0 and str(c) == "ID" else "2.2fr" if t else "1fr"
                             for i, (c, t) in enumerate(zip(frame.columns, text_column,
                                                            strict=True))) + ",)"
    size = "6pt" if _longest_word(frame) > 40 else "7pt" if frame.shape[1] >= 6 else "8pt"
    table = (f"#figure(kind: table, caption: [#{_string(block.caption)}], "
             f"text(size: {size}, table(columns: {widths}, align: {align}, "
             f"stroke: 0.4pt + gray, inset: 3pt, {', '.join(cells)})))")
    # a block of its own: inline text would run on into the next paragraph
    note = f"\n#block(text(size: 8pt)[#{_string(block.note)}])" if block.note else ""
    return table + note


def _marking(report: Report) -> str:
    """The page header that marks every page (bold, red, centred), or nothing."""
    if report.marking is None:
        return ""
    return (', header: align(center, text(size: 9pt, weight: "bold", fill: rgb("#b00020"))'
            f"[#{_string(report.marking)}])")


def typst_source(report: Report, figure_prefix: str = "figures") -> str:
    """The Typst source of the report; figures are read from ``figure_prefix/<stem>.png``.

    Examples
    --------
    >>> from iedereen_doet_mee.reporting.document.blocks import Section
    >>> source = typst_source(Report("T", "S", "nl", (Section("a", "A",
    ...                                    (Paragraph("50% <10"),)),), ()))
    >>> '#"50% <10"' in source
    True
    >>> marked = Report("T", "S", "en", (), (), marking="Confidential - not for publication")
    >>> 'header: align(center' in typst_source(marked)
    True
    """
    title = report.title if report.marking is None else f"{report.marking}: {report.title}"
    lines = [
        f"#set document(title: {_string(title)}, date: none)",
        f'#set text(font: "{_FONT}", size: 10pt, lang: "{report.lang}")',
        '#set page(paper: "a4", margin: 2cm, numbering: "1"' + _marking(report) + ")",
        '#set heading(numbering: "1.")',
        "#show figure: set block(breakable: true)",
        f"#align(center)[#text(size: 18pt, weight: \"bold\")[#{_string(report.title)}]]",
        f"#align(center)[#{_string(report.subtitle)}]",
    ]
    if report.provenance:
        cells = ", ".join(f"[#{_string(k)}], [#{_string(v)}]" for k, v in report.provenance)
        lines.append(f"#text(size: 8pt)[#table(columns: 2, stroke: none, inset: 2pt, {cells})]")
    for section in report.sections:
        lines.append(f"\n= #{_string(section.title)}")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                text = f"#{_string(block.text)}"
                lines.append(f"*{text}*" if block.strong else text)
                lines.append("")
            elif isinstance(block, Table):
                lines.append(_table(block))
            elif isinstance(block, Figure):
                path = f"{figure_prefix}/{block.stem}.png"
                lines.append(f"#figure(image({_string(path)}, width: 100%), "
                             f"caption: [#{_string(block.caption)}])")
    return "\n".join(lines) + "\n"


def render_pdf(report: Report, root: str | Path, figure_prefix: str = "figures") -> bytes:
    """Compile the report to PDF bytes; ``root`` is the folder holding ``figure_prefix``."""
    import typst

    root = Path(root)
    source = root / ".report.typ"
    source.write_text(typst_source(report, figure_prefix), encoding="utf-8")
    try:
        return typst.compile(str(source), root=str(root), ignore_system_fonts=True)
    finally:
        source.unlink()
