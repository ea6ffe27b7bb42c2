"""Every directory that ``validate`` accepts gives a complete report.

Property-based (``hypothesis``): valid trial directories are drawn from the data model by
``tests/trial_directories.py`` (not by the simulator: any subset of the optional tables
and columns, 1-6 strata, 1-4 arms, unequal and empty cells, 1-2,000 participants, everyone
censored or out, everyone enrolled on one day, exits on the cut-off day, CSV with commas
or semicolons, typed xlsx and Parquet). For each: validation accepts it, ``analyse_trial``
answers or skips with a reason every research question, and the report is written with
every section present, answered or "not available: <reason>".

The suite runs a bounded number of examples with a fixed seed; ``tools/fuzz_reports.py``
runs as many as asked (README, "Testing on data the simulator did not make"). Every
failure that run found is kept under ``tests/regressions/`` and replayed here.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from trial_directories import (
    QUESTIONS,
    SECTIONS,
    TrialSpec,
    check_directory,
    trial_specs,
)

from iedereen_doet_mee.data import validate_trial_directory

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = sorted(p for p in (ROOT / "tests" / "regressions").iterdir() if p.is_dir())


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(trial_specs(max_participants=2000))
def test_every_valid_directory_gives_a_complete_report(spec: TrialSpec):
    size = len(spec.tables["participants"]["participant_id"])
    with tempfile.TemporaryDirectory() as work:
        folder = spec.write(Path(work) / "data")
        # the property is about directories validate accepts: a rare invalid one from the
        # generator (seen in whole-suite runs only, cause not yet found) is discarded here;
        # tools/fuzz_reports.py still reports it as a generator failure
        assume(validate_trial_directory(folder).is_valid)
        problems = check_directory(folder, Path(work), lang="en" if size % 2 else "nl")
    assert problems == [], spec


@pytest.mark.parametrize("folder", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_failures_found_by_the_long_run_stay_fixed(folder, tmp_path):
    assert check_directory(folder, tmp_path, lang="nl") == []


def test_the_questions_and_sections_checked_are_those_of_the_package():
    from iedereen_doet_mee.analysis import analyse_trial
    from iedereen_doet_mee.simulation import simulate_trial

    analysis = analyse_trial(simulate_trial(seed=1), n_draws=20, n_bootstrap=20)
    assert set(analysis.results) | set(analysis.skipped) == QUESTIONS
    assert SECTIONS[0] == "summary" and SECTIONS[-1] == "appendix"


def test_a_minimal_export_gives_a_report_from_the_command_line(tmp_path):
    """The municipal analyst's first run: only the six required participant columns, no
    design.toml, through ``python -m iedereen_doet_mee.report``."""
    data = tmp_path / "export"
    data.mkdir()
    lines = ["participant_id,band,instruments,enrolled_on,exit_on,exit_reason"]
    for i in range(60):
        month = 7 + i % 12
        year, month = (2014, month) if month <= 12 else (2015, month - 12)
        out = i % 3 == 0
        lines.append(f"p{i:03d},{'40-60' if i % 2 else '60-80'},{'yes' if i % 5 < 2 else 'no'},"
                     f"{year}-{month:02d}-01,{'2016-03-01' if out else ''},"
                     f"{'regular_work' if out else ''}")
    (data / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.report", "--data", str(data),
                          "--out", str(out), "--lang", "en"],
                         capture_output=True, text=True, check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Not available: the trial data have no measurements table." in html
    assert "sex not recorded" in html
