"""The words of the default report: Dutch throughout in Dutch, English throughout in
English (issue 13, item 4).

Dates are written out ("1 juli 2016"), a p-value or probability below 0.001 reads
"<0,001" rather than "0,000", a difference of shares is given in percentage points,
and no code name or English row of the tables reaches the Dutch report (nor Dutch words
the English one). ISO dates stay in the provenance (page-1 table and appendix), as in
``results.json``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from iedereen_doet_mee.reporting.build import ReportSettings, build_report
from iedereen_doet_mee.reporting.document.texts import fmt_date, fmt_p_value, fmt_points
from iedereen_doet_mee.reporting.figures.chain import stage_label
from iedereen_doet_mee.reporting.figures.style import LABELS, label

FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)

#: English that reached the Dutch report before (issue 13), and code names of the data
#: model's categories.
ENGLISH_IN_DUTCH = ("assessed", "enrolled after as of", "lost to follow up",
                    "Age at enrolment", "mean (SD)", "median [IQR]", "Household:",
                    "single_parent", "couple_with_children", "isced_", "40-60/yes",
                    "40-60/no", "60-80/yes", "the data model", "no result",
                    "gestand. verschil", "Life wheel", "Disability", "Sex:",
                    "wage_value_within", "ladder_ordinal", "Stand per 2016")
#: Dutch that must not reach the English report.
DUTCH_IN_ENGLISH = ("loonwaardeband", "procentpunt", "Niet beschikbaar", "het datamodel",
                    "gemiddelde", "eenoudergezin", "Geslacht", "juli", "afgeschermd",
                    "Leeftijd", "Levenswiel", "gemengd model", "totaal", "Kenmerken",
                    "Beperkingen", "instrumenten")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    """The HTML of the default (public) report in Dutch and in English."""
    folder = tmp_path_factory.mktemp("words")
    out = {}
    for lang in ("nl", "en"):
        path = build_report(ReportSettings(out=folder / lang, lang=lang, **FAST))
        out[lang] = (Path(path) / "report.html").read_text(encoding="utf-8")
    return out


def _body(page: str) -> str:
    """The HTML a reader reads outside the provenance: without the page-1 provenance
    table and the appendix."""
    page = re.sub(r'<table class="provenance">.*?</table>', "", page, flags=re.S)
    return page.split('<h2 id="appendix"')[0]


def _text(page: str) -> str:
    """The visible text of ``page`` (tags dropped, entities resolved, SVG text kept)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _p_cells(page: str) -> list[str]:
    """Every cell of a column headed "p" in the tables of ``page``."""
    cells = []
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        heads = [_text(h).strip() for h in re.findall(r"<th.*?</th>", table, flags=re.S)]
        if "p" not in heads:
            continue
        where = heads.index("p")
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
            values = [_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
            if len(values) == len(heads):
                cells.append(values[where])
    return cells


def test_formats():
    assert fmt_date("2016-07-01", "nl") == "1 juli 2016"
    assert fmt_date("2016-07-01", "en") == "1 July 2016"
    assert fmt_p_value(0.0, "nl") == "<0,001" and fmt_p_value(1e-9, "en") == "<0.001"
    assert fmt_p_value(0.0004999, "nl") == "<0,001" and fmt_p_value(0.0006, "nl") == "0,001"
    assert fmt_p_value(0.5, "nl") == "0,500"
    assert fmt_points(0.392, "nl") == "39 procentpunt"
    assert fmt_points(0.392, "en") == "39 percentage points"
    assert stage_label("work_experience", "nl") == "Werkervaringsplaats"
    assert stage_label("work_experience", "en") == "Work experience"


def test_every_label_has_two_languages():
    for key, pair in LABELS.items():
        assert len(pair) == 2 and all(isinstance(t, str) and t for t in pair), key
    assert label("kind=not_registered", "nl", default="x") == "x"
    with pytest.raises(KeyError):
        label("kind=not_registered", "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_iso_date_outside_the_provenance(reports, lang):
    body = _text(_body(reports[lang]))
    assert not re.findall(r"\b\d{4}-\d{2}-\d{2}\b", body)
    written = "1 juli 2016" if lang == "nl" else "1 July 2016"
    assert (("Stand per " if lang == "nl" else "As of ") + written) in body
    # the provenance keeps the ISO date, as results.json does
    assert "2016-07-01" in reports[lang]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_p_value_printed_as_zero(reports, lang):
    zero, small = ("0,000", "<0,001") if lang == "nl" else ("0.000", "<0.001")
    cells = _p_cells(_body(reports[lang]))
    assert cells and zero not in cells
    assert small in cells  # the one-sided test of the 40% target and the intake rung
    body = _text(_body(reports[lang]))
    posterior = re.search(r"Jeffreys[- ]prior\): (\S+)\.", body)
    assert posterior is not None and posterior.group(1) == small


def test_a_risk_difference_is_given_in_percentage_points(reports):
    nl, en = (_text(_body(reports[k])) for k in ("nl", "en"))
    found = re.search(r"Kleinste aantoonbare effect \(80% onderscheidend vermogen, [^)]*\): "
                      r"(\S+ \S+) \(Monte-Carlo-interval \S+ tot \S+ procentpunt\)", nl)
    assert found is not None and found.group(1).endswith("procentpunt"), found
    assert re.search(r"Cohen's h\) geeft \d+ procentpunt\.", nl)
    assert re.search(r"Cohen's h\) gives \d+ percentage points\.", en)
    # the difference axis of the effects figure, when the figure is drawn (the public
    # default leaves it out: every effect is withheld)
    for page, axis in ((nl, "Verschil in procentpunten"),
                       (en, "Difference in percentage points")):
        assert axis in page or "Verschil in uitstroom met en zonder instrumenten per band' " \
            "is weggelaten" in page or "and without instruments by band' is left out" in page


def test_dutch_report_has_no_english_rows(reports):
    body = _text(_body(reports["nl"]))
    found = [phrase for phrase in ENGLISH_IN_DUTCH if phrase in body]
    assert not found, found
    for dutch in ("Geslacht: vrouw", "Samenstelling huishouden: eenoudergezin",
                  "Leeftijd bij instroom (jaren), gemiddelde (standaardafwijking)",
                  "Uit beeld geraakt", "loonwaardeband 40-60%, met instrumenten",
                  "Niet beschikbaar: het datamodel legt niet vast"):
        assert dutch in body, dutch


def test_english_report_has_no_dutch_leftovers(reports):
    body = _text(_body(reports["en"]))
    found = [word for word in DUTCH_IN_ENGLISH if word in body]
    assert not found, found
    for english in ("Sex: female", "Household: single parent",
                    "Age at enrolment (years), mean (SD)", "Lost to follow-up",
                    "wage-value band 40-60%, with instruments",
                    "Not available: the data model does not record"):
        assert english in body, english
