"""A reviewer's text defects of the default report, in both languages and both audiences.

1. Every quoted cross-reference ("zie '...'", "see '...'", and "zie de sectie ...")
   names a heading or caption of the same report; the ladder section points to the
   declared outcomes only when the design declares a ladder step and the report has
   that section.
2. The bounds for loss to follow-up say that rows are withheld only in the public
   report: the internal one withholds nothing.
3. Page 1's wage-value answer gives its unit, the one the wage-value table's note uses.
4. An infinite number reads "∞" / "-∞" (an odds ratio with a zero cell and its upper
   bound); a missing one still reads "-".
5. A mean of the employers' 1..likert_points scale whose t interval runs past the
   scale's ends is not cut off but said so under the table (too few answers); a mean
   of one answer has no interval ("niet te berekenen" / "not computable").
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.analysis.questions import section_title
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.answers import answer_blocks
from iedereen_doet_mee.reporting.document.blocks import Paragraph, Table
from iedereen_doet_mee.reporting.document.content import (
    ReportInputs,
    build_document,
    result_rows,
)
from iedereen_doet_mee.reporting.document.extra_tables import missing_section, unit_note
from iedereen_doet_mee.reporting.document.scale import beyond_scale, no_interval, scale_note
from iedereen_doet_mee.reporting.document.texts import fmt_number, text

FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=50)
CASES = [(lang, audience) for lang in ("nl", "en") for audience in ("public", "internal")]
IDS = [f"{lang}-{audience}" for lang, audience in CASES]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """The default report in each language for each audience."""
    root = tmp_path_factory.mktemp("review")
    return {(lang, audience): build_report(ReportSettings(
        out=root / f"{lang}-{audience}", lang=lang, audience=audience, **FAST))
        for lang, audience in CASES}


def _plain(fragment: str) -> str:
    """Visible text: styles and tags dropped, entities resolved, spaces collapsed."""
    fragment = re.sub(r"<(style|script)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def _section(page: str, key: str) -> str:
    start = page.index(f'<h2 id="{key}"')
    end = page.find("<h2", start + 10)
    return page[start:end if end > 0 else len(page)]


def _rows(section: str) -> list[list[str]]:
    """The body rows of every table of a section, as cell texts."""
    return [[_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for table in re.findall(r"<table\b.*?</table>", section, flags=re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[-1], flags=re.S)]


# --- 1. cross-references ------------------------------------------------------------------

#: A quoted name after "zie" / "see": 'x', "x", ‘x’ or “x”.
QUOTED = re.compile(r"\b(?:zie|see)\s+(?:ook\s+|also\s+)?(['\"\u2018\u201c])(.+?)"
                    r"(?:['\"\u2019\u201d])(?=[\s).,;:]|$)", flags=re.IGNORECASE)
#: "zie de sectie X" / "see the section X": X must begin with a heading.
SECTION = re.compile(r"\b(?:zie (?:de )?sectie|see (?:the )?section)\s+(.+)", flags=re.IGNORECASE)


def _targets(page: str) -> set[str]:
    """What a cross-reference may name: headings (without their number) and the
    captions of tables and figures."""
    names = {re.sub(r"^\d+(\.\d+)*\.?\s+", "", _plain(h))
             for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page, flags=re.S)}
    names |= {_plain(c) for c in re.findall(r"<(?:caption|figcaption)>(.*?)</(?:caption|"
                                            r"figcaption)>", page, flags=re.S)}
    return {n for n in names if n}


def dangling_references(page: str) -> list[str]:
    """The cross-references of a report's HTML that name no heading or caption of it."""
    body = page.split("<body", 1)[-1]
    targets = _targets(body)
    # one line per paragraph, cell, caption or heading: a reference ends with its block
    blocks = re.sub(r"</?(?:p|h\d|li|caption|figcaption|td|th|div|table)\b[^>]*>", "\n",
                    re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S))
    wrong = []
    for line in (_plain(b) for b in blocks.split("\n")):
        wrong += [m.group(0) for m in QUOTED.finditer(line) if m.group(2) not in targets]
        wrong += [m.group(0) for m in SECTION.finditer(line)
                  if not any(m.group(1).startswith(t) for t in targets)]
    return wrong


