"""The bundled synthetic trial is exactly what its documented command produces."""

from __future__ import annotations

import json
from pathlib import Path

from iedereen_doet_mee import __version__
from iedereen_doet_mee.data import load_trial, validate_trial_directory
from iedereen_doet_mee.data.loading import file_sha256
from iedereen_doet_mee.output_folder import MARKER
from iedereen_doet_mee.simulation.directory import simulate_to_directory

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"
COMMAND = "python -m iedereen_doet_mee.simulate --out data/synthetic --seed 20140701"


def test_manifest_lists_every_file_with_its_checksum():
    manifest = json.loads((SYNTHETIC / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 20140701
    assert manifest["command"] == COMMAND
    assert manifest["package_version"] == __version__
    data_files = sorted(p.name for p in SYNTHETIC.iterdir()
                        if p.name not in ("manifest.json", "README.md", MARKER))
    assert sorted(manifest["files"]) == data_files
    for name, digest in manifest["files"].items():
        assert file_sha256(SYNTHETIC / name) == digest, name


def _without_environment(manifest: bytes) -> dict:
    facts = json.loads(manifest)
    facts.pop("environment")
    return facts


def test_regenerating_gives_byte_identical_files(tmp_path):
    """Every data file byte for byte; the manifest too, except the library versions it
    records (they document the run; a changed version that changes bytes shows up in
    the data files)."""
    written = simulate_to_directory(tmp_path, seed=20140701, command=COMMAND)
    assert {p.name for p in written} == {p.name for p in SYNTHETIC.iterdir()} - {"README.md",
                                                                                  MARKER}
    hint = f"differs from data/synthetic; if intended, run '{COMMAND}' and commit the result"
    for path in written:
        bundled = (SYNTHETIC / path.name).read_bytes()
        if path.name == "manifest.json":
            assert _without_environment(path.read_bytes()) == _without_environment(bundled), hint
        else:
            assert path.read_bytes() == bundled, f"{path.name} {hint}"
    # the bundled folder is marked as the simulator's output, so the documented command
    # may regenerate it (README.md beside it is left alone)
    marker = json.loads((SYNTHETIC / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "simulate"
    assert set(marker["files"]) == {p.name for p in written}
    for name, digest in marker["files"].items():
        if name != "manifest.json":
            assert file_sha256(SYNTHETIC / name) == digest, name


def test_bundled_trial_is_valid_and_complete():
    report = validate_trial_directory(SYNTHETIC)
    assert report.is_valid and report.warnings.empty, report.summary()
    trial = load_trial(SYNTHETIC)
    assert len(trial.participants) == 100
    assert set(trial.tables) == {"participants", "employment", "measurements", "instruments",
                                 "employer_survey"}
    assert set(trial.checksums) == {"design.toml", "participants.csv", "employment.csv",
                                    "measurements.csv", "instruments.csv",
                                    "employer_survey.csv"}
