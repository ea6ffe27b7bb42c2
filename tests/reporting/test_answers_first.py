"""Page 1 answers first (issue 13 item 3): the answers, the groups table, the box
"wat dit onderzoek wel en niet kan zeggen", synthetic data announced, development
metadata only in the appendix."""

from __future__ import annotations

import datetime as dt
import html
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from iedereen_doet_mee.reporting.build import ReportSettings, build_report
from iedereen_doet_mee.reporting.document.answers import answer_blocks, firmness, groups_table
from iedereen_doet_mee.reporting.tables.follow_up import follow_up_cohorts

BUDGET = {"n_draws": 100, "n_bootstrap": 100, "diagnosis_sims": 50}


def _row(estimate, low, high, suppressed=False):
    return pd.Series({"estimate": estimate, "conf_low": low, "conf_high": high,
                      "suppressed": suppressed})


def test_firmness_says_how_firm_an_answer_is():
    assert firmness(_row(0.2, 0.05, 0.35), "nl").startswith("duidelijk")
    assert firmness(_row(-0.2, -0.35, -0.05), "en").startswith("clear")
    assert firmness(_row(0.1, -0.05, 0.25), "nl").startswith("onzeker")
    assert firmness(_row(np.nan, np.nan, np.nan, True), "nl") == \
        "te weinig deelnemers om dit te beoordelen"
    assert firmness(_row(0.1, np.nan, np.nan), "en") == "no interval could be computed"


def _target_records(cells: dict[str, tuple[int, int]], hidden=()) -> pd.DataFrame:
    rows = []
    for term, (x, n) in cells.items():
        low, high = proportion_confint(x, n, alpha=0.05, method="beta")
        withheld = term in hidden
        rows.append({"question": "target", "term": term,
                     "estimator": "proportion_clopper_pearson",
                     "estimate": np.nan if withheld else x / n,
                     "conf_low": np.nan if withheld else low,
                     "conf_high": np.nan if withheld else high,
                     "n": pd.NA if withheld else n, "suppressed": withheld})
    return pd.DataFrame(rows)


def test_groups_table_gives_counts_intervals_and_the_target():
    records = _target_records({"band=40-60:instruments=no": (3, 25),
                               "band=40-60:instruments=yes": (14, 25),
                               "band=40-60": (17, 50), "overall": (17, 50)})
    table = groups_table(records, "nl", 0.4).frame
    assert table.iloc[:, 0].tolist() == ["loonwaardeband 40-60%, zonder instrumenten",
                                         "loonwaardeband 40-60%, met instrumenten", "totaal"]
    low, high = proportion_confint(3, 25, alpha=0.05, method="beta")
    assert table.iloc[0, 1:].tolist() == [
        "25", "3", "12%", f"{round(100 * low)}% tot {round(100 * high)}%", "onder het doel"]
    assert table.iloc[1, 5] == "onzeker"  # 56%, interval 35% to 76% includes 40%
    assert table.iloc[2, 2] == "17"


