"""What a reader sees on each page of the default report, in both languages and for both
audiences: no code names outside the appendix, no English in the Dutch report, CONSORT
boxes that state true counts, and PDF text that copies as it reads.

The text read is what a reader reads: each PDF page's text (pypdfium2, as the other
report tests) and the HTML's visible text, figures' SVG ``<text>`` included (the house
style keeps figure text as text). ``tools/look_at_report.py`` renders the same reports as
images; these tests do not replace looking at them.

Cases the current report fails are listed in :data:`KNOWN` with the finding and marked
``xfail(strict=True)``: when a fix lands the case passes, the strict mark turns that into
a failure, and the case's entry is removed.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.texts import text
from iedereen_doet_mee.reporting.figures.style import label
from iedereen_doet_mee.reporting.tables.consort import ALL, COUNT_NAMES, consort_counts

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT / "data" / "synthetic"
FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=50)
LANGS = ("nl", "en")
AUDIENCES = ("public", "internal")
MEDIA = ("pdf", "html")
#: Characters a PDF may carry that a reader does not see but copies along.
INVISIBLE = {"\u200b": "zero-width space", "\u00ad": "soft hyphen", "\u2060": "word joiner"}

#: Code names as a reader would meet them: a token holding an underscore
#: (``proportion_clopper_pearson``, ``_non_experimental``, ``growth_per_month[...]``,
#: ``as_of``), a ``key=value`` term (``band=40-60:instruments=no``) or an arm written
#: ``arm:yes``.
CODE_NAME = re.compile(r"\w*_\w*|\b[a-z]\w*=[\w.-]+|\b[a-z_]+:(?:yes|no)\b")

#: English that has no Dutch use, collected from the English texts of the report
#: (texts, labels, table rows, ESF reasons, the CONSORT table): a regular expression
#: each, matched case-insensitively against the Dutch report. Words Dutch readers use
#: as well (training, workshop, follow-up, trial, single, design) are not listed.
ENGLISH = (r"\bassessed\b", r"\benrolled\b", r"\benrolment\b", r"\ballocated\b",
           r"\breceived instruments\b", r"\bno instruments\b", r"\blost to follow[- ]up\b",
           r"\bdiscontinued\b", r"\banalysed\b", r"\bexcluded\b", r"\bmean\b", r"\bmedian\b",
           r"\(SD\)", r"\bIQR\b", r"\bfemale\b", r"\bmale\b", r"\bhousehold\b",
           r"\bcouple\b", r"\bchildren\b", r"\beducation\b", r"\bjobless\b",
           r"\blabour-market\b", r"\bunemployed\b", r"\bmigrant\b", r"\bdisability\b",
           r"\bmonths on benefit\b", r"\bestimated wage value\b", r"\blife wheel\b",
           r"(?<!public )\bhealth\b", r"\bhousing\b", r"\bleisure\b", r"\bpersonal growth\b",
           r"\bnot estimable\b", r"\bno result\b", r"\bsuppressed\b", r"\bwithheld\b",
           r"\bnot recorded\b", r"\boverall\b", r"\bpooled\b", r"\byes\b",
           r"(?<=[/=:])no\b", r"\bthe\b", r"\bdoes\b", r"\bwhich\b", r"\bpackage\b",
           r"\bseed\b", r"\bscale\b", r"\bestimate\b", r"\bsavings\b")

#: (test, case id) -> the finding that makes the current report fail the case.
KNOWN: dict[tuple[str, str], str] = {}


def _cases(test: str, ids: list[str]) -> list:
    """``ids`` as parameters, those in :data:`KNOWN` for ``test`` marked strict xfail."""
    return [pytest.param(*case.split("-"), id=case,
                         marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(test, case)])]
                         if (test, case) in KNOWN else [])
            for case in ids]


# --- building and reading the reports -----------------------------------------------------

@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A function (lang, audience) -> the report folder, each built once per module."""
    folder = tmp_path_factory.mktemp("pages")
    built: dict[tuple[str, str], Path] = {}

    def get(lang: str, audience: str) -> Path:
        if (lang, audience) not in built:
            built[lang, audience] = build_report(ReportSettings(
                out=folder / f"{lang}-{audience}", lang=lang, audience=audience, **FAST))
        return built[lang, audience]
    return get


