"""The funder report, checked as a reader would: files, numbers, bytes, safety."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from iedereen_doet_mee import report
from iedereen_doet_mee.analysis.estimators import estimator_info
from iedereen_doet_mee.output_folder import MARKER
from iedereen_doet_mee.reporting import build as build_module
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.records import RECORD_FIELDS

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT / "data" / "synthetic"
FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)
FIGURES = ("consort", "outflow_target", "kaplan_meier", "cumulative_incidence", "wage_value",
           "ladder_transitions", "instrument_effects", "costs")
#: Figures the public default report leaves out: every number they would draw (the
#: effects and the costs per arm) is withheld; the report says so in their place.
LEFT_OUT = ("instrument_effects", "costs")
DRAWN = tuple(stem for stem in FIGURES if stem not in LEFT_OUT)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def default_report(tmp_path_factory) -> Path:
    """The report exactly as a municipality runs it: no options but the folder."""
    out = tmp_path_factory.mktemp("default") / "report"
    run = subprocess.run([sys.executable, "-m", "iedereen_doet_mee.report", "--out", str(out)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "[8/8]" in run.stderr  # progress, step by step
    return out


def test_every_output_is_written(default_report):
    names = {p.name for p in default_report.iterdir()}
    assert names == {"report.html", "report.pdf", "results.json", "indicators.xlsx", "figures",
                     MARKER}
    for stem in DRAWN:
        assert (default_report / "figures" / f"{stem}.svg").stat().st_size > 1000
        assert (default_report / "figures" / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
    for stem in LEFT_OUT:
        assert not (default_report / "figures" / f"{stem}.svg").exists()
    html = (default_report / "report.html").read_text(encoding="utf-8")
    assert html.count("is weggelaten: alle getallen die zij zou tonen zijn afgeschermd") == \
        len(LEFT_OUT)


def test_workbook_results_sheet_holds_the_records_and_their_registered_labels(default_report):
    import openpyxl

    _, records = read_results(default_report / "results.json")
    sheet = openpyxl.load_workbook(default_report / "indicators.xlsx")["results"]
    rows = list(sheet.iter_rows(values_only=True))
    # Dutch headers by default (tests/reporting/test_workbook.py checks them in detail)
    assert list(rows[0]) == [
        "ID", "onderzoeksvraag", "uitkomst", "onderdeel", "schatting", "standaardfout",
        "toetsgrootheid of aantal", "p-waarde", "ondergrens interval", "bovengrens interval",
        "schatter (codenaam)", "n", "afgeschermd", "schatter", "eenheid"]
    assert len(rows) - 1 == len(records)
    assert [r[0] for r in rows[1:]] == records["id"].tolist()
    labels = {(r[1], r[10]): r[-2] for r in rows[1:]}
    # Dutch by default, from the estimator registry and the design records' registry
    assert labels[("target", "proportion_wilson")] == \
        estimator_info("proportion_wilson").label("nl")
    assert labels[("design_diagnosis", "probability_target_met")] == \
        "kans dat het project het doel haalt"
    assert all(isinstance(r[-2], str) and r[-2] for r in rows[1:])
    assert any(r[-2].endswith("(verband, niet-experimenteel)") for r in rows[1:])


def test_two_runs_give_identical_bytes(default_report, tmp_path):
    again = build_report(ReportSettings(out=tmp_path / "again"))
    assert _hashes(again) == _hashes(default_report)


def test_results_json_records_and_header(default_report):
    header, records = read_results(default_report / "results.json")
    assert list(records.columns) == ["id", *RECORD_FIELDS, "suppressed"]
    assert header["as_of"] == "2016-07-01" and header["seed"] == 20140701
    provenance = header["provenance"]
    for name in ("participants.csv", "employment.csv", "measurements.csv", "design.toml"):
        expected = hashlib.sha256((SYNTHETIC / name).read_bytes()).hexdigest()
        assert provenance[f"sha256 {name}"] == expected  # the bundled trial, byte for byte
    assert provenance["version numpy"] == np.__version__
    # the versions the figure and PDF bytes depend on (CI tests two environments)
    assert provenance["version matplotlib"] == metadata.version("matplotlib")
    assert provenance["version typst"] == metadata.version("typst")
    hidden = records[records["suppressed"]]
    assert len(hidden) > 0
    assert hidden[["estimate", "std_error", "statistic", "conf_low", "conf_high", "p_value",
                   "n"]]\
        .isna().all().all()  # suppressed numbers are null, never 0
    assert set(records["question"]) >= {"target", "effects", "survival", "wage_value",
                                        "ladder", "instruments", "employers", "costs"}


def _summary_numbers(text: str) -> list[float]:
    return [float(v.replace(".", "").replace(",", ".")) for v in
            re.findall(r"\d+(?:[.,]\d+)?", text)]


def test_summary_numbers_equal_their_records(default_report):
    _, records = read_results(default_report / "results.json")
    share = records[(records["question"] == "target") & (records["term"] == "overall")
                    & (records["estimator"] == "proportion_clopper_pearson")].iloc[0]
    posterior = records[(records["question"] == "target") & (records["term"] == "overall")
                        & (records["estimator"] == "jeffreys_posterior_prob_target_met")].iloc[0]
    html = (default_report / "report.html").read_text(encoding="utf-8")
    summary = html[html.index('id="summary"'):html.index('id="consort"')]
    line = re.search(r"<p>(\d+ van de \d+ deelnemers.*?)</p>", summary).group(1)
    x, n, pct, level, low, high = _summary_numbers(line)[:6]
    assert level == 95
    assert x == round(share["estimate"] * share["n"]) and n == share["n"]
    assert pct == pytest.approx(100 * share["estimate"], abs=0.05)
    assert low == pytest.approx(100 * share["conf_low"], abs=0.05)
    assert high == pytest.approx(100 * share["conf_high"], abs=0.05)
    prob = re.search(r"minstens 40% is \(Jeffreys-prior\): ((?:<|&lt;)?[\d,]+)",
                     summary).group(1).replace("&lt;", "<")
    if prob.startswith("<"):  # below what three decimals show: "<0,001"
        assert prob == "<0,001" and posterior["estimate"] < 0.0005
    else:
        assert float(prob.replace(",", ".")) == pytest.approx(posterior["estimate"], abs=5e-4)
    verdict = "niet gehaald" if share["estimate"] < 0.4 else "is gehaald"
    assert verdict in summary


def test_pdf_renders_and_shows_the_key_numbers(default_report):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(default_report / "report.pdf"))
    assert len(pdf) >= 5
    text = ""
    for page in pdf:
        image = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
        assert image.std() > 5  # the page shows something
        text += page.get_textpage().get_text_range() + "\n"
    _, records = read_results(default_report / "results.json")
    share = records[(records["question"] == "target") & (records["term"] == "overall")
                    & (records["estimator"] == "proportion_clopper_pearson")].iloc[0]
    shown = f"{100 * share['estimate']:.1f}%".replace(".", ",")
    assert f"{round(share['estimate'] * share['n'])} van de {int(share['n'])} deelnemers " \
           f"({shown})" in text
    assert "Deelnemersstroom" in text and "ESF-indicatoren" in text


def test_html_is_self_contained(default_report):
    html = (default_report / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//|file:)""", html)
    assert "<link" not in html and "<script" not in html
    assert not re.search(r"url\((?!#)", html)  # only references inside the page
    assert html.count("<svg") == len(DRAWN)


