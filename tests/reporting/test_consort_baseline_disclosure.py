"""The published CONSORT diagram, CONSORT table and baseline table never state a false
number, write ``<10`` only for a count below 10, and let no count below the threshold be
worked out; the internal report (threshold None) shows every true number.

The attacker here is independent of the disclosure engine: it reads the text as
published (a number, ``<10`` = at most 9, "afgeschermd" / "withheld" = at least 10, since
it is not below the threshold), knows each column's size (the CONSORT diagram shows it)
and narrows every hidden count by subtraction over the sums the table implies (interval
propagation), and for a yes/no characteristic it inverts the shown standardised
difference to the arm totals when that is possible.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.data.loading import TrialData
from iedereen_doet_mee.reporting.figures.style import label
from iedereen_doet_mee.reporting.tables.as_text import (
    _cell,
    _characteristic,
    _row_label,
    baseline_text_table,
    consort_suppression,
    consort_text_table,
)
from iedereen_doet_mee.reporting.tables.baseline import baseline_long, smd_binary
from iedereen_doet_mee.reporting.tables.consort import (
    ALL,
    consort_counts,
    consort_figure,
    shown_counts,
)

SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic"
T = 10
WITHHELD = {"nl": "afgeschermd", "en": "withheld"}


@pytest.fixture(scope="module")
def bundled() -> TrialData:
    return load_trial(SYNTHETIC)


def _with(trial: TrialData, participants: pd.DataFrame | None = None,
          instruments: pd.DataFrame | None = None) -> TrialData:
    tables = {"participants": trial.participants if participants is None else participants,
              "instruments": trial.table("instruments") if instruments is None
              else instruments}
    return TrialData(trial.design, tables)


def _everyone_got_instruments(trial: TrialData) -> TrialData:
    """Every participant of the instruments arm got one (started on enrolment)."""
    people = trial.participants
    extra = people.loc[people["instruments"] == "yes", ["participant_id", "enrolled_on"]]
    rows = pd.DataFrame({"participant_id": extra["participant_id"], "kind": "job_coach",
                         "started_on": extra["enrolled_on"], "ended_on": extra["enrolled_on"],
                         "cost_eur": 10.0})
    instruments = pd.concat([trial.table("instruments"), rows], ignore_index=True)
    return _with(trial, instruments=instruments)


def _zero_in_a_cell(trial: TrialData) -> TrialData:
    """Nobody with a disability or a migrant background in the cell 40-60 / no."""
    people = trial.participants.copy()
    cell = (people["band"] == "40-60") & (people["instruments"] == "no")
    people.loc[cell, "disability"] = False
    people.loc[cell, "migrant_background"] = False
    return _with(trial, participants=people)


def _small_cell(trial: TrialData) -> TrialData:
    """The cell 60-80 / no keeps 6 people (a cell below the threshold)."""
    people = trial.participants
    cell = people[(people["band"] == "60-80") & (people["instruments"] == "no")]
    gone = set(cell["participant_id"].iloc[6:])
    instruments = trial.table("instruments")
    return _with(trial, participants=people[~people["participant_id"].isin(gone)],
                 instruments=instruments[~instruments["participant_id"].isin(gone)])


def _missing_values(trial: TrialData) -> TrialData:
    """Migrant background unknown for 3 people of the cell 40-60 / yes."""
    people = trial.participants.copy()
    cell = people.index[(people["band"] == "40-60") & (people["instruments"] == "yes")]
    people.loc[cell[:3], "migrant_background"] = pd.NA
    return _with(trial, participants=people)


def _nine_and_nine(trial: TrialData) -> TrialData:
    """The cell 60-80 / no keeps 18 people, 9 with a disability and 9 without: two
    counts that read "<10" in a column of 18 would both be 9."""
    people = trial.participants
    cell = people[(people["band"] == "60-80") & (people["instruments"] == "no")]
    gone = set(cell["participant_id"].iloc[18:])
    people = people[~people["participant_id"].isin(gone)].copy()
    kept = people.index[(people["band"] == "60-80") & (people["instruments"] == "no")]
    people.loc[kept, "disability"] = [True] * 9 + [False] * 9
    instruments = trial.table("instruments")
    return _with(trial, participants=people,
                 instruments=instruments[~instruments["participant_id"].isin(gone)])


CASES = {"default": lambda t: t, "all_instruments": _everyone_got_instruments,
         "zero_in_cell": _zero_in_a_cell, "small_cell": _small_cell,
         "missing_values": _missing_values, "nine_and_nine": _nine_and_nine}


@pytest.fixture(scope="module", params=list(CASES))
def case(request, bundled) -> TrialData:
    return CASES[request.param](bundled)


# --- what the published text says ----------------------------------------------------

def _read(text: str, lang: str, reasons: bool = True) -> tuple[int, int] | None:
    """A published count as the interval a reader knows; None when not a count. Withheld
    is at least the threshold where the table writes ``<10`` for the small ones
    (``reasons``), else anything."""
    text = text.strip()
    if text == WITHHELD[lang]:
        return (T if reasons else 0, 10**6)
    if text == f"<{T}":
        return (0, T - 1)
    found = re.fullmatch(r"(\d+)( \(.*\))?", text)
    return None if found is None else (int(found.group(1)), int(found.group(1)))


def _check_stated(stated: str, true: int | None, lang: str, threshold: int | None) -> None:
    """(a) a shown number is the true one; (b) ``<10`` only below 10; (d) internal: all."""
    if true is None:
        return
    if threshold is None:
        assert stated == str(true), (stated, true)
        return
    assert stated in (str(true), f"<{T}", WITHHELD[lang]), (stated, true)
    if stated == f"<{T}":
        assert true < T, (stated, true)


def _column_texts(fig, lang: str) -> list[str]:
    """The text of each cell's column of boxes, top to bottom."""
    texts = fig.axes[0].texts
    allocated = label("allocated", lang)
    centres = sorted({round(t.get_position()[0], 6) for t in texts
                      if t.get_text().startswith(allocated)})
    columns = []
    for x in centres:
        mine = sorted((t for t in texts if round(t.get_position()[0], 6) == x),
                      key=lambda t: t.get_position()[1])
        columns.append(" ".join(t.get_text() for t in mine))
    return columns


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("threshold", [T, None])
def test_consort_states_no_false_number(case, lang, threshold):
    counts = consort_counts(case)
    hidden = consort_suppression(counts, threshold)
    assert set(hidden) == set(counts.keys())
    for key, why in hidden.items():
        value = counts.count(*key)
        assert why in (None, "primary", "secondary")
        small = threshold is not None and value is not None and value < threshold
        assert why != "primary" or small, (key, why, value)  # "<10" only when true
        assert why is not None or not small, (key, why, value)  # a small count is hidden
    # the figure, box by box
    fig = consort_figure(counts, lang=lang, suppressed=hidden, threshold=T)
    cells = [(b, a) for b in counts.strata for a in counts.arms]
    columns = _column_texts(fig, lang)
    assert len(columns) == len(cells)
    for (band, arm), column in zip(cells, columns, strict=True):
        for _, name in shown_counts(counts):
            found = re.search(re.escape(label(name, lang)) + r" \(n (?:= )?([^)]+)\)", column)
            assert found, (name, column)
            _check_stated(found.group(1), counts.count(name, band, arm), lang, threshold)
    stated = " ".join(t.get_text() for t in fig.axes[0].texts)
    if threshold is None:
        assert f"<{T}" not in stated and WITHHELD[lang] not in stated
    # the text table, cell by cell
    table = consort_text_table(counts, hidden, lang, threshold=T)
    keys = [(b, a) for b in counts.strata for a in counts.arms] + [(ALL, ALL)]
    by_label = {label(n, lang, default=n.replace("_", " ")): n
                for n in counts.table["count"].unique()}  # the rows read as words
    for _, row in table.iterrows():
        name = by_label[row.iloc[0]]
        for (band, arm), text in zip(keys, row.iloc[1:], strict=True):
            if text in ("", "-", label("not_recorded", lang)):
                continue
            _check_stated(text, counts.count(name, band, arm), lang, threshold)