def test_the_reference_check_finds_a_dangling_reference():
    page = ("<body><h2 id='a'>1. Participatieladder</h2><p>Zie 'Participatieladder'. Een "
            "ladderstap telt iedereen (zie 'Uitkomsten zoals vastgelegd in het ontwerp').</p>"
            "<p>See the section Characteristics at entry.</p>"
            "<table><caption>Kenmerken bij de start</caption></table></body>")
    assert dangling_references(page) == [
        "zie 'Uitkomsten zoals vastgelegd in het ontwerp'",
        "See the section Characteristics at entry."]
    assert dangling_references(page.replace("Characteristics at entry",
                                            "Kenmerken bij de start")) == [
        "zie 'Uitkomsten zoals vastgelegd in het ontwerp'"]


@pytest.mark.parametrize(("lang", "audience"), CASES, ids=IDS)
def test_every_cross_reference_names_a_heading_or_caption(reports, lang, audience):
    page = _page(reports[(lang, audience)])
    assert not dangling_references(page)
    # the default design declares no ladder step: no pointer to a section it lacks
    assert 'id="outcomes"' not in page
    assert section_title("outcomes", lang) not in _plain(page)


def _document(lang: str, ladder_outcomes: tuple[str, ...], with_outcomes: bool):
    rows = [("ladder", "overall", "proportion_wilson", 0.26, 0.17, 0.38, 68)]
    if with_outcomes:
        rows.append(("outcomes", "outcome=step_forward", "proportion_clopper_pearson", 0.3,
                     0.2, 0.4, 100))
    records = pd.DataFrame(rows, columns=["question", "term", "estimator", "estimate",
                                          "conf_low", "conf_high", "n"]).assign(
        outcome="x", p_value=math.nan, suppressed=False)
    # without its records the analysis skipped the question: the report has no section
    skipped = {} if with_outcomes else {"outcomes": "the design declares no outcome beyond "
                                                    "regular-work outflow"}
    return build_document(ReportInputs(
        name="x", as_of="2016-07-01", interim=False, lang=lang, threshold=10, target=None,
        allocation="assigned", records=records, skipped=skipped, figures={}, tables={},
        limitations=(), provenance=(), ladder_outcomes=ladder_outcomes))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_ladder_section_points_to_the_declared_outcomes_only_when_they_are_there(lang):
    step = "minstens 1 trede hoger op de participatieladder binnen 6 maanden"
    document = _document(lang, (step,), with_outcomes=True)
    sections = {s.key: s for s in document.sections}
    title = section_title("outcomes", lang)
    assert sections["outcomes"].title == title
    ladder = " ".join(b.text for b in sections["ladder"].blocks if isinstance(b, Paragraph))
    pointer = text("ladder_declared", lang, outcomes=step, section=title)
    assert pointer in ladder and f"'{title}'" in pointer
    # no ladder step declared, or no such section: the shares' denominator only
    for document in (_document(lang, (), with_outcomes=True),
                     _document(lang, (step,), with_outcomes=False)):
        sections = {s.key: s for s in document.sections}
        said = " ".join(b.text for b in sections["ladder"].blocks if isinstance(b, Paragraph))
        assert text("ladder_denominator", lang) in said and title not in said
    assert "outcomes" not in sections  # the last document: no such section to point to


# --- 2. the loss-to-follow-up bounds: "withheld" only where something is ---------------------

@pytest.mark.parametrize(("lang", "audience"), CASES, ids=IDS)
def test_the_bounds_say_rows_are_withheld_only_in_the_public_report(reports, lang, audience):
    section = _plain(_section(_page(reports[(lang, audience)]), "missing"))
    assert text("missing_line", lang) in section
    assert (text("missing_withheld", lang) in section) == (audience == "public")
    if audience == "internal":
        assert text("table_note_internal", lang) in section


def test_missing_section_follows_the_audience():
    records = pd.DataFrame({"question": ["missing"], "term": ["overall"]})
    def said(lang: str, public: bool) -> str:
        section = missing_section(records, lang, lambda q: pd.DataFrame(), "note",
                                  public=public)
        return section.blocks[0].text

    for lang in ("nl", "en"):
        assert said(lang, True) == \
            f"{text('missing_line', lang)} {text('missing_withheld', lang)}"
        assert said(lang, False) == text("missing_line", lang)
    assert "afgeschermd" not in text("missing_line", "nl")
    assert "withheld" not in text("missing_line", "en")


# --- 3. the wage-value answer's unit ----------------------------------------------------------

