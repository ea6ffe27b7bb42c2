"""A single-arm caseload's report describes and never compares (issue 12, item 5).

The directories are the bundled synthetic trial's arm ``yes`` alone, written as a
single-arm trial: a caseload (one stratum ``all``, arm ``kompas``, no target, as a
municipality without a comparison group declares it) and the same people with their
wage-value bands and the target kept (cells the design diagnosis covers, so its
single-arm limitation is shown). The reports, in Dutch and in English, must hold no
row of an estimator registered as comparing arms, no section, table, figure panel or
sentence about comparing arms, the analysis of instruments that ``docs/methods.md``
promises for one arm, and, in Dutch, no English sentence.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pandas as pd
import pytest
from trial_directories import FAST, expected_sections

from iedereen_doet_mee.analysis.estimators import ESTIMATORS, estimator_info
from iedereen_doet_mee.design import TrialDesign, read_design, write_design
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.content import (
    ReportInputs,
    build_document,
    estimator_words,
)
from iedereen_doet_mee.reporting.document.limitations import limitations
from iedereen_doet_mee.reporting.document.texts import text
from iedereen_doet_mee.reporting.figures.style import cell_label, label
from iedereen_doet_mee.reporting.tables.as_text import baseline_text_table
from iedereen_doet_mee.reporting.tables.baseline import baseline_long

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "synthetic"
TABLES = ("employment", "instruments", "measurements", "employer_survey")

#: Sentences and labels that compare arms (Dutch, English): none may be in a single-arm
#: report, in its text or its figures.
COMPARING = {
    "nl": (text("limits_assigned", "nl"), text("design_assigned", "nl"),
           "gestandaardiseerd verschil", "Verschil in procentpunten",
           "Toewijzing: door klantmanagers",
           "effect van instrumenten aan te tonen", "Niet beschikbaar: a single-arm"),
    "en": (text("limits_assigned", "en"), text("design_assigned", "en"), "std. difference",
           "Difference in percentage points", "Allocation: by caseworkers",
           "probability of showing an effect", "Not available: a single-arm"),
}
#: What the single-arm path says instead (the limitations and the CONSORT note).
ONE_GROUP = {"nl": "Eén groep: alle deelnemers volgen dezelfde aanpak",
             "en": "One group: every participant follows the same approach"}
#: English words that no Dutch sentence holds.
# English words that are not Dutch words too ("of" is Dutch for "or")
ENGLISH = re.compile(r"\b(the|and|with|without|not|comparison|single|arm|group|"
                     r"no control)\b", re.IGNORECASE)


def single_arm_directory(folder: Path, *, caseload: bool) -> Path:
    """The bundled trial's arm ``yes`` as a single-arm trial directory.

    ``caseload``: one stratum ``all``, arm ``kompas``, no target, the labels of a
    caseload; otherwise the bands, arm ``yes`` and the target are kept.
    """
    folder.mkdir(parents=True)
    people = pd.read_csv(BUNDLED / "participants.csv", dtype=str, keep_default_na=False)
    people = people[people["instruments"] == "yes"].copy()
    design = read_design(BUNDLED / "design.toml")
    if caseload:
        people["band"], people["instruments"] = "all", "kompas"
        design = design.replace(strata=("all",), arms=("kompas",), control_arm=None,
                                n_per_cell=len(people), target_outflow=None,
                                stratum_label="caseload", arm_label="approach")
    else:
        sizes = people.groupby("band").size()
        design = design.replace(arms=("yes",), control_arm=None, n_per_cell=tuple(
            (band, "yes", int(sizes[band])) for band in design.strata))
    people.to_csv(folder / "participants.csv", index=False)
    for name in TABLES:
        table = pd.read_csv(BUNDLED / f"{name}.csv", dtype=str, keep_default_na=False)
        table[table["participant_id"].isin(people["participant_id"])].to_csv(
            folder / f"{name}.csv", index=False)
    write_design(design, folder / "design.toml")
    assert read_design(folder / "design.toml").is_single_arm
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Report folders by (directory, language): the caseload in both languages, the
    banded single arm in Dutch."""
    root = tmp_path_factory.mktemp("single_arm")
    data = {kind: single_arm_directory(root / kind, caseload=kind == "caseload")
            for kind in ("caseload", "banded")}
    return {(kind, lang): build_report(ReportSettings(data=data[kind], lang=lang,
                                                     out=root / f"report_{kind}_{lang}",
                                                     **FAST))
            for kind, lang in (("caseload", "nl"), ("caseload", "en"), ("banded", "nl"))}