def test_a_secondary_count_never_reads_below_the_threshold(bundled):
    counts = consort_counts(bundled)
    fig = consort_figure(counts, lang="nl", suppressed=consort_suppression(counts, T))
    columns = _column_texts(fig, "nl")
    # 60-80 / with instruments: all 25 received one (the zero beside it is primary)
    assert counts.count("received_instruments", "60-80", "yes") == 25
    assert "Kreeg instrumenten (n = afgeschermd)" in columns[3]
    for column, true in zip(columns, (13, 9, 11, 14), strict=True):
        assert ("uitkering (n <10)" in column) == (true < T)
    with pytest.raises(ValueError, match="not below threshold"):
        consort_figure(counts, suppressed={("allocated", "40-60", "no"): "primary"})


# --- the baseline table: nothing below the threshold can be worked out ---------------

def _propagate(bounds: dict, lines: list[tuple[object, list]]) -> dict:
    """Narrow each count's interval by the sums until nothing changes."""
    bounds = dict(bounds)
    for _ in range(200):
        changed = False
        for total, members in lines:
            lo = [bounds[m][0] for m in members]
            hi = [bounds[m][1] for m in members]
            t_lo, t_hi = bounds[total]
            new = {total: (max(t_lo, sum(lo)), min(t_hi, sum(hi)))}
            for i, m in enumerate(members):
                rest_lo, rest_hi = sum(lo) - lo[i], sum(hi) - hi[i]
                new[m] = (max(bounds[m][0], t_lo - rest_hi), min(bounds[m][1], t_hi - rest_lo))
            for key, value in new.items():
                if value != bounds[key]:
                    assert value[0] <= value[1], (key, value)
                    bounds[key], changed = value, True
        if not changed:
            return bounds
    return bounds