@pytest.mark.parametrize(("lang", "audience"), CASES, ids=IDS)
def test_the_wage_value_answer_uses_the_tables_unit(reports, lang, audience):
    folder = reports[(lang, audience)]
    page = _page(folder)
    unit = text("wage_growth_unit", lang)
    assert unit in _plain(_section(page, "wage_value"))  # the table's note
    assert unit in unit_note("wage_value", lang, {})
    summary = _plain(_section(page, "summary"))
    _, records = read_results(folder / "results.json")
    row = records[(records["question"] == "wage_value")
                  & records["estimator"].str.startswith("lmm_reml_satterthwaite")
                  & (records["term"] == "growth_difference[instruments=yes - no]")].iloc[0]
    assert f"{fmt_number(row['estimate'], lang, 2)} {unit} (" in summary
    assert not re.search(r"\d (punt|points) \(", summary)


# --- 4. infinite numbers ----------------------------------------------------------------------

def test_infinite_numbers_read_as_infinity_and_missing_ones_as_a_dash():
    assert fmt_number(math.inf, "nl") == "∞" and fmt_number(-math.inf, "en", 3) == "-∞"
    assert fmt_number(math.nan, "nl") == "-" and fmt_number(None, "en") == "-"
    frame = pd.DataFrame({
        "question": ["effects"] * 2, "term": ["band=60-80", "band=40-60"],
        "estimator": ["fisher_exact_two_sided_non_experimental"] * 2,
        "estimate": [math.inf, math.nan], "conf_low": [1.7031, math.nan],
        "conf_high": [math.inf, math.nan], "p_value": [0.0096, 0.5], "n": [50, 50],
        "suppressed": [False, False]})
    nl = result_rows(frame, "effects", "nl")
    assert nl.iloc[0, 2:5].tolist() == ["∞", "1,703 tot ∞", "0,010"]
    assert nl.iloc[1, 2:4].tolist() == ["-", "-"]
    assert result_rows(frame, "effects", "en").iloc[0, 3] == "1.703 to ∞"


@pytest.mark.parametrize(("lang", "audience"), CASES, ids=IDS)
def test_no_interval_ends_in_a_dash(reports, lang, audience):
    """An interval with a lower bound always has an upper one: "1,703 tot ∞", never
    "1,703 tot -"."""
    page = _page(reports[(lang, audience)])
    cells = [cell for row in _rows(page) for cell in row]
    between = "tot" if lang == "nl" else "to"
    assert not [c for c in cells if re.fullmatch(rf"\S+ {between} -|- {between} \S+", c)]
    if audience == "internal":  # the bundled trial's odds ratios with a zero cell
        assert any(re.fullmatch(rf"[\d.,]+ {between} ∞", c) for c in cells)


# --- 5. means of the bounded employers' scale ---------------------------------------------------

def _employers(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "term", "estimate", "conf_low", "conf_high",
                                       "n"]).assign(question="employers",
                                                    estimator="mean_t_interval",
                                                    p_value=math.nan, suppressed=False)


def test_the_note_names_the_intervals_past_the_scale_and_the_means_without_one():
    records = _employers([("R1", "a", 3.75, 1.363, 6.137, 4), ("R2", "b", 3.5, 2.58, 4.42, 4),
                          ("R3", "c", 3.25, 0.9, 4.9, 3), ("R4", "d", 3.6, math.nan,
                                                           math.nan, 1)])
    rows = list(records.itertuples(index=False))
    assert [beyond_scale(pd.Series(r._asdict()), 5) for r in rows] == [True, False, True,
                                                                       False]
    assert no_interval(records.iloc[3]) == "one" and no_interval(records.iloc[0]) is None
    nl = scale_note(records, "nl", 5)
    assert nl.startswith("Bij R1 en R3 loopt het 95%-BI buiten de schaal van 1 tot 5: er zijn "
                         "te weinig antwoorden (hoogstens 4)")
    assert "Bij R4 is er maar één antwoord" in nl and "R2" not in nl
    en = scale_note(records, "en", 5)
    assert "For R1 and R3 the 95% CI runs past the ends of the 1 to 5 scale" in en
    assert "For R4 there is only one answer" in en
    # a 7-point scale holds these intervals; an unknown scale says nothing of its ends
    assert "R1" not in scale_note(records, "en", 7) and scale_note(records.iloc[:2], "nl",
                                                                    None) is None
    # the numbers are shown as computed, and the mean of one answer has no interval
    table = result_rows(records, "employers", "nl")
    assert table["95%-BI"].tolist() == ["1,363 tot 6,137", "2,580 tot 4,420",
                                        "0,900 tot 4,900", "niet te berekenen"]
    assert result_rows(records, "employers", "en")["95% CI"].iloc[3] == "not computable"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_one_says_when_the_employers_interval_runs_past_the_scale(lang):
    def line(row) -> str:
        records = _employers([row]).assign(term="would_hire_again")
        [said] = [b.text for b in answer_blocks(records, lang, likert_points=5)]
        return said

    past = line(("R9", "x", 3.25, 1.248, 5.252, 4))
    assert past.endswith(text("answer_scale_beyond", lang, points=5))
    assert text("answer_scale_beyond", lang, points=5) not in line(
        ("R9", "x", 3.5, 2.58, 4.42, 4))
    one = line(("R9", "x", 4.0, math.nan, math.nan, 1))
    assert one == text("answer_employers_one", lang, value=fmt_number(4.0, lang, 1)) + " [R9]"
    assert " - " not in one


