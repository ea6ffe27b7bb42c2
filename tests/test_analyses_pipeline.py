"""CI rebuilds every figure and table of the report and checks them against the
reviewed manifest ``analyses/figures.sha256``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "analyses" / "build_all.py"


def _module():
    spec = importlib.util.spec_from_file_location("build_all", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_figure_and_table_rebuilds_to_the_manifest(tmp_path):
    run = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(tmp_path)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    manifest = _module().read_manifest(ROOT / "analyses" / "figures.sha256")
    assert {n for n in manifest if n.startswith("figures/")} >= {
        f"figures/{stem}.{suffix}" for stem in ("consort", "outflow_target", "kaplan_meier")
        for suffix in ("svg", "png")}
    for name in manifest:
        assert (tmp_path / name).is_file(), name


def test_a_changed_figure_fails_the_check(tmp_path, monkeypatch, capsys):
    module = _module()
    manifest = tmp_path / "figures.sha256"
    entries = module.read_manifest(ROOT / "analyses" / "figures.sha256")
    name = "figures/costs.svg"
    entries[name] = "0" * 64
    module.write_manifest(manifest, entries)
    monkeypatch.setattr(module, "MANIFEST", manifest)
    assert module.main(["--check", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"changed: {name}" in err and "--update-manifest" in err


def test_compare_names_new_missing_and_changed_files():
    compare = _module().compare
    problems = compare({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"})
    assert problems == ["changed: b", "new, not in the manifest: d",
                        "in the manifest, not built: c"]


def test_invalid_data_exit_1(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "participants.csv").write_text("participant_id\nP1\n", encoding="utf-8")
    assert _module().main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "o")]) == 1
    assert "participants.csv" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_an_output_folder_of_the_user_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert _module().main(["--out", str(tmp_path)]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