def _arm_totals_from_smd(part: pd.DataFrame, smd_text: str, overall: tuple[int, int],
                         lang: str) -> dict | None:
    """The intervals of the count of "yes" per arm that the shown standardised difference
    leaves, given the interval of the total count of "yes" the reader has."""
    if smd_text == WITHHELD[lang]:
        return None
    arms = part[(part["column_type"] == "arm") & (part["level"] == "yes")].set_index("arm")
    if set(arms.index) != {"yes", "no"}:
        return None
    n1, n0 = int(arms.loc["yes", "denominator"]), int(arms.loc["no", "denominator"])
    shown = float(smd_text.replace(",", "."))
    k1, k0 = np.meshgrid(np.arange(n1 + 1), np.arange(n0 + 1), indexing="ij")
    p1, p0 = k1 / n1, k0 / n0
    scale = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(scale > 0, (p1 - p0) / np.where(scale > 0, scale, 1.0),
                     np.sign(p1 - p0) * np.inf)
    # the formula is smd_binary's: check it on one point
    x1, x0 = np.r_[np.ones(3), np.zeros(n1 - 3)], np.r_[np.ones(1), np.zeros(n0 - 1)]
    assert abs(d[3, 1] - smd_binary(x1, x0)) < 1e-12
    inside = (k1 + k0 >= overall[0]) & (k1 + k0 <= overall[1])
    match = inside & np.isfinite(d) & (np.abs(np.round(d, 2) - shown) < 1e-9)
    fits = list(zip(k1[match].tolist(), k0[match].tolist(), strict=True))
    if not fits:
        return None
    return {"yes": (min(f[0] for f in fits), max(f[0] for f in fits)),
            "no": (min(f[1] for f in fits), max(f[1] for f in fits))}