def test_groups_table_shows_a_withheld_group_as_such_and_a_single_group_once():
    records = _target_records({"band=40-60:instruments=no": (3, 25),
                               "band=40-60:instruments=yes": (14, 25),
                               "overall": (17, 50)}, hidden={"band=40-60:instruments=no"})
    table = groups_table(records, "en", None).frame
    assert table.iloc[0, 1:].tolist() == ["withheld"] * 4
    assert table.shape[1] == 5  # no target: no column against it
    one = _target_records({"caseload=all:approach=kompas": (40, 100), "overall": (40, 100)})
    assert groups_table(one, "nl", None).frame.iloc[:, 0].tolist() == ["totaal"]


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6), st.integers(1, 12))
@settings(max_examples=100, deadline=None)
def test_follow_up_cohorts_show_no_small_count(per_half_year, threshold):
    days = []
    start = dt.date(2014, 1, 15)
    for k, count in enumerate(per_half_year):
        month = 1 + 6 * (k % 2)
        days += [dt.date(start.year + k // 2, month, 15)] * count
    as_of = dt.date(2014 + len(per_half_year) // 2 + 1, 1, 1)
    cohorts = follow_up_cohorts(pd.Series(pd.to_datetime(days)), as_of, threshold, "nl")
    if len(days) < threshold:
        assert cohorts.empty
        return
    assert (cohorts["n"] >= threshold).all() and cohorts["n"].sum() == len(days)
    assert (cohorts["months_low"] <= cohorts["months_high"]).all()
    assert cohorts["months_high"].is_monotonic_decreasing


def test_follow_up_cohorts_of_the_internal_report_are_half_years():
    days = pd.Series(pd.to_datetime(["2014-08-01", "2015-03-01", "2015-03-02"]))
    cohorts = follow_up_cohorts(days, dt.date(2016, 7, 1), None, "en")
    assert cohorts["n"].tolist() == [1, 2]
    assert cohorts["period"].tolist() == ["July to December 2014", "January to June 2015"]
    assert cohorts["months_high"].tolist() == [24.0, 18.0]


def _ladder_records(moved: int, n: int, log_odds: tuple[float, float, float] | None,
                    withheld: bool = False) -> pd.DataFrame:
    low, high = proportion_confint(moved, n, alpha=0.05, method="wilson")
    rows = [{"question": "ladder", "term": "overall", "estimator": "proportion_wilson",
             "estimate": np.nan if withheld else moved / n,
             "conf_low": np.nan if withheld else low, "conf_high": np.nan if withheld else high,
             "n": pd.NA if withheld else n, "suppressed": withheld}]
    if log_odds is not None:
        estimate, low, high = log_odds
        rows.append({"question": "ladder_ordinal", "term": "instruments=yes vs no",
                     "estimator": "proportional_odds_logit_non_experimental",
                     "estimate": estimate, "conf_low": low, "conf_high": high, "n": n,
                     "suppressed": False})
    return pd.DataFrame(rows)


def test_the_ladder_question_is_answered_with_its_share_and_the_arms_compared():
    # 18 of 68 moved up: 26%, Wilson 95% CI 17% to 38% (statsmodels)
    low, high = proportion_confint(18, 68, alpha=0.05, method="wilson")
    [line] = [b.text for b in answer_blocks(_ladder_records(18, 68, (-0.07, -1.11, 0.97)),
                                            "nl")]
    assert line.startswith("Participatieladder: van de 68 deelnemers met een latere meting "
                           "steeg 26% minstens één trede")
    assert f"95%-BI {round(low * 100)}% tot {round(high * 100)}%" in line
    assert "met instrumenten tegenover zonder instrumenten: -0,07 log-odds" in line
    assert "onzeker" in line
    [line] = [b.text for b in answer_blocks(_ladder_records(18, 68, (0.9, 0.2, 1.6)), "en")]
    assert "0.90 log-odds" in line and "clear: the interval excludes zero" in line
    # a single arm has no ordinal comparison; a withheld share says so
    [line] = [b.text for b in answer_blocks(_ladder_records(18, 68, None), "en")]
    assert line.endswith(f"({round(low * 100)}% to {round(high * 100)}%).".replace(
        "(", "(95% CI "))
    [line] = [b.text for b in answer_blocks(_ladder_records(3, 8, None, withheld=True), "nl")]
    assert line == "Participatieladder: te weinig deelnemers om dit te beoordelen."


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("answers")
    out = {}
    for audience in ("public", "internal"):
        for lang in ("nl", "en"):
            folder = build_report(ReportSettings(out=root / f"{audience}-{lang}", lang=lang,
                                                 audience=audience, **BUDGET))
            out[(audience, lang)] = (folder / "report.html").read_text(encoding="utf-8")
    return out


def _summary(page: str) -> str:
    start = page.index('id="summary"')
    end = page.index("<h2", start + 10)
    return html.unescape(re.sub(r"<[^>]+>", " ", page[start:end]))


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_one_answers_first(pages, audience, lang):
    page = pages[(audience, lang)]
    summary = _summary(page)
    words = {"nl": ("gesimuleerde", "Ontwikkeling van de loonwaarde", "Participatieladder: van de",
                    "Oordeel van werkgevers",
                    "Instrumenten en duurzame plaatsing", "Kosten en besparingen",
                    "De groepen in één oogopslag", "Wat dit onderzoek wel en niet kan zeggen",
                    "Niet iedereen is even lang gevolgd", "niet door loting"),
             "en": ("simulated", "Development of wage value", "Participation ladder: of the",
                    "Employers' view",
                    "Instruments and durable placement", "Costs and savings",
                    "The groups at a glance", "What this study can and cannot say",
                    "Not everyone was followed for as long", "not by lot")}[lang]
    for phrase in words:
        assert phrase in summary, phrase
    # the title page says the data are simulated; the metadata are in the appendix only
    head = page[:page.index('id="summary"')]
    assert ("gesimuleerde gegevens" if lang == "nl" else "simulated data") in head
    assert "20140701" not in head and "iedereen_doet_mee 0" not in head
    assert "20140701" in page[page.index('id="appendix"'):]


def test_the_internal_page_one_gives_the_numbers_the_public_one_withholds(pages):
    internal, public = _summary(pages[("internal", "nl")]), _summary(pages[("public", "nl")])
    # the groups: 1, 3, 0 and 7 of 25 in the internal report only
    assert re.search(r"zonder instrumenten\s+25\s+0\s+0%", internal)
    assert not re.search(r"zonder instrumenten\s+25\s+0\s+0%", public)
    assert "gaven 4 werkgevers" in internal and "te weinig werkgevers" in public


def test_a_withheld_group_shows_its_size_as_the_consort_flow_publishes_it(pages):
    """The public groups table withholds a cell's outflow, not its 25 people: the flow
    diagram publishes "Toegewezen (n = 25)" for each cell, and the table says the same."""
    public = _summary(pages[("public", "nl")])
    for cell in ("40-60%, zonder", "40-60%, met", "60-80%, zonder", "60-80%, met"):
        assert re.search(cell + r" instrumenten\s+25\s+afgeschermd", public), cell
    records = _target_records({"band=40-60:instruments=no": (3, 25),
                               "band=40-60:instruments=yes": (14, 25),
                               "overall": (17, 50)},
                              hidden=("band=40-60:instruments=no",
                                      "band=40-60:instruments=yes"))
    # a size the flow diagram does not publish (hidden there) stays withheld
    table = groups_table(records, "nl", 0.4,
                         people={"band=40-60:instruments=no": 25}).frame
    assert table.iloc[0, 1] == "25" and table.iloc[1, 1] == "afgeschermd"
    assert table.iloc[0, 2:].tolist() == ["afgeschermd"] * 4


def test_allocated_sizes_are_those_the_flow_shows():
    from iedereen_doet_mee.reporting.parts import allocated_shown
    from iedereen_doet_mee.reporting.tables.as_text import consort_suppression
    from iedereen_doet_mee.reporting.tables.consort import ALL, consort_counts
    from iedereen_doet_mee.simulation import simulate_trial

    counts = consort_counts(simulate_trial(seed=1))
    hidden = consort_suppression(counts, 10)
    shown = allocated_shown(counts, hidden)
    table = counts.table[counts.table["count"] == "allocated"]
    assert shown["overall"] == int(table.loc[(table["band"] == ALL) &
                                             (table["instruments"] == ALL), "n"].iloc[0])
    assert sum(shown[f"band={b}:instruments={a}"] for b in counts.strata
               for a in counts.arms) == shown["overall"]
    hidden[("allocated", "40-60", "no")] = "secondary"
    assert "band=40-60:instruments=no" not in allocated_shown(counts, hidden)


def test_the_kaplan_meier_caption_names_the_curves_drawn(pages):
    """Disclosure control leaves only the total curve in the public report: its caption
    says so instead of "per band en groep"; the internal report draws the cells."""
    public, internal = pages[("public", "nl")], pages[("internal", "nl")]
    public_en = pages[("public", "en")]
    assert "alle deelnemers samen (Kaplan-Meier)" in public
    assert "de curven per groep zijn afgeschermd" in public
    assert "Cumulatieve uitstroom naar regulier werk per band en groep" not in public
    assert "Cumulatieve uitstroom naar regulier werk per band en groep" in internal
    assert "of all participants together (Kaplan-Meier)" in public_en


def _effects(estimator, values, suppressed=False):
    rows = []
    for term, (estimate, low, high) in values.items():
        rows.append({"question": "effects", "term": term, "estimator": estimator,
                     "estimate": estimate, "conf_low": low, "conf_high": high, "n": 50,
                     "suppressed": suppressed})
    return pd.DataFrame(rows)


def test_an_effect_that_could_not_be_estimated_is_not_called_too_small_and_ipw_answers():
    """The internal report of the bundled trial: g-computation's model has no value (no
    outflow in one cell), IPW does. Page 1 said "too few participants" for numbers the
    report itself showed a section later."""
    nan = float("nan")
    gcomp = _effects("risk_difference_gcomputation_adjusted_non_experimental",
                     {"overall": (nan, nan, nan), "band=40-60": (nan, nan, nan)})
    ipw = _effects("risk_difference_ipw_non_experimental",
                   {"overall": (0.196, 0.083, 0.310), "band=40-60": (0.079, -0.064, 0.222)})
    lines = [b.text for b in answer_blocks(pd.concat([gcomp, ipw]), "nl")]
    line = next(t for t in lines if t.startswith("Verschil in uitstroom"))
    assert "door weging (IPW" in line and "te weinig deelnemers" not in line
    assert "+20 procentpunt" in line or "20 procentpunt" in line, line
    assert firmness(gcomp.iloc[0], "en") == "could not be estimated from these data"
    # withheld in a public report: too few participants, and no fall back to IPW
    hidden = _effects("risk_difference_gcomputation_adjusted_non_experimental",
                      {"overall": (nan, nan, nan)}, suppressed=True)
    line = next(b.text for b in answer_blocks(pd.concat([hidden, ipw]), "nl")
                if b.text.startswith("Verschil in uitstroom"))
    assert "te weinig deelnemers" in line and "IPW" not in line