def _html(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def _limitations(html: str) -> list[str]:
    """The paragraphs of the limitations section."""
    return _sentences(html.split('<h2 id="limitations">')[1].split("<h2")[0])


def _sentences(html: str) -> list[str]:
    """The paragraphs and captions of a report, as text."""
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)  # the figures' own text
    found = re.findall(r"<(p|figcaption|caption)(?:\s[^>]*)?>(.*?)</\1>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", body).strip() for _, body in found]


@pytest.mark.parametrize("key", [("caseload", "nl"), ("caseload", "en"), ("banded", "nl")])
def test_sections_leave_out_the_comparison_of_arms(reports, key):
    folder = reports[key]
    found = re.findall(r'<h2 id="([a-z_]+)">', _html(folder))
    design = read_design(Path(read_results(folder / "results.json")[0]["provenance"]["input"])
                         / "design.toml")
    assert found == expected_sections(design)
    assert found == ["summary", "consort", "baseline", "design", "target", "missing",
                     "survival", "wage_value", "ladder", "instruments", "employers", "costs",
                     "esf", "limitations", "appendix"]


@pytest.mark.parametrize("key", [("caseload", "nl"), ("caseload", "en"), ("banded", "nl")])
def test_results_hold_no_row_that_compares_arms(reports, key):
    _, records = read_results(reports[key] / "results.json")
    analysed = records[records["question"] != "design_diagnosis"]
    compares = [estimator_info(e).row_compares_arms(t)
                for e, t in zip(analysed["estimator"], analysed["term"], strict=True)]
    assert not any(compares), analysed[compares][["question", "term", "estimator"]]
    assert not analysed["estimator"].str.endswith("_non_experimental").any()
    assert not records["term"].str.contains("no control arm").any()
    design = records[records["question"] == "design_diagnosis"]["estimator"]
    assert not design.str.startswith(("risk_difference", "fisher")).any()
    assert "effects" not in set(records["question"])
    survival = records[records["question"] == "survival"]
    assert set(survival["estimator"]) == {"aalen_johansen_cumulative_incidence",
                                          "rmst_kaplan_meier"}
    missing = records[records["question"] == "missing"]
    assert len(missing) and missing["estimator"].str.startswith("share_").all()
    # the descriptive answers: overall and per stratum shares with exact intervals
    target = records[(records["question"] == "target")
                     & (records["estimator"] == "proportion_clopper_pearson")]
    assert {"overall"} < set(target["term"])


@pytest.mark.parametrize("key", [("caseload", "nl"), ("caseload", "en")])
def test_instruments_are_analysed_within_the_one_arm(reports, key):
    """``docs/methods.md``: the analysis population is everyone for a single-arm design."""
    _, records = read_results(reports[key] / "results.json")
    instruments = records[records["question"] == "instruments"]
    assert set(instruments["estimator"]) == {
        "associational_risk_difference_newcombe",
        "associational_odds_ratio_conditional_mle_exact", "associational_fisher_exact_p_holm"}
    assert set(instruments["term"]) == set(TrialDesign().instrument_kinds)
    section = _html(reports[key]).split('<h2 id="instruments">')[1].split("<h2")[0]
    words = estimator_words("associational_risk_difference_newcombe", key[1])
    if "<table" in section:
        assert html_module.escape(words) in section
    else:  # every number withheld (a public report): one sentence with the IDs
        assert re.search(r"(alle|all) 18 (schattingen|estimates)", section), section


