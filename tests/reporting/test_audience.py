"""The two audiences of the report: public (disclosure control) and internal (none).

An internal report of the bundled synthetic trial shows the numbers the public one
suppresses, agrees with it wherever both show a number, marks every page, the HTML,
the workbook and ``results.json`` as confidential, and still shows no identifier.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee import report
from iedereen_doet_mee.errors import OutputFolderError
from iedereen_doet_mee.output_folder import MARKER, check_output_folder, output_folder
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.workbook_sheets import column_label

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT / "data" / "synthetic"
FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)
MARKING = {"nl": "Vertrouwelijk - niet publiceren", "en": "Confidential - not for publication"}
NUMBERS = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """A public and an internal report of the bundled trial, same settings otherwise."""
    folder = tmp_path_factory.mktemp("audiences")
    return {audience: build_report(ReportSettings(out=folder / audience, audience=audience,
                                                  **FAST))
            for audience in ("public", "internal")}


def _identifiers() -> set[str]:
    """Every participant and employer id of the bundled trial."""
    ids: set[str] = set()
    for path in SYNTHETIC.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        for column in ("participant_id", "employer_id"):
            if column in frame:
                ids |= set(frame[column].dropna())
    return ids


def _texts(folder: Path) -> dict[str, str]:
    """The text of every output a reader can open: HTML, JSON, SVG, the workbook's XML
    and each PDF page."""
    texts = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(folder.rglob("*")) if p.suffix in {".html", ".json", ".svg"}}
    with zipfile.ZipFile(folder / "indicators.xlsx") as book:
        texts.update({f"indicators.xlsx:{name}": book.read(name).decode("utf-8")
                      for name in book.namelist() if name.endswith(".xml")})
    texts.update({f"report.pdf:page {i + 1}": page for i, page in enumerate(_pages(folder))})
    return texts


def _pages(folder: Path) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(folder / "report.pdf"))
    return [page.get_textpage().get_text_range() for page in pdf]


def test_results_json_header_records_the_audience(reports):
    public, _ = read_results(reports["public"] / "results.json")
    internal, _ = read_results(reports["internal"] / "results.json")
    assert public["audience"] == "public" and public["suppress_below"] == 10
    assert internal["audience"] == "internal" and internal["suppress_below"] is None
    assert internal["provenance"]["audience"] == "internal"
    assert internal["provenance"]["suppress_below"] == "none"


def test_internal_shows_what_public_suppresses_and_agrees_where_both_show(reports):
    _, public = read_results(reports["public"] / "results.json")
    _, internal = read_results(reports["internal"] / "results.json")
    assert len(public) == len(internal)
    keys = ["question", "outcome", "term", "estimator"]
    assert public[keys].equals(internal[keys])  # the same records, in the same order
    assert not internal["suppressed"].any()
    hidden = public["suppressed"].to_numpy(dtype=bool)
    assert hidden.sum() > 50  # the public report suppresses many (135 of 213)
    # every suppressed public record is null; the internal one shows its n and its
    # estimate (but for the 20 records that are not estimable in either report)
    assert public.loc[hidden, ["estimate", "n"]].isna().all().all()
    assert internal.loc[hidden, "n"].notna().all()
    assert internal.loc[hidden, "estimate"].notna().sum() > 100
    # results over fewer than 10 people are shown
    assert (internal.loc[hidden, "n"] < 10).any()
    shown = ~hidden
    for column in [*NUMBERS, "n"]:
        a = pd.to_numeric(public.loc[shown, column], errors="coerce").to_numpy(float)
        b = pd.to_numeric(internal.loc[shown, column], errors="coerce").to_numpy(float)
        np.testing.assert_array_equal(a, b, err_msg=column)


def test_every_pdf_page_is_marked_confidential(reports):
    pages = _pages(reports["internal"])
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        assert MARKING["nl"] in page, f"page {number}"
    assert not any(MARKING["nl"] in page for page in _pages(reports["public"]))


def test_html_has_the_banner_and_the_title(reports):
    html = (reports["internal"] / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<title>Vertrouwelijk - niet publiceren: [^<]+</title>", html)
    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<p class="marking"')  # above the title
    assert body.index(MARKING["nl"]) < body.index("<h1>")
    assert "stuurgroep" in html and "managementautoriteit" in html
    public = (reports["public"] / "report.html").read_text(encoding="utf-8")
    assert MARKING["nl"] not in public and 'class="marking"' not in public


def test_table_notes_say_nothing_is_suppressed(reports):
    internal = (reports["internal"] / "report.html").read_text(encoding="utf-8")
    public = (reports["public"] / "report.html").read_text(encoding="utf-8")
    assert "Afgeschermd zijn aantallen onder 10" in public
    assert "aantallen onder" not in internal and "Afgeschermd zijn" not in internal
    # every table of the internal report says it; the public one folds a table whose
    # every number is withheld into a sentence, so it has fewer notes
    assert internal.count("Niets is afgeschermd") >= public.count(
        "Afgeschermd zijn aantallen onder 10") > 5
    tables = internal.count("<table>")
    assert internal.count("Niets is afgeschermd") >= tables - 2  # the appendix's two
    # no cell reads "afgeschermd" (the public report has hundreds); zeros are shown
    def cells(page: str, value: str) -> int:  # a cell holding exactly value, any class
        return len(re.findall(rf"<td[^>]*>{value}</td>", page))

    assert cells(public, "afgeschermd") and not cells(internal, "afgeschermd")
    assert cells(internal, "0") and not cells(public, "0")


def test_workbook_opens_on_the_confidential_marking(reports):
    import openpyxl

    book = openpyxl.load_workbook(reports["internal"] / "indicators.xlsx")
    first = book.worksheets[0]
    assert first.title == "VERTROUWELIJK" and first["A1"].value == MARKING["nl"]
    assert "Niet publiceren" in first["A2"].value
    results = book["results"]
    header = [c.value for c in results[1]]
    suppressed = header.index(column_label("suppressed", "nl"))
    assert not any(row[suppressed] for row in results.iter_rows(min_row=2, values_only=True))
    esf = list(book["esf_indicators"].iter_rows(values_only=True))
    codes = {column_label(code, "nl"): code for code in ("available", "total", "men")}
    columns = [codes.get(c, c) for c in esf[0]]
    available = [dict(zip(columns, row, strict=True)) for row in esf[1:]
                 if row[columns.index("available")]]
    assert available and all(r["total"] is not None and r["men"] is not None
                             for r in available)
    public = openpyxl.load_workbook(reports["public"] / "indicators.xlsx")
    assert "VERTROUWELIJK" not in public.sheetnames


def test_no_identifier_in_any_internal_output(reports):
    ids = _identifiers()
    assert len(ids) > 100
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ids))) + r")\b")
    for name, content in _texts(reports["internal"]).items():
        found = pattern.search(content)
        assert found is None, f"{name} shows an identifier"


def test_the_marker_records_the_audience_and_a_folder_keeps_it(reports, tmp_path):
    for audience, folder in reports.items():
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        assert marker["audience"] == audience and marker["command"] == "report"
    # an internal report is never written over a public one, nor the other way round
    with pytest.raises(OutputFolderError, match="public audience"):
        check_output_folder(reports["public"], command="report", audience="internal")
    with pytest.raises(OutputFolderError, match="internal audience"):
        build_report(ReportSettings(out=reports["internal"], **FAST))
    # an output from before audiences (no audience in its marker) was public
    old = tmp_path / "old"
    with output_folder(old, command="report") as staging:
        (staging / "a.txt").write_text("x")
    assert "audience" not in json.loads((old / MARKER).read_text(encoding="utf-8"))
    assert set(check_output_folder(old, command="report", audience="public")) == {"a.txt"}
    with pytest.raises(OutputFolderError, match="made for the public audience"):
        check_output_folder(old, command="report", audience="internal")


@pytest.mark.parametrize("value", ["5", "10"])
def test_suppress_below_with_internal_exits_2(value, tmp_path, capsys):
    out = tmp_path / "report"
    assert report.main(["--audience", "internal", "--suppress-below", value,
                        "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--suppress-below does not go with --audience internal" in err
    assert not out.exists()
    with pytest.raises(ValueError, match="does not apply to audience='internal'"):
        ReportSettings(audience="internal", suppress_below=int(value))


def test_unknown_audience_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        report.main(["--audience", "everyone"])
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err
    with pytest.raises(ValueError, match="'public' or 'internal'"):
        ReportSettings(audience="everyone")  # type: ignore[arg-type]
