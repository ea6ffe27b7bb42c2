"""The study design as declared, a durable placement defined, the savings as budget
figures (issue 13, item 5).

"Iedereen doet mee" crosses wage-value bands (a characteristic of the person, never
allocated) with instruments assigned by caseworkers: a non-randomised comparison, not a
factorial trial. Its report, and those of the programmes in ``data/programmes`` (one
group each: a caseload, two neighbourhoods counting households, a chain), must
describe the design as declared, with the TREND items the design and the analysis
fill, in the programme's own words; the instruments section defines a durable
placement with the horizon the outcomes were derived with; the costs table shows the
months of ``results.json`` with two decimals and whole euros.
"""

from __future__ import annotations

import html as html_module
import re
import types
from pathlib import Path

import pytest
from trial_directories import FAST

from iedereen_doet_mee.analysis.effects.adjusted import DEFAULT_COVARIATES
from iedereen_doet_mee.design import TrialDesign, read_design
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.design_section import (
    DesignFacts,
    _covariate_words,
    design_section,
)
from iedereen_doet_mee.reporting.document.term_words import term_words
from iedereen_doet_mee.reporting.document.texts import fmt_date, fmt_number, text
from iedereen_doet_mee.reporting.document.wording import Wording

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "synthetic"
PROGRAMMES = ROOT / "data" / "programmes"
#: The TREND items, by the label each paragraph opens with.
ITEMS = {"nl": ("Eenheid van toewijzing:", "Toewijzing:", "Vergelijking:", "Primaire uitkomst:",
                "Vertekening", "Eenheid van analyse:", "Ontbrekende gegevens:"),
         "en": ("Unit of assignment:", "Allocation:", "Comparison:", "Primary outcome:",
                "Bias", "Unit of analysis:", "Missing data:")}
#: Words of "Iedereen doet mee" no other programme's design section may hold.
IDM_WORDS = ("Iedereen doet mee", "loonwaardeband", "Loonwaardeband", "wage-value band",
             "instrumenten", "instruments", "40-60", "60-80", "factorieel", "factorial",
             "Klantmanagers", "Caseworkers")
KEYS = [("default", "nl"), ("default", "en"), ("schiedam", "nl"), ("leeuwarden", "nl"),
        ("leeuwarden", "en"), ("maastricht", "nl")]


class _Reports:
    """Each report's folder by (programme, language), built when first asked for."""

    def __init__(self, root: Path) -> None:
        self.root, self.built = root, {}

    def __getitem__(self, key: tuple[str, str]) -> Path:
        if key not in self.built:
            name, lang = key
            data = BUNDLED if name == "default" else PROGRAMMES / name
            self.built[key] = build_report(ReportSettings(
                data=data, lang=lang, out=self.root / f"{name}_{lang}", **FAST))
        return self.built[key]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> _Reports:
    return _Reports(tmp_path_factory.mktemp("design_section"))


def _design(name: str) -> TrialDesign:
    return read_design((BUNDLED if name == "default" else PROGRAMMES / name) / "design.toml")


