"""``python -m iedereen_doet_mee.diagnose``: options, JSON, exit statuses."""

from __future__ import annotations

import json

import pytest

from iedereen_doet_mee.diagnose import main


def _json(capsys, *args: str) -> dict:
    assert main([*args, "--json", "--no-progress"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_names_every_estimator_and_diagnosand(capsys):
    out = _json(capsys, "--sims", "300", "--seed", "3", "--n-per-cell", "20", "--outflow",
                "0.20,0.30,0.35,0.50", "--full-follow-up", "--allocation", "randomised")
    assert out["settings"]["sims"] == 300 and out["settings"]["full_follow_up"] is True
    assert out["settings"]["n_per_cell"] == {"40-60/no": 20, "40-60/yes": 20, "60-80/no": 20,
                                             "60-80/yes": 20}
    assert out["settings"]["outflow_24m"]["60-80/yes"] == 0.5
    fisher = next(e for e in out["estimators"] if e["key"] == "pooled|fisher_exact_two_sided")
    assert fisher["estimator"] == ("Fisher's exact test of instruments pooled over bands "
                                   "(two-sided)")
    assert set(fisher["diagnosands"]) == {"mean_estimate", "mean_estimand", "bias", "rmse",
                                          "power", "coverage", "type_s_rate", "mean_ci_width"}
    assert 0 < fisher["diagnosands"]["power"]["value"] < 1
    assert fisher["diagnosands"]["coverage"]["value"] is None  # a test has no interval
    block = next(e for e in out["estimators"]
                 if e["key"] == "overall|risk_difference_block_weighted")
    assert block["estimand"] == pytest.approx(0.125)
    assert block["diagnosands"]["bias"]["mc_se"] > 0
    assert 0 <= out["probability_target_met"]["value"] <= 1


def test_same_seed_same_bytes(capsys):
    args = ["--sims", "200", "--seed", "8"]
    assert main([*args, "--no-progress"]) == 0
    first = capsys.readouterr().out
    assert main([*args, "--no-progress"]) == 0
    assert capsys.readouterr().out == first
    assert "Probability that the trial meets its 40% target" in first


def test_progress_goes_to_standard_error(capsys):
    assert main(["--sims", "200", "--chunk-size", "100"]) == 0
    captured = capsys.readouterr()
    assert "200/200 simulated trials" in captured.err and "left" in captured.err
    assert "elapsed" not in captured.out


@pytest.mark.parametrize("args, message", [
    (["--outflow", "0.2,0.3"], "4 cells"),
    (["--outflow", "0.9,0.9,0.9,0.9"], "add up to more than 1"),
    (["--sims", "0"], "sims must be a whole number"),
    (["--attrition", "1.5"], "loss_to_follow_up_24m"),
    (["--scheduler", "tcp://nowhere:1"], "--scheduler needs --executor dask"),
])
def test_bad_assumptions_exit_2_with_a_message(capsys, args, message):
    assert main([*args, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_option_value_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--outflow", "a,b"])
    assert stop.value.code == 2
    assert "comma-separated shares" in capsys.readouterr().err


def test_processes_executor_gives_the_serial_result(capsys):
    serial = _json(capsys, "--sims", "600", "--chunk-size", "200", "--seed", "4")
    parallel = _json(capsys, "--sims", "600", "--chunk-size", "200", "--seed", "4",
                     "--executor", "processes", "--workers", "2")
    assert serial == parallel


def test_a_fault_after_the_options_were_checked_is_exit_3_not_2(monkeypatch, capsys):
    """Exit 2 means a bad option: the options are checked by one simulated trial first,
    and an error in the real run is reported as unexpected (3)."""
    import iedereen_doet_mee.diagnose as command

    real = command.diagnose_design

    def faulty(*args, sims, **kwargs):
        if sims > 1:
            raise ValueError("a fault inside the simulation")
        return real(*args, sims=sims, **kwargs)

    monkeypatch.setattr(command, "diagnose_design", faulty)
    assert main(["--sims", "20", "--no-progress"]) == 3
    assert "unexpected error" in capsys.readouterr().err
    assert main(["--sims", "0", "--no-progress"]) == 2
