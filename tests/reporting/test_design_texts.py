"""A report's text, labels and section titles come from its design (issue 12, item 5).

The report was written for "Iedereen doet mee": wage-value bands 40-60 / 60-80 crossed
with instruments yes / no, ESF-funded, primary outcome regular work. The reports of
the programmes in ``data/programmes`` (Schiedam: a caseload whose primary outcome is
leaving benefit for any reason; Arnhem: a step up the ladder within six months;
Leeuwarden: two neighbourhoods, households) and of a 2 x 2 design with other strata
and arms must hold none of its words, and must name the design's own: its name, the
labels of its strata and arms, its primary outcome. None of the three programmes is
declared ESF-funded in its sources, so each is built here with ``esf = false``.

Checked on the whole HTML, figures (SVG text) included, in Dutch and in English.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pandas as pd
import pytest
from trial_directories import FAST

from iedereen_doet_mee.design import read_design, write_design
from iedereen_doet_mee.reporting.build import ReportSettings, build_report
from iedereen_doet_mee.reporting.document.texts import fmt_date, text
from iedereen_doet_mee.reporting.figures.style import label

ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES = ROOT / "data" / "programmes"
BUNDLED = ROOT / "data" / "synthetic"
LANGS = ("nl", "en")
NAMES = ("schiedam", "arnhem", "leeuwarden")

#: Words of "Iedereen doet mee" that no other programme's report may hold (Dutch,
#: English), wherever they appear.
IDM_WORDS = {
    "nl": ("Iedereen doet mee", "Kreeg instrumenten", "Kreeg geen instrumenten",
           "40-60", "60-80", "loonwaardeband", "Loonwaardeband", "ESF",
           "per band en groep", "met en zonder instrumenten",
           "met min zonder", "met tegenover zonder"),
    "en": ("Iedereen doet mee", "Received instruments", "Received no instruments",
           "40-60", "60-80", "wage-value band", "ESF", "by band and group",
           "with and without instruments", "with minus without",
           "with versus without"),
}
#: ... and, where the primary outcome is not regular work, no sentence naming regular
#: work as the primary outcome.
PRIMARY_WORDS = {
    "nl": ("primaire uitkomst (uitstroom naar regulier werk)",
           "de primaire uitkomst (uitstroom naar regulier werk) niet"),
    "en": ("primary outcome (outflow to regular work)",
           "primary outcome (regular-work outflow)"),
}
#: The data model's column names as they appear in a term: shown under the design's
#: labels instead.
CODE_TERMS = re.compile(r"\b(band|instruments)=")


def _design_folder(source: Path, folder: Path) -> Path:
    """``source``'s design with ``esf = false`` (what the programmes' sources say)."""
    design = read_design(source / "design.toml").replace(esf=False)
    return write_design(design, folder / f"{source.name}.toml")


def _two_by_two(folder: Path) -> Path:
    """The bundled trial with its bands and arms renamed: districts north / south,
    approaches usual / coach (control: usual), not ESF-funded."""
    folder.mkdir(parents=True)
    bands, arms = {"40-60": "north", "60-80": "south"}, {"no": "usual", "yes": "coach"}
    for path in BUNDLED.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.name == "participants.csv":
            table["band"] = table["band"].map(bands)
            table["instruments"] = table["instruments"].map(arms)
        table.to_csv(folder / path.name, index=False)
    design = read_design(BUNDLED / "design.toml").replace(
        name="Wijkcoaches Zuid", strata=("north", "south"), arms=("usual", "coach"),
        control_arm="usual", stratum_label="district", arm_label="approach", esf=False)
    write_design(design, folder / "design.toml")
    return folder


class _Reports:
    """The HTML of each report by (programme, language), built when first asked for."""

    def __init__(self, root: Path) -> None:
        self.root, self.built = root, {}

    def __getitem__(self, key: tuple[str, str]) -> str:
        if key not in self.built:
            name, lang = key
            source = PROGRAMMES / name if name in NAMES else self.root / name
            if not source.exists():
                _two_by_two(source)
            design = _design_folder(source, self.root)
            folder = build_report(ReportSettings(data=source, design=design, lang=lang,
                                                 out=self.root / f"{name}_{lang}", **FAST))
            self.built[key] = (folder / "report.html").read_text(encoding="utf-8")
        return self.built[key]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> _Reports:
    """The HTML of each report by (programme, language)."""
    return _Reports(tmp_path_factory.mktemp("design_texts"))


def _visible(html: str) -> str:
    """Everything a reader sees: the text of the document and of its figures, without
    the markup and the style sheet."""
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    html = re.sub(r"<metadata.*?</metadata>", "", html, flags=re.S)  # the SVG's creator
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def _cells(html: str) -> list[str]:
    """The table cells a reader sees, without the appendix (whose last table maps each
    label to its code name on purpose)."""
    html = html.split('<h2 id="appendix">')[0]
    return [html_module.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


KEYS = [(name, lang) for name in (*NAMES, "two_by_two") for lang in LANGS]


@pytest.mark.parametrize("key", KEYS, ids=["-".join(k) for k in KEYS])
def test_no_word_of_iedereen_doet_mee(reports, key):
    shown = _visible(reports[key])
    words = IDM_WORDS[key[1]] + (PRIMARY_WORDS[key[1]] if key[0] in NAMES else ())
    found = [word for word in words if word in shown]
    assert found == []
    assert not [cell for cell in _cells(reports[key]) if CODE_TERMS.search(cell)]


@pytest.mark.parametrize("key", [k for k in KEYS if k[0] in NAMES],
                         ids=["-".join(k) for k in KEYS if k[0] in NAMES])
def test_the_programmes_own_words(reports, key):
    name, lang = key
    design = read_design(PROGRAMMES / name / "design.toml")
    html, shown = reports[key], _visible(reports[key])
    assert f"<h1>{text('title', lang, name=design.name)}</h1>" in html
    assert text("subtitle_no_esf", lang, as_of=fmt_date(design.cutoff, lang)) in shown
    assert '<h2 id="esf">' not in html
    cells = _cells(html)
    for stratum in design.strata:
        assert any(f"{design.stratum_label} {stratum}" in cell for cell in cells)
    assert any(f"{design.arm_label} {design.arms[0]}" in cell for cell in cells)
    primary = design.primary.describe(lang)
    # the note under the CONSORT diagram (its lines joined) and the summary
    assert primary in _visible(html.split('<h2 id="consort">')[1]
                               .split('<h2 id="baseline">')[0])
    assert primary in html.split('<h2 id="summary">')[1].split("<h2")[0]
    limitations = _visible(html.split('<h2 id="limitations">')[1].split("<h2")[0])
    if len(design.strata) > 1:  # strata compared: the multiplicity sentence names it
        assert f"({primary})" in limitations.split("Meervoudig" if lang == "nl"
                                                   else "Multiplicity")[1]
    if design.unit == "household":
        assert text("outcomes_unit_household_no_esf", lang) in shown


@pytest.mark.parametrize("lang", LANGS)
def test_a_two_by_two_design_is_described_in_its_own_words(reports, lang):
    html = reports[("two_by_two", lang)]
    shown = _visible(html)
    # described as it is: assigned, so not factorial, in the design's words
    assert text("design_not_factorial_assigned", lang, stratum="district",
                arm="approach") in shown
    assert text("design_comparison_strata", lang, treated="approach coach",
                control="approach usual", stratum="district", strata="north / south") in shown
    assert '<h2 id="effects">' in html
    assert text("effects_section", lang, treated="coach", control="usual",
                stratum="district") in shown
    assert text("non_experimental_arms", lang, arm="approach", treated="coach",
                control="usual") in shown
    assert text("limits_assigned", lang) not in shown  # the design's words instead
    cells = _cells(html)
    assert "district north, approach coach" in cells
    consort = html.split('<h2 id="consort">')[1].split('<h2 id="baseline">')[0]
    assert label("design_assigned_note", lang).format(stratum="district", arm="approach")[1:] \
        in _visible(consort)
    for word in ("instruments", "instrumenten"):
        assert f"effect of {word}" not in shown and f"effect van {word}" not in shown
    assert "north%" not in shown  # a district is not a wage-value band in percent


def test_the_default_design_keeps_its_words(tmp_path):
    """An ESF-funded "Iedereen doet mee" keeps its subtitle, ESF section and the
    CONSORT boxes of instruments (its report is otherwise compared byte for byte by
    ``analyses/build_all.py --check``)."""
    design = read_design(BUNDLED / "design.toml")
    assert design.esf
    folder = build_report(ReportSettings(data=BUNDLED, lang="en", out=tmp_path / "r",
                                         **FAST))
    html = (folder / "report.html").read_text(encoding="utf-8")
    shown = _visible(html)
    assert text("subtitle", "en", as_of=fmt_date(design.cutoff, "en")) in shown
    assert '<h2 id="esf">' in html
    for words in ("Received instruments", text("design_not_factorial_assigned", "en",
                                               stratum="wage-value band", arm="instruments"),
                  "primary outcome (regular-work outflow)", "band=40-60:instruments=yes"):
        assert words in shown