@pytest.mark.parametrize(("lang", "audience"), CASES, ids=IDS)
def test_the_employers_table_says_what_its_intervals_cannot(reports, lang, audience):
    folder = reports[(lang, audience)]
    section = _section(_page(folder), "employers")
    said = _plain(section)
    _, records = read_results(folder / "results.json")
    means = records[(records["question"] == "employers")
                    & (records["estimator"] == "mean_t_interval") & ~records["suppressed"]]
    if audience == "public":  # the bundled trial's few employers: everything withheld
        assert means.empty and "1 tot 5" not in said and "1 to 5" not in said
        return
    beyond = means[(means["conf_low"] < 1) | (means["conf_high"] > 5)]
    assert len(beyond) >= 1 and beyond["n"].max() <= 4  # the bundled trial: n = 4
    named = re.search(r"(?:Bij|For) (.*?) (?:loopt het 95%-BI buiten de schaal van 1 tot 5|"
                      r"the 95% CI runs past the ends of the 1 to 5 scale): (?:er zijn te "
                      r"weinig antwoorden|there are too few answers) \((?:hoogstens|at most) "
                      r"(\d+)\)", said)
    assert named is not None, said
    assert set(re.findall(r"R\d+", named.group(1))) == set(beyond["id"])
    assert int(named.group(2)) == beyond["n"].max()
    one = means[means["n"] == 1]
    assert len(one) == 1
    cells = {row[0]: row for row in _rows(section)}
    assert cells[one["id"].iloc[0]][4] == text("not_computable", lang)
    assert text("scale_one_answer", lang, rows=one["id"].iloc[0]) in said
    # nothing is cut off: the table shows each interval as computed
    between = "tot" if lang == "nl" else "to"
    for _, row in beyond.iterrows():
        assert cells[row["id"]][4] == (f"{fmt_number(row['conf_low'], lang, 3)} {between} "
                                       f"{fmt_number(row['conf_high'], lang, 3)}")


def test_the_report_takes_the_scale_from_the_design(reports):
    """The employers' note and the page-1 sentence use the design's likert_points: the
    bundled design's 1-5 scale, and a 1-7 scale holds an interval of 1,36 to 6,14."""
    page = _plain(_section(_page(reports[("nl", "internal")]), "summary"))
    assert text("answer_scale_beyond", "nl", points=5) in page
    records = _employers([("R1", "would_hire_again", 3.75, 1.363, 6.137, 4)]).assign(
        outcome="x")

    def said(points: int) -> tuple[str, str]:
        document = build_document(ReportInputs(
            name="x", as_of="2016-07-01", interim=False, lang="en", threshold=None,
            target=None, allocation="assigned", records=records, skipped={}, figures={},
            tables={}, limitations=(), provenance=(), likert_points=points))
        sections = {s.key: s for s in document.sections}
        [table] = [b for b in sections["employers"].blocks if isinstance(b, Table)]
        summary = " ".join(b.text for b in sections["summary"].blocks
                           if isinstance(b, Paragraph))
        return table.note, summary

    note, summary = said(5)
    assert "For R1 the 95% CI runs past the ends of the 1 to 5 scale" in note
    assert text("answer_scale_beyond", "en", points=5) in summary
    note, summary = said(7)
    assert "scale" not in note and "scale" not in summary
