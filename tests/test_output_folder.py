"""No command deletes or overwrites a file the package did not write.

The mechanism (``iedereen_doet_mee.output_folder``) is tested directly, then through the
commands a user runs: ``report``, ``simulate``, ``validate --csv`` and ``redesign --plot``
(``analyses/build_all.py`` in tests/test_analyses_pipeline.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iedereen_doet_mee import report, simulate, validate
from iedereen_doet_mee.errors import OutputFolderError
from iedereen_doet_mee.output_folder import MARKER, check_output_folder, output_folder
from iedereen_doet_mee.reporting.build import ReportSettings, build_report

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "data" / "synthetic"
FAST = dict(n_draws=50, n_bootstrap=50, diagnosis_sims=100)


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (links not followed) with its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _write(folder: Path, files: dict[str, str], command: str = "example") -> None:
    with output_folder(folder, command=command) as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")


# -- the mechanism ----------------------------------------------------------------------

def test_a_new_folder_is_created_with_the_marker(tmp_path):
    out = tmp_path / "a" / "b"
    _write(out, {"x.txt": "1", "sub/y.txt": "2"})
    assert _tree(out).keys() == {"x.txt", "sub/y.txt", MARKER}
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "example" and set(marker["files"]) == {"x.txt", "sub/y.txt"}
    assert marker["files"]["x.txt"] == hashlib.sha256(b"1").hexdigest()
    assert [p.name for p in tmp_path.iterdir()] == ["a"]  # no staging left
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b"]
    (tmp_path / "made_by_mkdir").mkdir()  # the user's umask decides, not a private 0700
    assert out.stat().st_mode & 0o777 == (tmp_path / "made_by_mkdir").stat().st_mode & 0o777


def test_an_empty_folder_is_written_into(tmp_path):
    _write(tmp_path, {"x.txt": "1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "x.txt"]


def test_a_folder_with_a_users_file_is_refused_and_untouched(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    with pytest.raises(OutputFolderError, match=r"did not write \(notes.txt\)") as caught:
        _write(tmp_path, {"x.txt": "1"})
    assert "Nothing was written or deleted" in str(caught.value)
    assert "--out" in str(caught.value)
    assert _tree(tmp_path) == {"notes.txt": hashlib.sha256(b"my notes").hexdigest()}
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_earlier_output_is_replaced_and_a_users_file_beside_it_kept(tmp_path):
    _write(tmp_path, {"x.txt": "old", "gone.txt": "old", "sub/y.txt": "old", "drop/z.txt": "o"})
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "sub" / "mine.txt").write_text("mine", encoding="utf-8")
    _write(tmp_path, {"x.txt": "new", "sub/y.txt": "new"})
    assert (tmp_path / "x.txt").read_text() == "new"
    assert (tmp_path / "sub" / "y.txt").read_text() == "new"
    assert not (tmp_path / "gone.txt").exists()  # the earlier output's own file
    assert not (tmp_path / "drop").exists()  # left empty by it
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "sub" / "mine.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "notes.txt", "sub", "x.txt"]


def test_a_changed_file_of_the_earlier_output_is_refused(tmp_path):
    _write(tmp_path, {"x.txt": "old"})
    (tmp_path / "x.txt").write_text("edited by the user", encoding="utf-8")
    with pytest.raises(OutputFolderError, match=r"x\.txt was changed after the package wrote"):
        _write(tmp_path, {"x.txt": "new"})
    assert (tmp_path / "x.txt").read_text() == "edited by the user"


def test_a_users_file_with_the_name_of_a_new_output_file_is_refused(tmp_path):
    _write(tmp_path, {"x.txt": "old"})
    (tmp_path / "y.txt").write_text("mine", encoding="utf-8")
    before = _tree(tmp_path)
    with pytest.raises(OutputFolderError, match=r"y\.txt is already there"):
        _write(tmp_path, {"x.txt": "new", "y.txt": "new"})
    assert _tree(tmp_path) == before
    assert not any(p.name.startswith(".idm-") for p in tmp_path.iterdir())


def test_the_output_of_another_command_or_a_damaged_marker_is_refused(tmp_path):
    _write(tmp_path, {"x.txt": "old"}, command="simulate")
    with pytest.raises(OutputFolderError, match="holds the output of 'simulate', not of 'report'"):
        _write(tmp_path, {"x.txt": "new"}, command="report")
    for marker in ("not json", json.dumps({"written_by": "iedereen_doet_mee",
                                           "command": "report",
                                           "files": {"../outside.txt": "0" * 64}})):
        (tmp_path / MARKER).write_text(marker, encoding="utf-8")
        with pytest.raises(OutputFolderError, match=r"marker file \S+ is damaged"):
            _write(tmp_path, {"x.txt": "new"}, command="report")
    assert (tmp_path / "x.txt").read_text() == "old"


def test_a_failure_while_writing_leaves_the_folder_as_it_was(tmp_path):
    _write(tmp_path, {"x.txt": "old"})
    before = _tree(tmp_path)
    with pytest.raises(RuntimeError, match="disk full"), \
            output_folder(tmp_path, command="example") as staging:
        (staging / "x.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert _tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "x.txt"]


@pytest.mark.parametrize("relation", ["equal", "contains", "inside"])
def test_the_input_or_a_folder_around_or_inside_it_is_refused(tmp_path, relation):
    data = tmp_path / "data"
    data.mkdir()
    (data / "participants.csv").write_text("x", encoding="utf-8")
    out = {"equal": data, "contains": tmp_path, "inside": data / "report"}[relation]
    with pytest.raises(OutputFolderError, match={"equal": "it is the input",
                                                 "contains": "it contains the input",
                                                 "inside": "lies inside the input"}[relation]):
        check_output_folder(out, command="report", inputs=[data])
    assert _tree(tmp_path) == {"data/participants.csv": hashlib.sha256(b"x").hexdigest()}


def test_a_link_to_a_folder_is_written_through_and_a_link_to_the_input_refused(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    _write(link, {"x.txt": "1"})
    assert link.is_symlink() and (target / "x.txt").read_text() == "1"
    _write(link, {"x.txt": "2"})  # the earlier output, through the link
    assert link.is_symlink() and (target / "x.txt").read_text() == "2"
    data = tmp_path / "data"
    data.mkdir()
    to_data = tmp_path / "to_data"
    to_data.symlink_to(data, target_is_directory=True)
    with pytest.raises(OutputFolderError, match="it is the input"):
        check_output_folder(to_data, command="report", inputs=[data])
    (target / "y.txt").write_text("1")
    os.symlink(target / "y.txt", target / "z.txt")  # a listed name replaced by a link
    marker = json.loads((target / MARKER).read_text())
    marker["files"]["z.txt"] = marker["files"]["x.txt"]
    (target / MARKER).write_text(json.dumps(marker))
    with pytest.raises(OutputFolderError, match=r"z\.txt was changed"):
        _write(link, {"x.txt": "3"})


def test_a_file_or_a_dangling_link_as_the_folder_is_refused(tmp_path):
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="is a file"):
        check_output_folder(tmp_path / "file", command="report")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputFolderError, match="symbolic link"):
        check_output_folder(tmp_path / "dangling", command="report")


# -- the commands ---------------------------------------------------------------------

def _report(tmp_path: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "iedereen_doet_mee.report", *args],
                          capture_output=True, text=True, check=False, cwd=cwd or tmp_path)


def test_report_refuses_a_folder_with_a_users_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    run = _report(tmp_path, "--out", str(out))
    assert run.returncode == 2, run.stderr
    assert "notes.txt" in run.stderr and "Traceback" not in run.stderr
    assert "[1/8]" not in run.stderr  # refused before any work
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_report_out_dot_in_a_working_folder_with_files_is_refused(tmp_path):
    (tmp_path / "analysis.R").write_text("mine", encoding="utf-8")
    run = _report(tmp_path, "--out", ".")
    assert run.returncode == 2, run.stderr
    assert "analysis.R" in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["analysis.R"]


@pytest.mark.parametrize("where", ["equal", "above", "inside"])
def test_report_out_at_or_around_the_data_is_refused(tmp_path, where):
    data = tmp_path / "export" / "data"
    data.parent.mkdir()
    data.mkdir()
    for path in SYNTHETIC.glob("*.csv"):
        (data / path.name).write_bytes(path.read_bytes())
    before = _tree(tmp_path)
    out = {"equal": data, "above": data.parent, "inside": data / "report"}[where]
    run = _report(tmp_path, "--data", str(data), "--out", str(out))
    assert run.returncode == 2, run.stderr
    assert "input" in run.stderr and "Nothing was written or deleted" in run.stderr
    assert _tree(tmp_path) == before


def test_report_replaces_its_earlier_report_and_keeps_the_users_notes(tmp_path):
    out = build_report(ReportSettings(out=tmp_path / "report", lang="en", **FAST))
    first = _tree(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    again = build_report(ReportSettings(out=tmp_path / "report", lang="nl", **FAST))
    assert again == out
    after = _tree(out)
    assert after.pop("notes.txt") == hashlib.sha256(b"mine").hexdigest()
    assert after.keys() == first.keys()
    assert after["report.html"] != first["report.html"]  # Dutch this time
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_report_writes_through_a_link_to_an_empty_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    out = build_report(ReportSettings(out=tmp_path / "link", lang="en", **FAST))
    assert out == (tmp_path / "real").resolve()
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "report.html").is_file()


def test_simulate_refuses_a_users_folder_and_replaces_its_own(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert simulate.main(["--out", str(tmp_path), "--seed", "3"]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    out = tmp_path / "trial"
    assert simulate.main(["--out", str(out), "--seed", "3"]) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    first = _tree(out)
    assert simulate.main(["--out", str(out), "--seed", "3"]) == 0
    assert _tree(out) == first


def test_simulate_refuses_a_folder_that_holds_its_design_file(tmp_path, capsys):
    design = tmp_path / "design.toml"
    design.write_text('n_per_cell = 5\n', encoding="utf-8")
    assert simulate.main(["--out", str(tmp_path), "--design", str(design)]) == 2
    assert "contains the input" in capsys.readouterr().err
    assert design.read_text(encoding="utf-8") == 'n_per_cell = 5\n'


def test_single_output_files_are_never_replaced(tmp_path, capsys):
    problems = tmp_path / "problems.csv"
    problems.write_text("mine", encoding="utf-8")
    assert validate.main([str(SYNTHETIC), "--csv", str(problems)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert problems.read_text(encoding="utf-8") == "mine"
    assert validate.main([str(SYNTHETIC), "--csv", str(tmp_path / "new.csv")]) == 0
    assert (tmp_path / "new.csv").read_text(encoding="utf-8").startswith("file,")


def test_report_refusal_is_exit_2_from_the_function_too(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert report.main(["--out", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