def pdf_pages(folder: Path) -> list[str]:
    """The text of every page of ``folder/report.pdf``, as pypdfium2 extracts it."""
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(folder / "report.pdf"))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


class _HtmlText(html.parser.HTMLParser):
    """Visible text of the report's HTML per section (``<h2 id=...>``; ``""`` before the
    first), and its tables as rows of cell texts; style and SVG metadata left out."""

    _SKIP = frozenset({"style", "script", "metadata", "defs"})

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {"": []}
        self.tables: dict[str, list[list[list[str]]]] = {}
        self._section, self._skip = "", 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "h2":
            self._section = dict(attrs).get("id") or f"h2-{len(self.sections)}"
            self.sections[self._section] = []
        elif tag == "table":
            self.tables.setdefault(self._section, []).append([])
        elif tag == "tr" and self.tables.get(self._section):
            self.tables[self._section][-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("br", "p", "div", "tr", "li", "text", "figcaption"):
            self.sections[self._section].append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            rows = self.tables.get(self._section)
            if rows and rows[-1]:
                rows[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
            self.sections[self._section].append(" | ")
        elif tag in ("text", "p", "h1", "h2", "figcaption", "tr", "caption"):
            self.sections[self._section].append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        self.sections[self._section].append(data)
        if self._cell is not None:
            self._cell.append(data)


def html_text(folder: Path) -> _HtmlText:
    parser = _HtmlText()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def _reader_text(folder: Path, lang: str, medium: str) -> dict[str, str]:
    """What a reader reads outside the appendix: per PDF page (``page N``) or per HTML
    section (``section KEY``). Zero-width characters are removed first, so a code name
    broken by them is still found."""
    heading = text("appendix", lang)
    if medium == "html":
        sections = html_text(folder).sections
        shown = {f"section {key or '(title)'}": "".join(parts)
                 for key, parts in sections.items() if key != "appendix"}
    else:
        shown, appendix = {}, False
        for number, page in enumerate(pdf_pages(folder), start=1):
            found = re.search(rf"^\d+\.\s+{re.escape(heading)}\s*$", page, flags=re.M)
            if not appendix:
                shown[f"page {number}"] = page if found is None else page[:found.start()]
            appendix = appendix or found is not None
        assert appendix, f"no appendix heading {heading!r} in the PDF"
    return {where: re.sub("[" + "".join(INVISIBLE) + "]", "", words)
            for where, words in shown.items()}


def _found(texts: dict[str, str], pattern: re.Pattern) -> dict[str, list[str]]:
    hits = {where: sorted({m.group(0) for m in pattern.finditer(words)})
            for where, words in texts.items()}
    return {where: found for where, found in hits.items() if found}


def _message(hits: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {', '.join(found[:25])}" + (" ..." if len(found) > 25 else "")
                     for where, found in hits.items())


# --- (a) code names, (b) English in the Dutch report ---------------------------------------

@pytest.mark.parametrize(("lang", "audience", "medium"), _cases(
    "code_names", [f"{lang}-{audience}-{medium}" for lang in LANGS for audience in AUDIENCES
                   for medium in MEDIA]))
def test_no_code_names_outside_the_appendix(report, lang, audience, medium):
    hits = _found(_reader_text(report(lang, audience), lang, medium), CODE_NAME)
    assert not hits, "code names shown to a reader:\n" + _message(hits)


@pytest.mark.parametrize(("audience", "medium"), _cases(
    "english", [f"{audience}-{medium}" for audience in AUDIENCES for medium in MEDIA]))
def test_dutch_report_has_no_english(report, audience, medium):
    pattern = re.compile("|".join(ENGLISH), flags=re.IGNORECASE)
    hits = _found(_reader_text(report("nl", audience), "nl", medium), pattern)
    assert not hits, "English in the Dutch report:\n" + _message(hits)


def test_the_checks_find_what_they_look_for():
    """The patterns catch the code names and English the issue lists, and leave plain
    Dutch and English prose alone."""
    shown = ("proportion_clopper_pearson band=40-60:instruments=no growth_per_month[x] "
             "'_non_experimental' as_of arm:no")
    assert len(CODE_NAME.findall(shown)) == 7
    prose = ("11 van de 100 deelnemers (11,0%) stroomden uit; Clopper-Pearson, 95%-BI; "
             "11 of the 100 participants (11.0%) left benefit; 40-60 / 60-80")
    assert not CODE_NAME.findall(prose)
    english = re.compile("|".join(ENGLISH), flags=re.IGNORECASE)
    for phrase in ("enrolled", "lost to follow up", "Age at enrolment", "not estimable",
                   "no result", "Household: single", "mean (SD)", "40-60/no"):
        assert english.search(phrase), phrase
    dutch = ("Uitgevallen voor follow-up; training en workshop; gemiddelde; nee; of; "
             "is; de kans dat het doel gehaald is; 40-60/nee")
    assert not english.search(dutch)


# --- (c) CONSORT boxes and table against the true counts -----------------------------------

@pytest.fixture(scope="module")
def true_counts():
    """The CONSORT counts of the bundled trial on the report's as-of date, per as-of."""
    trial = load_trial(SYNTHETIC)
    cache = {}

    def get(folder: Path):
        as_of = read_results(folder / "results.json")[0]["as_of"]
        if as_of not in cache:
            cache[as_of] = consort_counts(trial, as_of=as_of)
        return cache[as_of]
    return get


_SVG_TEXT = re.compile(r"<text\b([^>]*)>([^<]*)</text>")
_X = re.compile(r'\bx="([-\d.]+)"')
_Y = re.compile(r'\by="([-\d.]+)"')
# matplotlib >= 3.9 writes "font-weight: 700", 3.8 (our lower bound) the shorthand "font: 700 8px"
_BOLD = re.compile(r"font-weight:\s*(?:700|bold)\b|font:\s*(?:700|bold)\b")
_ITEM = re.compile(r"\(n\s*(=\s*(?P<value>[^)]*?)|(?P<below><)\s*(?P<limit>\d+))\)")
_TOP = ("assessed", "excluded", "enrolled", "enrolled_after_as_of")


def consort_box_items(svg: str, counts, lang: str) -> list[tuple[tuple[str, str, str], str]]:
    """Every count item of the CONSORT diagram's boxes as (key, what it states): the
    regular (not bold) text lines grouped by column (their x), read top to bottom, split
    at each "(n ...)"; the words before it name the count by its label. Cell columns are
    the x of the bold cell headings, left to right in the design's cell order."""
    lines = []
    for attributes, content in _SVG_TEXT.findall(svg):
        x, y = _X.search(attributes), _Y.search(attributes)
        if x is None or y is None:  # rotated stage labels
            continue
        lines.append((round(float(x.group(1)), 1), float(y.group(1)),
                      _BOLD.search(attributes) is not None, html.unescape(content)))
    headings = sorted({x for x, _, bold, _ in lines if bold})
    cells = [(b, a) for b in counts.strata for a in counts.arms]
    assert len(headings) == len(cells), f"cell headings at x {headings}, cells {cells}"
    names = {label(n, lang): n for n in (*_TOP, *(n for _, n in COUNT_NAMES))}
    items = []
    for column in sorted({x for x, _, _, _ in lines}):
        words = " ".join(t for x, _, bold, t in sorted(lines, key=lambda v: v[1])
                         if x == column and not bold)
        start = 0
        for found in _ITEM.finditer(words):
            before = words[start:found.start()].strip()
            start = found.end()
            name = next((names[k] for k in sorted(names, key=len, reverse=True)
                         if before.endswith(k)), None)
            assert name is not None, f"no count label before {found.group(0)!r} in {before!r}"
            if name in _TOP:
                key = (name, ALL, ALL)
            else:
                assert column in headings, f"{name} outside the cell columns (x {column})"
                key = (name, *cells[headings.index(column)])
            items.append((key, found.group(0)))
    return items


def _false_statements(items, counts, threshold: int | None, lang: str) -> list[str]:
    """The items that state a false count: a number that is not the true count, "<10" for
    a count of 10 or more, and "afgeschermd" / "withheld" (a count hidden only so that
    another cannot be worked out) for a count below the threshold (that one says "<10")
    or in a report without suppression."""
    withheld = {"nl": "afgeschermd", "en": "withheld"}[lang]
    wrong = []
    for key, stated in items:
        true = counts.count(*key)
        found = _ITEM.fullmatch(stated)
        if not found.group("below") and found.group("value").strip() == withheld:
            if threshold is None or true is None or true < threshold:
                wrong.append(f"{key}: says {stated}, true count {true}")
        elif found.group("below"):
            limit = int(found.group("limit"))
            if true is None or true >= limit or threshold is None:
                wrong.append(f"{key}: says {stated}, true count {true}")
        elif true is not None and found.group("value").strip() != str(true):
            wrong.append(f"{key}: says {stated}, true count {true}")
    return wrong


@pytest.mark.parametrize(("lang", "audience"), _cases(
    "consort_figure", [f"{lang}-{audience}" for lang in LANGS for audience in AUDIENCES]))
def test_consort_boxes_state_true_counts(report, true_counts, lang, audience):
    folder = report(lang, audience)
    counts = true_counts(folder)
    svg = (folder / "figures" / "consort.svg").read_text(encoding="utf-8")
    assert "<text" in svg, "the figure's text is not text (svg.fonttype is not 'none')"
    items = consort_box_items(svg, counts, lang)
    assert any(key[0] == "allocated" for key, _ in items)
    threshold = read_results(folder / "results.json")[0]["suppress_below"]
    wrong = _false_statements(items, counts, threshold, lang)
    assert not wrong, "CONSORT boxes state false counts:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("lang", "audience"), _cases(
    "consort_table", [f"{lang}-{audience}" for lang in LANGS for audience in AUDIENCES]))