@pytest.mark.parametrize("key", [("caseload", "nl"), ("caseload", "en"), ("banded", "nl")])
def test_no_table_figure_or_sentence_compares_arms(reports, key):
    html, lang = _html(reports[key]), key[1]
    shown_comparisons = [name for name, e in ESTIMATORS.items()
                         if e.compares_arms is True and name in html]
    assert shown_comparisons == []
    for sentence in COMPARING[lang]:
        assert sentence not in html, sentence
    assert "no control arm" not in html
    assert ONE_GROUP[lang] in _limitations(html)[1]
    consort = (reports[key] / "figures" / "consort.svg").read_text(encoding="utf-8")
    assert ONE_GROUP[lang] in consort  # the note under the flow diagram
    path = reports[key] / "figures" / "costs.svg"
    if not path.exists():  # every cost withheld: the figure is left out, and said so
        assert html_module.escape(text("figure_withheld", lang, caption="x").split("'")[-1]) \
            in _html(reports[key])
        return
    costs = path.read_text(encoding="utf-8")
    first_line = label("difference_arms", lang).split("\n")[0]
    assert first_line not in costs and "bootstrap" not in costs  # no panel of differences


def test_every_dutch_sentence_is_dutch(reports):
    """No English sentence in the Dutch reports: summary, sections, notes, captions and
    limitations. The ESF table's reasons and the appendix are not sentences of the
    single-arm path; neither is the reason the design diagnosis gives where it cannot
    simulate the caseload's cells (the diagnosis is being extended to any cell)."""
    for kind in ("caseload", "banded"):
        html = _html(reports[(kind, "nl")])
        body = html.split('<h2 id="esf">')[0] + html.split('<h2 id="limitations">')[1]
        body = body.split('<h2 id="appendix">')[0]
        english = [s for s in _sentences(body) if ENGLISH.search(s)
                   and not s.startswith("Ontwerpdiagnose (onderscheidend vermogen). Niet "
                                        "beschikbaar: the simulation assumptions")]
        assert english == [], kind


def test_the_banded_single_arm_limitations_describe_precision_not_power(reports):
    lines = _limitations(_html(reports[("banded", "nl")]))
    assert lines[0].startswith("Ontwerpdiagnose (40 gesimuleerde trials")
    assert "procentpunt breed" in lines[0] and "de kans dat het project het doel haalt" \
        in lines[0]
    assert lines[1].startswith(ONE_GROUP["nl"])
    assert lines[2].startswith("Meervoudig toetsen")  # the bands are compared
    caseload = _html(reports[("caseload", "nl")])
    assert "Meervoudig toetsen" not in caseload  # one stratum, one arm: no family


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_limitations_of_a_single_arm_design_without_a_diagnosis(lang):
    caseload = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=569)
    lines = limitations(None, None, caseload, lang, "why")
    assert len(lines) == 2 and lines[1].startswith(ONE_GROUP[lang])
    banded = TrialDesign(arms=("yes",))
    assert len(limitations(None, None, banded, lang, "why")) == 3
    two_arms = limitations(None, None, TrialDesign(), lang, "why")
    assert not any(line.startswith(ONE_GROUP[lang]) for line in two_arms)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_of_one_arm_says_nothing_about_comparisons(lang):
    records = pd.DataFrame({
        "question": ["target"], "term": ["overall"], "estimator": ["proportion_clopper_pearson"],
        "estimate": [0.25], "conf_low": [0.17], "conf_high": [0.35], "n": [100],
        "std_error": [0.04], "p_value": [float("nan")], "suppressed": [False]})
    inputs = dict(name="x", as_of="2016-07-01", interim=False, lang=lang, threshold=10,
                  target=None, allocation="assigned", records=records, skipped={}, figures={},
                  tables={}, limitations=(), provenance=())
    def page_one(**options) -> list[str]:  # the summary section's paragraphs
        section = build_document(ReportInputs(**inputs, **options)).sections[0]
        return [b.text for b in section.blocks if hasattr(b, "text")]

    one, two = page_one(n_arms=1), page_one()
    assert text("limits_assigned", lang) not in one
    assert text("limits_assigned", lang) in two
    assert [t for t in two if t != text("limits_assigned", lang)] == one


def test_the_baseline_table_of_one_arm_has_no_standardised_difference(tmp_path):
    from iedereen_doet_mee.data import load_trial

    trial = load_trial(single_arm_directory(tmp_path / "caseload", caseload=True))
    long = baseline_long(trial)
    assert not (long["column_type"] == "smd").any()
    table = baseline_text_table(long, 10, "nl", compared=False)
    assert list(table.columns) == ["", cell_label("band=all:instruments=kompas", "nl"),
                                   "totaal"]  # the cell as the figures name it
