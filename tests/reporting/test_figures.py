"""The report's figures: byte-identical files across runs and interpreters, Dutch and
English labels, what each figure draws equals the analysis result it was given, and
degenerate trials (a cell without events, no measurements table, one person per cell,
a single arm) never crash."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.data.loading import TrialData
from iedereen_doet_mee.design import TrialDesign
from iedereen_doet_mee.reporting.figures.estimates import (
    REPORT_FIGURES,
    costs_figure,
    format_euro,
    instrument_effects_figure,
    outflow_target_figure,
    report_figures,
)
from iedereen_doet_mee.reporting.figures.files import save_figure
from iedereen_doet_mee.reporting.figures.over_time import (
    kaplan_meier_figure,
    ladder_transition_figure,
    wage_value_figure,
)
from iedereen_doet_mee.reporting.figures.style import house_style, label
from iedereen_doet_mee.reporting.tables.consort import consort_counts
from iedereen_doet_mee.simulation import SimulationParameters, simulate_trial

SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic"
#: Labels each figure must show (in the figure's language, and not in the other one).
EXPECTED = {
    "consort": ["stage_allocation", "allocated", "lost_to_follow_up", "analysed"],
    "outflow_target": ["target_axis", "observed_share", "km_share", "overall"],
    "kaplan_meier": ["km_title", "months", "with_instruments", "pointwise"],
    "cumulative_incidence": ["cif_title", "cif_axis", "without_instruments"],
    "wage_value": ["wage_title", "wage_axis", "measured_only"],
    "ladder_transitions": ["ladder_title", "rung_1", "ladder_last"],
    "instrument_effects": ["effects_title", "cell_shares", "non_experimental", "band"],
    "costs": ["costs_title", "net", "euro_axis"],
}


def _analyse(trial):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_trial(trial, n_draws=50, n_bootstrap=50)


@pytest.fixture(scope="module")
def bundled():
    trial = load_trial(SYNTHETIC)
    return _analyse(trial), consort_counts(trial)


@pytest.fixture(scope="module")
def saved(bundled, tmp_path_factory):
    """Every report figure of the bundled trial saved once per language: (dir, hashes)."""
    analysis, counts = bundled
    out = {}
    for lang in ("nl", "en"):
        directory = tmp_path_factory.mktemp(f"figures_{lang}")
        out[lang] = directory, _save_all(report_figures(analysis, lang=lang, counts=counts),
                                         directory)
    return out


def _raw_rc() -> dict:
    """rcParams as stored; reading ``backend`` through rcParams would import pyplot."""
    return dict(dict.items(mpl.rcParams))


def _degenerate() -> TrialData:
    """The bundled trial without measurements, and a cell (40-60, yes) with no exit at all."""
    trial = load_trial(SYNTHETIC)
    people = trial.participants.copy()
    cell = (people["band"] == "40-60") & (people["instruments"] == "yes")
    people.loc[cell, ["exit_on", "returned_on"]] = pd.NaT
    people["exit_reason"] = people["exit_reason"].astype(object)
    people.loc[cell, "exit_reason"] = None
    tables = {k: v for k, v in trial.tables.items() if k != "measurements"}
    return TrialData(trial.design, {**tables, "participants": people})


def _single_arm() -> TrialData:
    design = TrialDesign(name="caseload", strata=("all",), arms=("kompas",), n_per_cell=30,
                         instrument_kinds=("job_coach",))
    params = SimulationParameters(regular_work_24m=0.2, subsidised_work_24m=0.05,
                                  wage_value_growth_per_month=0.4, ladder_up_per_month=0.05,
                                  employer_view_by_arm=0.0)
    return simulate_trial(design, parameters=params, seed=3)


def _svg_text(path: Path) -> str:
    texts = [e.text or "" for e in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")]
    return "\n".join(texts)


def _save_all(figures: dict[str, Figure], directory: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for stem, fig in figures.items():
        out.update(save_figure(fig, directory, stem))
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_figure_is_saved_with_its_language_and_no_identifiers(saved, lang):
    tmp_path, hashes = saved[lang]
    assert sorted(hashes) == sorted(f"{s}.{x}" for s in EXPECTED for x in ("svg", "png"))
    other = "en" if lang == "nl" else "nl"
    for name, digest in hashes.items():
        data = (tmp_path / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        if name.endswith(".png"):
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and b"Matplotlib" not in data
            continue
        text = _svg_text(tmp_path / name)
        assert "Matplotlib v" not in data.decode() and "<dc:date>" not in data.decode()
        # no participant or employer identifier, no row-level data
        assert not re.search(r"\b[PE]\d{3,4}\b", text)
        for key in EXPECTED[name[:-4]]:
            mine, theirs = label(key, lang), label(key, other)
            for line in mine.split("\n"):
                assert line in text, (name, key, line)
            if theirs != mine:
                assert theirs.split("\n")[0] not in text, (name, key)


def test_dutch_wording_of_the_report(saved):
    tmp_path = saved["nl"][0]
    text = "\n".join(_svg_text(p) for p in sorted(tmp_path.glob("*.svg")))
    for phrase in ("Uitstroom naar regulier werk tegenover het doel van 40%",
                   "loonwaardeband 40-60%", "met instrumenten", "zonder instrumenten",
                   "Loonwaardeband", "Ingestroomd (n = 100)", "€ −2.000",
                   "Stand op 1 juli 2016."):
        assert phrase in text, phrase


def test_same_input_same_bytes_in_one_process(bundled, saved, tmp_path):
    analysis, counts = bundled
    first_dir, first = saved["nl"]
    second = _save_all(report_figures(analysis, counts=counts), tmp_path / "b")
    assert first == second
    for name in first:
        assert (first_dir / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    # saving the same figure object again gives the same bytes too
    fig = kaplan_meier_figure(analysis.results["survival"])
    assert save_figure(fig, tmp_path / "c", "km") == save_figure(fig, tmp_path / "d", "km")


_SCRIPT = """
import json, pickle, sys
import matplotlib
before = dict(dict.items(matplotlib.rcParams))
from iedereen_doet_mee.reporting.figures import estimates as plots, files as figure_files
from iedereen_doet_mee.reporting.tables import consort
same_after_import = dict(dict.items(matplotlib.rcParams)) == before
with open(sys.argv[1], "rb") as handle:
    analysis, counts = pickle.load(handle)
