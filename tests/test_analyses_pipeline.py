"""CI rebuilds every figure and table of the report and checks them against the reviewed
results: figures byte for byte against ``analyses/figures.sha256``, tables against
their reviewed copies in ``analyses/tables/`` (numbers within a stated tolerance)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "analyses" / "build_all.py"

#: Set by .ci/run for its second run, on the lowest versions pyproject.toml allows.
LOWER_BOUNDS = os.environ.get("IDM_LOWER_BOUNDS_RUN") == "1"


def _module():
    spec = importlib.util.spec_from_file_location("build_all", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """One build of the bundled trial, by the script as CI and a user run it."""
    out = tmp_path_factory.mktemp("analyses")
    run = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.mark.skipif(LOWER_BOUNDS, reason="lower-bound run: figure bytes depend on the "
                    "matplotlib and FreeType versions, and the manifest holds those of "
                    "requirements-lock.txt (the tables are still checked)")
def test_every_figure_rebuilds_to_the_manifest(build):
    module = _module()
    built = {**module.file_digests(build, "figures"), **module.file_digests(build, "tables")}
    assert module.check_figures(built) == []
    manifest = module.read_manifest(ROOT / "analyses" / "figures.sha256")
    assert set(manifest) >= {f"figures/{stem}.{suffix}" for suffix in ("svg", "png")
                             for stem in ("consort", "outflow_target", "kaplan_meier")}


def test_every_table_rebuilds_to_its_reviewed_copy_within_tolerance(build):
    module = _module()
    built = list(module.file_digests(build, "tables"))
    assert module.check_tables(build, built) == []
    assert {"tables/results.csv", "tables/baseline.csv"} <= set(built)


def test_a_changed_figure_or_number_fails_the_check(build, tmp_path, monkeypatch, capsys):
    module = _module()
    manifest = tmp_path / "figures.sha256"
    entries = module.read_manifest(ROOT / "analyses" / "figures.sha256")
    entries["figures/wage_value.svg"] = "0" * 64
    module.write_manifest(manifest, entries)
    reviewed = tmp_path / "tables"
    shutil.copytree(ROOT / "analyses" / "tables", reviewed)
    with (reviewed / "results.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    row = next(i for i, cells in enumerate(rows) if "proportion_wilson" in cells)
    estimate = rows[0].index("estimate")
    was = rows[row][estimate]
    rows[row][estimate] = repr(float(was) * (1 + 1e-3))  # ten times the tolerance
    with (reviewed / "results.csv").open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    monkeypatch.setattr(module, "MANIFEST", manifest)
    monkeypatch.setattr(module, "TABLES", reviewed)

    def rebuild(args):  # the build of the fixture, copied: the check is under test here
        shutil.copytree(build, args.out)
        return {**module.file_digests(args.out, "figures"),
                **module.file_digests(args.out, "tables")}

    monkeypatch.setattr(module, "build", rebuild)
    assert module.main(["--check", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "changed: figures/wage_value.svg" in err and "--update-manifest" in err
    assert f"changed: tables/results.csv row {row} estimate: {rows[row][estimate]} -> {was}" \
        in err


def test_update_manifest_makes_the_build_the_reviewed_one(build, tmp_path, monkeypatch,
                                                          capsys):
    module = _module()
    manifest, reviewed = tmp_path / "figures.sha256", tmp_path / "tables"
    reviewed.mkdir()
    (reviewed / "gone.csv").write_text("a\n1\n", encoding="utf-8")
    monkeypatch.setattr(module, "MANIFEST", manifest)
    monkeypatch.setattr(module, "TABLES", reviewed)
    monkeypatch.setattr(module, "build", lambda args: {
        **module.file_digests(build, "figures"), **module.file_digests(build, "tables")})
    assert module.main(["--update-manifest", "--out", str(build)]) == 0
    assert module.read_manifest(manifest) == module.file_digests(build, "figures")
    assert sorted(p.name for p in reviewed.iterdir()) == sorted(
        p.name for p in (build / "tables").iterdir())
    assert (reviewed / "results.csv").read_bytes() == (build / "tables" / "results.csv") \
        .read_bytes()
    assert module.main(["--check", "--out", str(build)]) == 0
    assert "within rtol 0.0001" in capsys.readouterr().out


def test_the_reviewed_tables_are_the_ones_the_manifest_held():
    # the tables left the SHA-256 manifest for reviewed copies (compared within a
    # tolerance); these are the digests they had there, so the content is the same.
    # results.csv changed twice on purpose since (issue 11): the estimator registry labels
    # the five cost differences between arms '_non_experimental' under assigned
    # allocation, and records carry every tidy column, so it gained the column statistic;
    # every other cell is the text the manifest held. Issue 13 changed them on purpose
    # again: labels in words (rows, column heads, ESF reasons in Dutch), CONSORT and
    # baseline protection ('<10' against 'afgeschermd', linked levels), the ESF
    # labour-status rows protected as one table and the missing-data bounds that gave
    # the number lost hidden; later the record IDs (results.csv: a first column "id",
    # every other cell equal), the union rule for hidden parts and the CONSORT row
    # "excluded from analysis" left out under intention to treat, the Dutch words of
    # the review and one word for a withheld number ("afgeschermd"); the numbers shown
    # are the same where they are shown. Then (December 2026): the CONSORT table says "niet
    # vastgelegd" for a count not in the data model; the ESF table is protected with the
    # baseline (an indicator's complement: CO12 97 of 100 left 3); an arm's cumulative
    # incidence and restricted mean are withheld when its cells are (0.021 of 50 was
    # one event); the ESF table's last column is headed "toelichting"; the ESF table
    # always has a column of other or unknown sex (men + women = total gave its zero back)
    # and prints no code for the row of all participants ("TOTAL" is no ESF code)
    reviewed = {"baseline.csv": "9888d0a897d74831cf7730418f8f03460c8f13410e76013aa1670b7155b06668",
                "consort.csv": "01c5cb70c332970aa2613edb9757e826243c74e9ffc5660344f0b7f9c58a3b3c",
                "esf.csv": "cdd63537339219d2a4d1dce468a14fedf541a255f7e073436e3649e8b66c2f8d",
                "esf_indicators.csv":
                    "0ec6fba6a22461d05e8393da908c597a2a15b68def936bc685f0010dde2cb6f5",
                "results.csv": "a54d46c56044402eb5cfacdaa4acc50a73d9ab54f440ccdf115a428cf44223e2"}
    for name, digest in reviewed.items():
        data = (ROOT / "analyses" / "tables" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name


def test_table_tolerance_is_relative_for_decimals_and_exact_for_the_rest():
    compare = _module().compare_table
    head = "term,estimate,p_value,n,suppressed\n"
    ref = head + "a,0.25,0.001,40,False\n"
    # rtol 1e-4: 0.25 may move by 2.5e-5 (plus atol 1e-12)
    assert compare("t", ref, head + "a,0.250024,0.00100009,40,False\n") == []
    assert compare("t", ref, head + "a,0.250026,0.001,40,False\n") == [
        "changed: t row 1 estimate: 0.25 -> 0.250026"]
    assert compare("t", ref, head + "a,0.25,1.0002e-3,40,False\n") == [
        "changed: t row 1 p_value: 0.001 -> 1.0002e-3"]
    assert compare("t", ref, head + "a,0.25,0.001,41,False\n") == [
        "changed: t row 1 n: 40 -> 41"]
    assert compare("t", ref, head + "a,0.25,0.001,40.0,False\n") == [
        "changed: t row 1 n: 40 -> 40.0"]
    assert compare("t", ref, head + "b,0.25,0.001,40,True\n") == [
        "changed: t row 1 term: a -> b", "changed: t row 1 suppressed: False -> True"]
    assert compare("t", ref, head + "a,,0.001,40,False\n") == [
        "changed: t row 1 estimate: 0.25 -> "]
    # atol 1e-12: a zero may come out as rounding noise, a tiny p-value moves by 1e-12
    assert compare("t", head + "a,0.0,1e-10,0,False\n", head + "a,1e-13,1.005e-10,0,False\n") \
        == []
    assert compare("t", ref, ref + "b,0.5,0.1,2,False\n") == [
        "changed: t has 2 rows, the reviewed copy 1"]
    assert compare("t", ref, ref.replace("p_value", "p")).__len__() == 1


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
