"""Command-line entry points: exit statuses, output, and no tracebacks."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from iedereen_doet_mee import simulate, validate
from iedereen_doet_mee.data import validate_trial_directory


def test_simulate_writes_a_valid_directory(tmp_path, capsys):
    assert simulate.main(["--out", str(tmp_path / "t"), "--seed", "4"]) == 0
    assert "wrote 7 files" in capsys.readouterr().out
    assert validate_trial_directory(tmp_path / "t").is_valid
    assert validate.main([str(tmp_path / "t")]) == 0
    assert "valid - 0 error(s)" in capsys.readouterr().out


def test_simulate_with_design_file_and_bad_design(tmp_path, capsys):
    design = tmp_path / "design.toml"
    design.write_text('allocation = "randomised"\nn_per_cell = 5\n', encoding="utf-8")
    assert simulate.main(["--out", str(tmp_path / "t"), "--design", str(design),
                          "--format", "xlsx"]) == 0
    assert (tmp_path / "t" / "allocation_log.xlsx").exists()
    design.write_text('allocation = "random"\n', encoding="utf-8")
    assert simulate.main(["--out", str(tmp_path / "u"), "--design", str(design)]) == 2
    err = capsys.readouterr().err
    assert "'allocation'" in err and "Traceback" not in err


def test_modules_run_with_python_dash_m(tmp_path):
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.validate",
                          str(tmp_path / "absent")], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "not_a_directory" in run.stdout and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.report", "--help"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "--suppress-below" in run.stdout


def test_validate_is_deterministic_on_the_bundled_trial(capsys):
    synthetic = Path(__file__).resolve().parents[1] / "data" / "synthetic"
    validate.main([str(synthetic)])
    first = capsys.readouterr().out
    validate.main([str(synthetic)])
    assert capsys.readouterr().out == first


def test_every_command_module_has_a_console_script_and_vice_versa():
    root = Path(__file__).resolve().parents[1]
    package = root / "iedereen_doet_mee"
    commands = set()
    for path in package.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                    and ast.unparse(node.test) == "__name__ == '__main__'"):
                commands.add(path.stem)
    assert {"validate", "simulate", "report", "diagnose", "redesign", "steer"} <= commands
    with (root / "pyproject.toml").open("rb") as file:
        scripts = tomllib.load(file)["project"]["scripts"]
    assert scripts == {f"idm-{c}": f"iedereen_doet_mee.{c}:main" for c in sorted(commands)}
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert [s for s in scripts if f"`{s}`" not in readme] == []
