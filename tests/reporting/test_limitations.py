"""The report's limitations paragraphs: the design diagnosis as run, or why there is none."""

from __future__ import annotations

from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.design_diagnosis import diagnose_design
from iedereen_doet_mee.diagnosis.for_report import design_diagnosis_unavailable
from iedereen_doet_mee.reporting.document.limitations import limitations


def test_a_large_trial_says_how_its_diagnosis_was_computed():
    large = TrialDesign(allocation="randomised", n_per_cell=600)
    diagnosis = diagnose_design(large, sims=50, seed=1)
    assert "method" in diagnosis.settings
    nl = limitations(diagnosis, None, large, "nl")
    en = limitations(diagnosis, None, large, "en")
    assert any(line.startswith("Grote trial: boven 2.000 deelnemers") for line in nl)
    assert any(line.startswith("Large trial: above 2,000 participants") for line in en)
    small = diagnose_design(TrialDesign(allocation="randomised"), sims=50, seed=1)
    assert not any("Large trial" in line for line in limitations(small, None, large, "en"))


def test_a_design_the_diagnosis_cannot_simulate_is_named_with_the_reason():
    # any strata and arms are diagnosed now (issue 12, derived simulation settings); only
    # assumptions that do not fit a cell leave the design undiagnosed, with the reason
    assert design_diagnosis_unavailable(TrialDesign(arms=("none", "light", "coach"))) is None
    assert design_diagnosis_unavailable(TrialDesign(strata=("all",), arms=("kompas",))) is None
    crowded = TrialDesign(simulation={"regular_work_24m": 0.95})
    why = design_diagnosis_unavailable(crowded)
    assert why.startswith("the simulation assumptions of the design do not fit: exit shares")
    lines = limitations(None, None, crowded, "nl", why)
    assert lines[0] == f"Ontwerpdiagnose (onderscheidend vermogen). Niet beschikbaar: {why}."
    assert lines[1].startswith("Toewijzing: door klantmanagers")
    assert design_diagnosis_unavailable(TrialDesign()) is None