def test_consort_table_states_true_counts(report, true_counts, lang, audience):
    """The CONSORT table in the HTML: every number is the true count, and a cell saying
    "<10" holds a count below 10. Rows are matched by the count's label or its code name
    in words; cell columns are in the design's cell order, the total last."""
    folder = report(lang, audience)
    counts = true_counts(folder)
    tables = html_text(folder).tables.get("consort")
    assert tables, "no CONSORT table in the HTML"
    rows = [r for r in tables[0] if r]
    columns = [(b, a) for b in counts.strata for a in counts.arms] + [(ALL, ALL)]
    names = {}
    for name in dict.fromkeys(counts.table["count"]):
        names[name.replace("_", " ")] = name
        names[label(name, lang).lower()] = name
    threshold = read_results(folder / "results.json")[0]["suppress_below"]
    wrong, matched = [], 0
    for row in rows[1:]:
        name = names.get(row[0].lower())
        if name is None:
            continue
        matched += 1
        for (band, arm), cell in zip(columns, row[1:], strict=False):
            try:
                true = counts.count(name, band, arm)
            except KeyError:
                continue
            below = re.fullmatch(r"<\s*(\d+)", cell)
            if re.fullmatch(r"\d+", cell) and true is not None and int(cell) != true:
                wrong.append(f"{name} {band}/{arm}: says {cell}, true count {true}")
            if below and (threshold is None or true is None or true >= int(below.group(1))):
                wrong.append(f"{name} {band}/{arm}: says {cell}, true count {true}")
    assert matched >= 5, f"too few rows matched a count: {[r[0] for r in rows]}"
    assert not wrong, "the CONSORT table states false counts:\n" + "\n".join(wrong)


# --- (d) what a copy from the PDF carries ---------------------------------------------------

@pytest.mark.parametrize(("lang", "audience"), _cases(
    "invisible", [f"{lang}-{audience}" for lang in LANGS for audience in AUDIENCES]))
def test_pdf_text_has_no_invisible_characters_after_underscores(report, lang, audience):
    hits = {}
    for number, page in enumerate(pdf_pages(report(lang, audience)), start=1):
        found = sorted({INVISIBLE[m.group(1)] for m in re.finditer(
            "_([" + "".join(INVISIBLE) + "])", page)})
        if found:
            hits[f"page {number}"] = found
    assert not hits, "invisible characters after underscores:\n" + _message(hits)
