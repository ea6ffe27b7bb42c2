"""The diagnosis of a primary outcome other than regular work (issue 12, item 5).

References: the expected interval width is checked against statsmodels' exact interval
summed by a loop over every count; the chance of meeting the target against scipy's
binomial tail; the expected share against the shares of independently simulated trials
of the planned size (Monte Carlo, within four standard errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from iedereen_doet_mee.analysis.outcome_events import outcome_events
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.diagnosis.primary_precision import (
    expected_interval_width,
    primary_outcome_precision,
)
from iedereen_doet_mee.seeds import DEFAULT_SEED
from iedereen_doet_mee.simulation import simulate_trial
from iedereen_doet_mee.simulation.design_settings import settings_for_design

LEFT = {"kind": "exit", "reasons": ["regular_work", "subsidised_work", "education", "moved",
                                    "unlawful", "other"]}
CASELOAD = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=300,
                       primary_outcome="left_benefit", target_outflow=0.25,
                       outcomes={"left_benefit": LEFT})


@pytest.mark.parametrize(("n", "p"), [(1, 0.3), (25, 0.04), (100, 0.4), (569, 0.236),
                                      (40, 0.0), (40, 1.0)])
def test_expected_width_equals_the_loop_over_statsmodels(n, p):
    expected = sum(stats.binom.pmf(x, n, p) * np.subtract(
        *proportion_confint(x, n, alpha=0.05, method="beta")[::-1]) for x in range(n + 1))
    assert expected_interval_width(n, p) == pytest.approx(expected, abs=1e-10)
    assert expected_interval_width(n, p, 0.9) < expected_interval_width(n, p, 0.99)


def test_expected_width_refuses_no_units():
    with pytest.raises(ValueError, match="at least 1"):
        expected_interval_width(0, 0.5)


def test_the_default_outcome_is_left_to_the_simulated_diagnosis():
    assert primary_outcome_precision(TrialDesign(), seed=1) is None


def test_share_width_and_target_of_a_caseload():
    found = primary_outcome_precision(CASELOAD, seed=3, scale=20)
    assert found.outcome == "left_benefit" and found.unit == "person"
    assert found.planned_units == 300 and found.simulated_units == 6000
    assert found.expected_width == pytest.approx(
        expected_interval_width(300, found.expected_share))
    # observed share at least 25%: 75 or more of 300
    assert found.probability_target_met == pytest.approx(
        stats.binom.sf(74, 300, found.expected_share), abs=1e-12)
    # independent trials of the planned size reach the outcome as often as expected
    shares = []
    for seed in range(100, 120):
        trial = simulate_trial(CASELOAD, parameters=settings_for_design(CASELOAD), seed=seed)
        events = outcome_events(trial)
        shares.append(events.loc[events["outcome"] == "left_benefit", "reached"].mean())
    se = math.sqrt(found.share_std_error ** 2
                   + found.expected_share * (1 - found.expected_share) / (300 * len(shares)))
    assert abs(np.mean(shares) - found.expected_share) < 4 * se


def test_households_are_fewer_units_than_persons():
    design = CASELOAD.replace(unit="household", target_outflow=None)
    found = primary_outcome_precision(design, seed=3, scale=10)
    assert found.unit == "household" and found.probability_target_met is None
    assert 150 < found.planned_units < 300 and found.simulated_units < 3000


def test_the_diagnose_command_prints_the_primary_outcome(tmp_path, capsys):
    import json

    from iedereen_doet_mee.design.toml_io import write_design
    from iedereen_doet_mee.diagnose import main

    path = tmp_path / "design.toml"
    write_design(CASELOAD, path)
    assert main(["--design", str(path), "--sims", "20", "--no-progress"]) == 0
    assert "primary outcome 'left_benefit' (persons): expected share" in capsys.readouterr().out
    assert main(["--design", str(path), "--sims", "20", "--no-progress", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["primary_outcome"]
    direct = primary_outcome_precision(CASELOAD, seed=DEFAULT_SEED)
    assert found["planned_units"] == 300
    assert found["expected_share"] == pytest.approx(direct.expected_share, abs=1e-15)
