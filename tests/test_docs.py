"""The generated sections of the docs match the code, and every column is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from iedereen_doet_mee.data.schema import TABLES
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.simulation import SimulationParameters

ROOT = Path(__file__).resolve().parents[1]


def test_generated_doc_sections_are_current():
    result = subprocess.run([sys.executable, "tools/update_docs.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_table_column_parameter_and_design_field_is_documented():
    model = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f"### `{table.name}`" in model
        for column in table.columns:
            assert f"| `{column.name}` |" in model, column.name
    simulation = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    for name in SimulationParameters.__dataclass_fields__:
        assert f"| `{name}` |" in simulation, name
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for name in TrialDesign.__dataclass_fields__:
        assert f"`{name}`" in design, name


def test_readme_quick_start_has_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick.splitlines() if line.startswith("    ")]
    assert commands == ['pip install . && python -m iedereen_doet_mee.report',
                        'pip install ".[test]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install ".[test]" && python -m pytest' in ci


@pytest.fixture(scope="module")
def reported_estimators() -> set[str]:
    """Every estimator name the analyses report on an assigned and a randomised trial."""
    from iedereen_doet_mee.analysis import analyse_trial
    from iedereen_doet_mee.data import load_trial
    from iedereen_doet_mee.simulation import simulate_trial

    names = set()
    for trial in (load_trial(ROOT / "data" / "synthetic"),
                  simulate_trial(TrialDesign(allocation="randomised"), seed=4)):
        names |= set(analyse_trial(trial, n_draws=50, n_bootstrap=50).to_frame()["estimator"])
    return names


def test_every_estimator_the_analyses_report_is_documented_in_methods(reported_estimators):
    doc = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    patterns = [re.sub(r"<[a-z_]+>", ".+", re.escape(p)) for p in
                re.findall(r"`([a-z0-9_<>]+)`", doc)]
    undocumented = sorted(n for n in reported_estimators
                          if not any(re.fullmatch(p, n) for p in patterns))
    assert undocumented == []


def test_every_estimator_of_results_json_is_named_in_the_readme(reported_estimators):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("Estimator names in `results.json`", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z0-9_:]+)`", table))
    missing = sorted(n for n in reported_estimators
                     if n.removesuffix("_non_experimental") not in named)
    assert missing == []
