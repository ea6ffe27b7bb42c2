"""The package, tests, tools and benchmarks are ruff clean; importing has no side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "iedereen_doet_mee", "tests",
                             "tools", "benchmarks", "analyses"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_has_no_side_effects(tmp_path):
    code = ("import os, sys; before = set(os.listdir('.')); import iedereen_doet_mee, "
            "iedereen_doet_mee.design, iedereen_doet_mee.data, iedereen_doet_mee.simulation, "
            "iedereen_doet_mee.validate, iedereen_doet_mee.simulate, iedereen_doet_mee.report; "
            "assert set(os.listdir('.')) == before; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert result.stdout.strip() == "ok" and result.stderr == "", result.stderr