def _attack(long: pd.DataFrame, table: pd.DataFrame, lang: str) -> list[tuple]:
    """Counts below the threshold that the published baseline table gives away."""
    smd_name = label("standardised_difference", lang)
    leaks = []

    def row_label(name: str, title: str, level: str) -> str:  # the table's words
        return _row_label(_characteristic(name, title, lang), name, level, "n (%)", lang)

    counted = long[long["statistic"] == "n (%)"]
    for name, part in counted.groupby("characteristic", sort=False):
        cells = list(dict.fromkeys(part.loc[part["column_type"] == "cell", "column"]))
        columns = [*cells, "overall"]
        levels = list(dict.fromkeys(part["level"]))
        title = part["label"].iloc[0]
        truth, bounds = {}, {}
        rows = {lv: table[table.iloc[:, 0] == row_label(name, title, lv)] for lv in levels}
        reasons = any(f"<{T}" in r.iloc[0, 1:len(columns) + 1].tolist() for r in rows.values())
        for lv in levels:
            row = rows[lv]
            assert len(row) == 1, (title, lv)
            for i, column in enumerate(columns):
                true = int(part.loc[(part["level"] == lv) & (part["column"] == column),
                                    "count"].iloc[0])
                known = _read(row.iloc[0, 1 + i], lang, reasons)
                assert known is not None and known[0] <= true <= known[1], (name, lv, column)
                truth[(lv, column)], bounds[(lv, column)] = true, known
        sizes = {c: sum(truth[(lv, c)] for lv in levels) for c in columns}
        for c in columns:  # the reader knows each column's size
            bounds[("n", c)] = (sizes[c], sizes[c])
        lines = [(("n", c), [(lv, c) for lv in levels]) for c in columns]
        lines += [((lv, "overall"), [(lv, c) for c in cells]) for lv in levels]
        found = _propagate(bounds, lines)
        if part["kind"].iloc[0] == "binary" and "missing" not in levels \
                and smd_name in table.columns:
            row = table[table.iloc[:, 0] == row_label(name, title, "yes")]
            arm = _arm_totals_from_smd(long[long["characteristic"] == name],
                                       row[smd_name].iloc[0], found[("yes", "overall")], lang)
            for a, interval in (arm or {}).items():
                members = [("yes", c) for c in cells
                           if part.loc[part["column"] == c, "arm"].iloc[0] == a]
                bounds[("arm", a)] = interval
                lines.append((("arm", a), members))
            found = _propagate(bounds, lines)
        for key, true in truth.items():
            lo, hi = found[key]
            assert lo <= true <= hi
            if true < T and lo == hi and bounds[key][0] != bounds[key][1]:
                leaks.append((name, *key, true))
    return leaks


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_baseline_gives_no_small_count_away(case, lang):
    long = baseline_long(case)
    table = baseline_text_table(long, T, lang)
    assert _attack(long, table, lang) == []
    # the statistics: a mean or median over fewer than the threshold is withheld
    stats = long[long["statistic"].isin(["mean (SD)", "median [IQR]"])
                 & long["column_type"].isin(["cell", "overall"])]
    columns = list(dict.fromkeys(long.loc[long["column_type"].isin(["cell", "overall"]),
                                          "column"]))
    for r in stats.itertuples():
        row = table.loc[table.iloc[:, 0] == _row_label(
            _characteristic(r.characteristic, r.label, lang), r.characteristic, "",
            r.statistic, lang)]
        text = row.iloc[0, 1 + columns.index(r.column)]
        assert (text == WITHHELD[lang]) == (r.count < T), (r.label, r.column, text)


def test_nine_and_nine_is_withheld_not_below_ten(bundled):
    long = baseline_long(_nine_and_nine(bundled))
    row = baseline_text_table(long, T, "en").set_index("")
    name = _characteristic("disability", "Disability", "en")
    cell = _cell("band=60-80:instruments=no", "en")
    assert row.loc[_row_label(name, "disability", "yes", "n (%)", "en"), cell] == "withheld"
    assert row.loc[_row_label(name, "disability", "no", "n (%)", "en"), cell] == "withheld"


def test_the_attacker_finds_the_leak_of_the_old_table(bundled):
    """Hiding each row's small counts on their own (the old table) gave counts away."""
    long = baseline_long(bundled)
    table = baseline_text_table(long, None, "nl")
    for column in table.columns[1:-1]:
        table[column] = [f"<{T}" if _read(v, "nl") is not None and _read(v, "nl")[0] < T
                         else v for v in table[column]]
    assert ("disability", "yes", "band=40-60:instruments=no", 6) in _attack(long, table, "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_internal_baseline_shows_every_true_count(case, lang):
    long = baseline_long(case)
    table = baseline_text_table(long, None, lang)
    assert WITHHELD[lang] not in table.to_numpy() and f"<{T}" not in table.to_numpy()
    columns = list(dict.fromkeys(long.loc[long["column_type"].isin(["cell", "overall"]),
                                          "column"]))
    for r in long[(long["statistic"] == "n (%)") & (long["column"].isin(columns))].itertuples():
        row = table.loc[table.iloc[:, 0] == _row_label(
            _characteristic(r.characteristic, r.label, lang), r.characteristic, r.level,
            r.statistic, lang)]
        text = row.iloc[0, 1 + columns.index(r.column)]
        assert _read(text, lang) == (r.count, r.count)