hashes = {}
for stem in sys.argv[3].split(","):
    if stem == "consort":
        fig = consort.consort_figure(counts)
    else:
        key, function, _ = plots.REPORT_FIGURES[stem]
        options = {"target": 0.4} if key == "survival" else {}
        fig = function(analysis.results[key], **options)
    hashes.update(figure_files.save_figure(fig, sys.argv[2], stem))
print(json.dumps({"hashes": hashes, "import": same_after_import,
                  "after": dict(dict.items(matplotlib.rcParams)) == before,
                  "pyplot": "matplotlib.pyplot" in sys.modules}))
"""


def test_a_fresh_interpreter_gives_the_same_bytes(bundled, saved, tmp_path):
    # three figures that between them use every kind of element drawn (boxes and arrows,
    # clipped step curves with shaded bands, an image with a colour bar); all are built
    stems = ("consort", "kaplan_meier", "ladder_transitions")
    here = {k: v for k, v in saved["nl"][1].items() if k.split(".")[0] in stems}
    with open(tmp_path / "input.pkl", "wb") as handle:
        pickle.dump(bundled, handle)
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "input.pkl"),
                           str(tmp_path / "there"), ",".join(stems)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(here) == 6 and report["hashes"] == here
    # nothing global changed: no rcParams at import or after building, no pyplot
    assert report["import"] and report["after"] and not report["pyplot"]


def test_building_and_saving_leave_global_matplotlib_state_alone(bundled, tmp_path):
    before = _raw_rc()
    save_figure(outflow_target_figure(bundled[0].results["target"]), tmp_path, "t")
    assert _raw_rc() == before


def test_figures_draw_what_the_results_say(bundled):
    results = bundled[0].results
    # Kaplan-Meier: the curve is 1 - S(t) while at least 5 are at risk
    km = results["survival"].extras["kaplan_meier"]
    cell = km[(km["term"] == "band=60-80:instruments=yes") & (km["n_risk"] >= 5)]
    ax = kaplan_meier_figure(results["survival"]).axes[1]
    line = next(li for li in ax.lines if li.get_label() == label("with_instruments", "nl"))
    np.testing.assert_allclose(line.get_ydata()[1:], 1 - cell["survival"].to_numpy(), rtol=1e-12)
    assert line.get_xdata()[-1] == pytest.approx(cell["time_months"].iloc[-1])
    # target: the observed shares of the cells, with their Wilson intervals
    wilson = results["target"].table.query("estimator == 'proportion_wilson'")
    ax = outflow_target_figure(results["target"]).axes[0]
    points = sorted(float(c.lines[0].get_xdata()[0]) for c in ax.containers
                    if c.lines[0].get_marker() == "o")
    assert points == pytest.approx(sorted(wilson["estimate"]))
    # effects: IPW (g-computation is not estimable here), the interaction included
    effects = results["effects"].table
    ipw = effects[effects["estimator"].str.startswith("risk_difference_")
                  & effects["estimator"].str.contains("_ipw")]
    ax = instrument_effects_figure(results["effects"]).axes[1]
    drawn = sorted(float(c.lines[0].get_xdata()[0]) for c in ax.containers)
    assert drawn == pytest.approx(sorted(ipw["estimate"].dropna()))
    assert ax.get_title() == label("ipw", "nl")
    # wage value: the measured part of each trajectory is the model's prediction
    paths = results["wage_value"].extras["trajectories"]
    ax = wage_value_figure(results["wage_value"]).axes[0]
    seen = paths[~paths["extrapolated"]].sort_values(["band", "instruments", "month"])
    solid = [li for li in ax.lines if li.get_linestyle() == "-"]
    assert np.concatenate([li.get_ydata() for li in solid]) == pytest.approx(
        seen["estimate"].to_numpy())
    # ladder heat map: the row shares themselves
    shares = results["ladder"].extras["transition_shares"].to_numpy(dtype=float)
    image = ladder_transition_figure(results["ladder"]).axes[0].images[0].get_array()
    np.testing.assert_array_equal(np.ma.filled(image, np.nan), shares)
    # costs: bar heights are the mean per arm and the bootstrap differences
    table = results["costs"].table
    left, right = costs_figure(results["costs"]).axes[:2]
    heights = [p.get_height() for p in left.patches]
    expected = table[table["estimator"] == "mean_net_savings_eur"]
    for value in expected.loc[expected["term"].str.startswith("arm:"), "estimate"]:
        assert value == pytest.approx(min(heights, key=lambda h: abs(h - value)))
    net = table[table["estimator"].str.startswith(  # labelled non-experimental when assigned
        "mean_net_savings_difference_eur_bootstrap_percentile")]
    assert right.patches[-1].get_height() == pytest.approx(net["estimate"].iloc[0])


@pytest.mark.parametrize("make", [_degenerate, _single_arm,
                                  lambda: simulate_trial(TrialDesign(n_per_cell=1), seed=1)],
                         ids=["no_events_no_measurements", "single_arm", "one_per_cell"])
def test_degenerate_trials_never_crash(make):
    trial = make()
    analysis = _analyse(trial)
    counts = consort_counts(trial)
    for lang in ("en", "nl"):
        figures = report_figures(analysis, lang=lang, counts=counts)
        expected = {s for s, figure in REPORT_FIGURES.items()
                    if figure.question in analysis.results}
        assert set(figures) == expected | {"consort"}
        figures["ladder_stacked"] = ladder_transition_figure(
            analysis.results["ladder"], lang=lang, kind="stacked")
    with house_style():  # lay out and measure every text of the Dutch figures
        for fig in figures.values():
            fig.draw_without_rendering()
    if "measurements" not in trial.tables:
        assert "wage_value" not in figures
    if trial.design.name == "caseload":
        assert "instrument_effects" not in figures


def test_bad_options_are_refused(bundled, tmp_path):
    results = bundled[0].results
    fig = outflow_target_figure(results["target"])
    with pytest.raises(ValueError, match="stem"):
        save_figure(fig, tmp_path, "../escape")
    with pytest.raises(ValueError, match="Figure"):
        save_figure("not a figure", tmp_path, "x")
    with pytest.raises(ValueError, match="lang='de'"):
        kaplan_meier_figure(results["survival"], lang="de")
    with pytest.raises(ValueError, match="question 'survival'"):
        kaplan_meier_figure(results["target"])
    with pytest.raises(ValueError, match=r"target=1\.5"):
        outflow_target_figure(results["target"], target=1.5)
    with pytest.raises(ValueError, match="min_at_risk=0"):
        kaplan_meier_figure(results["survival"], min_at_risk=0)
    with pytest.raises(ValueError, match="method='ols'"):
        instrument_effects_figure(results["effects"], method="ols")


def test_euros_are_written_per_language():
    assert format_euro(1234567.4, "nl") == "€ 1.234.567"
    assert format_euro(1234567.4, "en") == "€1,234,567"
    assert format_euro(-0.4, "nl") == "€ 0"
