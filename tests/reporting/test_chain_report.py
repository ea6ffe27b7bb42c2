"""A chain programme (Maastricht, seed 002) gets its chain section, in Dutch and English.

A single-arm caseload whose design declares four stages and five kinds of practical
support; the data are the simulator's trial with the opt-in chain rows, written to a
directory as an export would be. The report must hold the section with a table per
stage, the flow figure (the same bytes on every build), numbers equal to the analysis
after disclosure control, and no participant identifier.
"""

from __future__ import annotations

import html as markup
import re
from pathlib import Path

import numpy as np
import pytest

from iedereen_doet_mee.analysis import chain_flow
from iedereen_doet_mee.analysis.questions import section_title
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.data.writing import write_trial_directory
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.texts import text
from iedereen_doet_mee.reporting.figures.chain import chain_flow_figure
from iedereen_doet_mee.reporting.figures.files import figure_bytes
from iedereen_doet_mee.simulation import simulate_trial
from iedereen_doet_mee.simulation.chain_data import add_chain

FAST = dict(n_draws=50, n_bootstrap=50, diagnosis_sims=100)
STAGES = ("intake", "talent_assessment", "work_experience", "job_matching")
SUPPORT = ("bus_card", "bicycle", "childcare", "work_clothes", "certificate_of_conduct")
DESIGN = TrialDesign(name="Ketenaanpak", strata=("all",), arms=("keten",), n_per_cell=300,
                     target_outflow=None, instrument_kinds=(*STAGES, *SUPPORT), chain=STAGES,
                     practical_support_kinds=SUPPORT)


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("chain")
    write_trial_directory(add_chain(simulate_trial(DESIGN, seed=21), 22), root / "data")
    out = {"data": root / "data"}
    for lang in ("nl", "en"):
        out[lang] = build_report(ReportSettings(data=root / "data", out=root / lang,
                                                lang=lang, **FAST))
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_section_has_a_table_per_stage_and_the_flow_figure(programme, lang):
    html = markup.unescape((programme[lang] / "report.html").read_text(encoding="utf-8"))
    heads = re.findall(r'<h2 id="([a-z_]+)">', html)
    # right after the primary outcome (and its bounds for loss to follow-up)
    assert heads.index("chain") == heads.index("missing" if "missing" in heads
                                               else "target") + 1
    body = html.split('<h2 id="chain">', 1)[1].split("<h2 ", 1)[0]
    assert section_title("chain", lang) in body
    names = {"en": ("Intake", "Talent assessment", "Work experience", "Job matching"),
             "nl": ("Intake", "Talentenonderzoek", "Werkervaringsplaats",
                    "Bemiddeling naar werk")}[lang]  # stage names from the label registry
    for k, stage in enumerate(names, start=1):
        assert text("chain_stage_table", lang, k=k, stage=stage) in body
    for key in ("chain_none_table", "chain_position_table", "chain_support_table"):
        assert text(key, lang) in body
    assert text("fig_chain_flow", lang) in body
    assert body.count("<table") == len(STAGES) + 3
    for suffix in ("svg", "png"):
        assert (programme[lang] / "figures" / f"chain_flow.{suffix}").stat().st_size > 0
    assert "P0001" not in html and "P0001" not in (programme[lang] / "results.json").read_text()


def test_the_published_numbers_are_the_analysis_after_disclosure_control(programme):
    _, records = read_results(programme["nl"] / "results.json")
    chain = records[records["question"] == "chain"]
    assert (chain["outcome"] == "chain_stages").all()
    result = chain_flow(load_trial(programme["data"]))
    assert len(chain) == len(result.table)
    counts = chain[chain["estimator"] == "chain_people"].set_index("term")
    truth = result.table[result.table["estimator"] == "chain_people"].set_index("term")["n"]
    assert counts["suppressed"].any() and not counts["suppressed"].all()
    for term, row in counts.iterrows():
        if row["suppressed"]:  # small, or hidden so that a small one cannot be worked out
            assert row["n"] is None or np.isnan(row["n"]), term
        else:
            assert row["n"] == truth[term] >= 10, term
    assert counts.loc[truth[truth < 10].index, "suppressed"].all()
    assert not counts.loc["overall", "suppressed"]
    # a hidden count reads "afgeschermd" in the Dutch report's tables
    html = (programme["nl"] / "report.html").read_text(encoding="utf-8")
    body = html.split('<h2 id="chain">', 1)[1].split("<h2 ", 1)[0]
    assert "afgeschermd" in body


def test_the_flow_figure_gives_the_same_bytes_every_time(programme):
    result = chain_flow(load_trial(programme["data"]))
    for lang in ("nl", "en"):
        first = figure_bytes(chain_flow_figure(result, lang=lang), "svg", id_prefix="c")
        again = figure_bytes(chain_flow_figure(result, lang=lang), "svg", id_prefix="c")
        assert first == again
    words = [t.get_text() for t in chain_flow_figure(result, lang="en").axes[0].texts]
    assert words[0] == "Flow through the chain of stages"
    assert any(w.startswith("4. Job matching") for w in words)
    assert sum(w.startswith("moved on in the chain: ") for w in words) == len(STAGES) - 1
