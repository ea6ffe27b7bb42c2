"""Render a :class:`~iedereen_doet_mee.reporting.document.blocks.Report` as one HTML file.

Self-contained: the style sheet is inline and every figure is embedded as its SVG
text, so the file opens offline and references no external asset. Figures scale to
the column width (their text grows with them) and carry a text alternative
(``role="img"``, ``aria-label`` and a ``<title>``: caption and a short description,
:func:`~iedereen_doet_mee.reporting.figures.alt_text.alt_text`). In tables, columns
of numbers are right-aligned (class ``num``) and text left-aligned. A table wider than
the column scrolls sideways in its own box (``.table-wrap``) rather than running past
the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..figures.alt_text import alt_text
from .blocks import Figure, Paragraph, Report, Table
from .texts import text

__all__ = ["render_html"]

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em;
border-bottom: 1px solid #ccc; } .subtitle { color: #555; }
.table-wrap { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; margin: 0; font-size: 0.9em; }
td:first-child { min-width: 6em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left;
         vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3em; }
.note { font-size: 0.85em; color: #555; } .strong { font-weight: bold; }
figure { margin: 1em 0; } figure svg { display: block; width: 100%; max-width: 100%;
height: auto; }
figcaption { font-size: 0.9em; color: #444; }
.provenance td { text-align: left; font-family: monospace; font-size: 0.85em; }
"""


def _svg(directory: Path, stem: str, alt: str = "") -> str:
    """The figure's SVG inline, without its fixed size (it scales to the column through
    its ``viewBox``) and with ``alt`` as its text alternative."""
    text = (directory / f"{stem}.svg").read_text(encoding="utf-8")
    text = re.sub(r"^<\?xml[^>]*>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    opening = re.search(r"<svg\b[^>]*>", text)
    if opening is None:
        return text
    tag = re.sub(r'\s(?:width|height)="[^"]*"', "", opening.group(0))
    if alt:
        tag = tag[:-1] + f' role="img" aria-label="{html.escape(alt)}">'
        tag += f"<title>{html.escape(alt)}</title>"
    return text[:opening.start()] + tag + text[opening.end():]


#: A number as a table shows it: an optional sign, "<", ">" or euro sign, then a digit;
#: words allowed inside are those of intervals and units ("0,12 tot 0,34", "3 procentpunt").
_NUMBER = re.compile(r"^[\s(\[]*(?:[-+−<>≤≥€]\s*)*\d")
_NUMBER_WORDS = re.compile(r"\b(tot|to|procentpunten|procentpunt|percentage points?|pp|"
                           r"mnd|months?|maanden|jaar|years?)\b")


def _numeric(cell: str) -> bool:
    """Whether a cell is a number (with interval, percentage or unit), not text."""
    return bool(_NUMBER.match(cell)) and not re.search(r"[^\W\d_]",
                                                        _NUMBER_WORDS.sub("", cell))


#: The word of a withheld number, in either language.
_WITHHELD = {text("suppressed", "nl"), text("suppressed", "en")}


def _numeric_columns(frame) -> list[bool]:
    """Per column: numbers (right-aligned) when it holds a number and no text with a
    digit; cells without a digit ("-", "afgeschermd") go with either. A column of
    withheld numbers only ("afgeschermd" and "-") is one of numbers too. The first
    column labels the rows and stays text.

    Examples
    --------
    >>> import pandas as pd
    >>> _numeric_columns(pd.DataFrame({"code": ["A", "B"], "n": ["12", "afgeschermd"],
    ...                                "anders": ["afgeschermd", "-"], "note": ["", "x"]}))
    [False, True, True, False]
    """
    flags = []
    for j in range(frame.shape[1]):
        cells = [str(v).strip() for v in frame.iloc[:, j]]
        numbers = [_numeric(c) for c in cells]
        texts = [not n and any(ch.isdigit() for ch in c) for c, n in zip(cells, numbers,
                                                                          strict=True)]
        withheld = any(c in _WITHHELD for c in cells) and \
            all(c in _WITHHELD or c == "-" for c in cells)
        flags.append(j > 0 and (withheld or (any(numbers) and not any(texts))))
    return flags


def _table(block: Table) -> str:
    frame = block.frame
    numeric = _numeric_columns(frame)
    cls = [' class="num"' if n else "" for n in numeric]
    head = "".join(f"<th{c}>{html.escape(str(name))}</th>"
                   for c, name in zip(cls, frame.columns, strict=True))
    # a table whose columns have no names gets no (empty) header row
    head = f"<thead><tr>{head}</tr></thead>" if any(
        str(name).strip() for name in frame.columns) else ""
    rows = "".join("<tr>" + "".join(f"<td{c}>{html.escape(v)}</td>"
                                    for c, v in zip(cls, row, strict=True)) + "</tr>"
                   for row in frame.itertuples(index=False))
    note = f'<p class="note">{html.escape(block.note)}</p>' if block.note else ""
    # a wide table scrolls inside its own box instead of running past the page
    return (f'<div class="table-wrap"><table><caption>{html.escape(block.caption)}'
            f"</caption>{head}<tbody>{rows}</tbody></table></div>{note}")


def _banner(report: Report) -> str:
    """A banner above the title with the report's marking (inline style: visible also
    when the page is printed or its style sheet is dropped), or nothing."""
    if report.marking is None:
        return ""
    return ('<p class="marking" role="note" style="background: #b00020; color: #fff; '
            'font-weight: bold; text-align: center; padding: 0.5em; margin: 0 0 1em 0; '
            f'border: 2px solid #b00020;">{html.escape(report.marking)}</p>\n')


def render_html(report: Report, figure_directory: str | Path) -> str:
    """The report as a self-contained HTML document (figures inline as SVG).

    Examples
    --------
    >>> import pandas as pd
    >>> from iedereen_doet_mee.reporting.document.blocks import Section
    >>> report = Report("T", "S", "en", (Section("a", "A", (Paragraph("x < 1"),)),), ())
    >>> "<p>x &lt; 1</p>" in render_html(report, ".")
    True
    >>> marked = Report("T", "S", "en", (), (), marking="Confidential - not for publication")
    >>> "<title>Confidential - not for publication: T</title>" in render_html(marked, ".")
    True
    """
    directory = Path(figure_directory)
    title = report.title if report.marking is None else f"{report.marking}: {report.title}"
    parts = [f'<!DOCTYPE html>\n<html lang="{report.lang}">\n<head>\n<meta charset="utf-8">\n'
             f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
             f"<body>\n{_banner(report)}<h1>{html.escape(report.title)}</h1>\n"
             f'<p class="subtitle">{html.escape(report.subtitle)}</p>']
    if report.provenance:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                       for k, v in report.provenance)
        parts.append(f'<table class="provenance"><tbody>{rows}</tbody></table>')
    for number, section in enumerate(report.sections, start=1):
        parts.append(f'<h2 id="{section.key}">{number}. {html.escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Paragraph):
                cls = ' class="strong"' if block.strong else ""
                parts.append(f"<p{cls}>{html.escape(block.text)}</p>")
            elif isinstance(block, Table):
                parts.append(_table(block))
            elif isinstance(block, Figure):
                alt = alt_text(block.stem, block.caption,
                               "nl" if report.lang == "nl" else "en")
                parts.append(f"<figure>{_svg(directory, block.stem, alt)}<figcaption>"
                             f"{html.escape(block.caption)}</figcaption></figure>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