def test_no_identifier_in_any_output(default_report):
    ids = set(SYNTHETIC.joinpath("participants.csv").read_text().split("\n")[1].split(",")[:1])
    assert ids and all(i.startswith("P") for i in ids)
    for path in default_report.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".html", ".svg"}:
            content = path.read_text(encoding="utf-8")
            assert not re.search(r"\bP\d{4}\b", content), path
            assert "E0" not in re.findall(r"\bE\d{3}\b", content), path


def test_english_interim_report(tmp_path):
    out = build_report(ReportSettings(out=tmp_path / "en", lang="en", as_of="2015-07-01",
                                      **FAST))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Interim report Iedereen doet mee" in html and 'lang="en"' in html
    header, _ = read_results(out / "results.json")
    assert header["as_of"] == "2015-07-01" and header["language"] == "en"


def test_missing_table_section_says_so_and_the_rest_stands(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SYNTHETIC, data)
    (data / "measurements.csv").unlink()
    (data / "manifest.json").unlink()
    out = build_report(ReportSettings(data=data, out=tmp_path / "r", **FAST))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "de gegevens bevatten geen tabel measurements" in html
    _, records = read_results(out / "results.json")
    assert "wage_value" not in set(records["question"]) and "target" in set(records["question"])


def test_invalid_data_exit_1_and_nothing_written(tmp_path, capsys):
    data = tmp_path / "bad"
    shutil.copytree(SYNTHETIC, data)
    path = data / "participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2014-", "2014-13-", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    assert report.main(["--data", str(data), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "participants.csv" in err and "no report was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_a_failing_run_leaves_the_previous_report_untouched(tmp_path, monkeypatch):
    previous = build_report(ReportSettings(out=tmp_path / "report", lang="en", **FAST))
    (previous / "notes.txt").write_text("the user's own notes")
    before = _hashes(previous)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "render_pdf", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_report(ReportSettings(out=previous, **FAST))
    assert _hashes(previous) == before
    assert sorted(p.name for p in previous.iterdir() if p.name.startswith(".")) == [MARKER]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no staging left behind


def test_bad_options_exit_2(capsys):
    assert report.main(["--suppress-below", "0", "--out", "/nonexistent/x"]) == 2
    assert "at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        report.main(["--as-of", "2015-13-01"])
    assert stop.value.code == 2


def test_results_json_is_valid_json_without_nan(default_report):
    text = (default_report / "results.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_household_ids_never_reach_an_output(tmp_path):
    """Household ids are identifiers like participant and employer ids: the report's
    guard knows them, and none appears in the HTML, the results, the workbook or a
    figure."""
    import zipfile

    from iedereen_doet_mee.data import load_trial, write_trial_directory
    from iedereen_doet_mee.reporting.disclosure import DisclosureError, check_publishable
    from iedereen_doet_mee.reporting.parts import _identifiers
    from iedereen_doet_mee.simulation import with_households_and_activities

    trial = with_households_and_activities(load_trial(SYNTHETIC), seed=3)
    people = trial.participants
    codes = {old: f"gezin-Zonnebloem-{i:03d}" for i, old in
             enumerate(sorted(people["household_id"].unique()))}
    people["household_id"] = people["household_id"].map(codes)
    households = set(codes.values())
    assert 1 < len(households) < len(people)  # some households have several members
    assert households <= _identifiers(trial)
    with pytest.raises(DisclosureError, match="known identifier"):
        check_publishable(people[["household_id"]].rename(columns={"household_id": "group"}),
                          identifiers=_identifiers(trial))
    data = tmp_path / "data"
    write_trial_directory(trial, data)
    out = build_report(ReportSettings(data=data, out=tmp_path / "report", **FAST))
    texts = {path.name: path.read_text(encoding="utf-8") for path in
             [out / "report.html", out / "results.json", *sorted(out.glob("figures/*.svg"))]}
    assert len(texts) == 2 + len(DRAWN)
    with zipfile.ZipFile(out / "indicators.xlsx") as book:
        texts.update({f"indicators.xlsx:{name}": book.read(name).decode("utf-8")
                      for name in book.namelist() if name.endswith(".xml")})
    for name, content in texts.items():
        assert "Zonnebloem" not in content, name