def _section(folder: Path, key: str) -> str:
    """The HTML of one section (from its heading to the next)."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    return page.split(f'<h2 id="{key}">')[1].split("<h2")[0]


def _visible(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def _rows(html: str) -> list[list[str]]:
    """The table rows of a section, as the cells' text."""
    return [[html_module.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


@pytest.mark.parametrize("key", KEYS, ids=["-".join(k) for k in KEYS])
def test_the_design_section_follows_the_baseline_and_gives_the_trend_items(reports, key):
    name, lang = key
    folder, design = reports[key], _design(name)
    page = (folder / "report.html").read_text(encoding="utf-8")
    ids = re.findall(r'<h2 id="([a-z_]+)">', page)
    assert ids[ids.index("baseline") + 1] == "design"
    shown = _visible(_section(folder, "design"))
    assert text("design", lang) in _visible(page.split('<h2 id="design">')[1].split("</h2>")[0])
    paragraphs = [_visible(p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>",
                                                          _section(folder, "design"), re.S)]
    for item in ITEMS[lang]:
        assert sum(p.startswith(item) for p in paragraphs) == 1, item
    assert "TREND" in shown and "Des Jarlais" in shown and "94:361-366" in shown
    primary = design.primary.describe(lang)
    assert f"{ITEMS[lang][3]} {primary}" in shown
    if design.primary.within_months is None:  # the horizon: the as-of date
        assert fmt_date(design.cutoff, lang) in shown
    assert text(f"design_analysis_{design.unit}", lang) in shown
    # no factorial claim anywhere: the old paragraph is gone
    assert "CONSORT-uitbreiding voor factoriële" not in page
    assert "CONSORT extension for factorial" not in page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_default_trial_is_a_non_randomised_comparison(reports, lang):
    folder, design = reports[("default", lang)], _design("default")
    assert design.allocation == "assigned"
    shown = _visible(_section(folder, "design"))
    words = Wording.of(design)
    assert text("design_assigned", lang) in shown
    assert text("design_not_factorial_assigned", lang, stratum=words.stratum(lang),
                arm=words.arm(lang)) in shown
    assert text("design_allocation_assigned", lang, arm=words.arm(lang),
                baseline=text("baseline", lang)) in shown
    assert " / ".join(design.strata) in shown
    # the covariates the adjusted effects used (all four are in the bundled data)
    assert _covariate_words(DEFAULT_COVARIATES, lang) in shown
    assert text("design_bounds", lang) in shown


@pytest.mark.parametrize("key", [k for k in KEYS if k[0] != "default"],
                         ids=["-".join(k) for k in KEYS if k[0] != "default"])
def test_a_programme_is_described_in_its_own_words(reports, key):
    name, lang = key
    folder, design = reports[key], _design(name)
    shown = _visible(_section(folder, "design"))
    assert [w for w in IDM_WORDS if w in shown] == []
    assert text("design_single", lang) in shown
    assert text("design_bias_single", lang) in shown
    assert f"{design.arm_label} {design.arms[0]}" in shown
    if len(design.strata) > 1:
        assert text("design_comparison_none_strata", lang, stratum=design.stratum_label,
                    strata=" / ".join(design.strata)) in shown
    else:
        assert text("design_comparison_none", lang) in shown


@pytest.mark.parametrize("key", [("default", "nl"), ("default", "en"), ("schiedam", "nl")],
                         ids=["default-nl", "default-en", "schiedam-nl"])
def test_a_durable_placement_is_defined_with_the_declared_horizon(reports, key):
    name, lang = key
    shown = _visible(_section(reports[key], "instruments"))
    pattern = r"loopt (\d+) maanden na de start" if lang == "nl" else \
        r"still ran (\d+) months after"
    months = re.search(pattern, shown)
    assert months is not None
    assert int(months.group(1)) == _design(name).durable_horizon_months == 6


def test_the_durable_horizon_is_the_one_the_outcomes_used():
    design = TrialDesign(durable_horizon_months=3)
    analysis = types.SimpleNamespace(outcomes=types.SimpleNamespace(
        horizon_months=9, as_of=design.cutoff), results={})
    assert DesignFacts.of(design).durable_months == 3
    assert DesignFacts.of(design, analysis).durable_months == 9


@pytest.mark.parametrize("key", [("default", "nl"), ("default", "en"), ("schiedam", "nl")],
                         ids=["default-nl", "default-en", "schiedam-nl"])
def test_the_costs_are_budget_figures_shown_exactly(reports, key):
    name, lang = key
    folder, design = reports[key], _design(name)
    costs = _section(folder, "costs")
    eur = "EUR " + fmt_number(design.benefit_cost_per_month, lang, 2)
    assert text("budget_impact", lang, eur=eur) in _visible(costs)
    _, records = read_results(folder / "results.json")
    # each row: the record's ID, term, estimator, estimate, ...
    shown = {(row[1], row[2]): row[3] for row in _rows(costs) if len(row) >= 4}
    total = term_words("overall", lang)
    checked = 0
    for estimator, label_nl, label_en, digits in (
            ("mean_benefit_months_saved", "gemiddeld aantal bespaarde uitkeringsmaanden",
             "mean benefit months saved", 2),
            ("total_benefit_savings_eur", "totale besparing op uitkeringen",
             "total savings on benefits", 0)):
        record = records[(records["question"] == "costs") & (records["term"] == "overall")
                         & (records["estimator"] == estimator)].iloc[0]
        if record["suppressed"]:
            continue
        cell = shown[(total, label_nl if lang == "nl" else label_en)]
        assert cell == fmt_number(record["estimate"], lang, digits)
        if digits:  # e.g. 1,51 months, not 2
            assert cell.endswith(fmt_number(record["estimate"], lang, 2)[-3:])
            assert float(cell.replace(".", "").replace(",", ".") if lang == "nl" else
                         cell.replace(",", "")) == pytest.approx(record["estimate"], abs=0.005)
        checked += 1
    assert checked == 2


def test_a_randomised_design_is_not_called_factorial_either():
    design = TrialDesign(allocation="randomised")
    words = Wording.of(design)
    blocks = design_section(DesignFacts.of(design), words, "en").blocks
    lines = [b.text for b in blocks]
    assert lines[0] == text("design_randomised", "en", stratum="wage-value band")
    assert lines[1].startswith("It is not a factorial design: only instruments")
    assert any(line.startswith("Allocation: by lot within each wage-value band")
               and "multiples 1 / 2" in line for line in lines)
    assert text("design_bias_randomised", "en", stratum="wage-value band") in lines
