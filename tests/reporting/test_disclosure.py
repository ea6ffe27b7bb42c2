"""Disclosure control: primary and secondary suppression, rates, tidy results, the guard.

References pinned here:
- a published example: GaussSuppression (Statistics Norway, CRAN) vignette "Small count
  frequency table suppression", Table 1 (``SSBtoolsData("example1")``, year 2014,
  ``SuppressSmallCounts(dimVar = c("age", "geo"), maxN = 1)``): cells young/Portugal
  (primary), young/Iceland, old/Iceland and old/Portugal (secondary) are suppressed;
  ``maxN = 1`` (counts 0 and 1 suppressed) is our ``threshold=2``.
- hand-worked cases, each explained next to its assertions (also in docs/disclosure.md);
- a property test: for many random tables (fixed seed) no suppressed count can be
  recovered, checked independently of the module by linear algebra (a count is
  recoverable iff its unit vector lies in the row space of the published constraints)
  and by integer programming (its minimum and maximum over what a reader knows differ).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from iedereen_doet_mee.reporting.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    DisclosureError,
    check_publishable,
    check_threshold,
    mark_suppressed,
    suppress_linked,
    suppress_results,
    suppress_statistics,
    suppress_table,
)
from iedereen_doet_mee.reporting.disclosure.engine import Cells, audit

# --- independent recoverability checks (no code shared with the module) ------------------


def _constraint_rows(n_cells, lines):
    rows = []
    for total, parts in lines:
        row = np.zeros(n_cells)
        row[total] = 1.0
        row[list(parts)] -= 1.0
        rows.append(row)
    return rows


def _linearly_recoverable(n_cells, lines, published, cell):
    """Whether e_cell lies in the row space of the sums and the published cells."""
    rows = _constraint_rows(n_cells, lines) + [np.eye(n_cells)[i] for i in published]
    known = np.array(rows).reshape(-1, n_cells)
    rank = np.linalg.matrix_rank(known) if len(known) else 0
    return np.linalg.matrix_rank(np.vstack([known, np.eye(n_cells)[cell]])) == rank


def _integer_range(n_cells, lines, values, published, objective, pairs=()):
    """Min and max of objective @ v over integer v >= 0 meeting every published fact."""
    constraints = []
    rows = _constraint_rows(n_cells, lines)
    if rows:
        constraints.append(LinearConstraint(np.array(rows), 0, 0))
    for x, n in pairs:
        row = np.zeros(n_cells)
        row[n], row[x] = 1.0, -1.0
        constraints.append(LinearConstraint(row[None, :], 0, np.inf))
    lower, upper = np.zeros(n_cells), np.full(n_cells, np.inf)
    lower[published] = upper[published] = np.asarray(values, dtype=float)[published]
    out = []
    for sign in (1.0, -1.0):
        result = milp(sign * objective, constraints=constraints, bounds=Bounds(lower, upper),
                      integrality=np.ones(n_cells))
        out.append(np.inf if result.status != 0 else sign * result.fun)
    return out[0], (np.inf if out[1] == np.inf else out[1])


def _movable(n_cells, lines, values, published, objective, pairs=()):
    """Whether some integer point a reader cannot exclude differs from the truth."""
    truth = float(np.asarray(values, dtype=float) @ objective)
    constraints = []
    rows = _constraint_rows(n_cells, lines)
    if rows:
        constraints.append(LinearConstraint(np.array(rows), 0, 0))
    for x, n in pairs:
        row = np.zeros(n_cells)
        row[n], row[x] = 1.0, -1.0
        constraints.append(LinearConstraint(row[None, :], 0, np.inf))
    lower, upper = np.zeros(n_cells), np.full(n_cells, np.inf)
    lower[published] = upper[published] = np.asarray(values, dtype=float)[published]
    for sign in (-1.0, 1.0):  # the largest value first, then the smallest
        result = milp(sign * objective, constraints=constraints, bounds=Bounds(lower, upper),
                      integrality=np.ones(n_cells))
        if result.status != 0 or abs(sign * result.fun - truth) >= 0.5:
            return True  # unbounded, or another value is possible
    return False


def _table_lines(frame_shape, with_margins):
    """Cells of an r x c table (last row and column are the margins) and its sums."""
    r, c = frame_shape
    index = np.arange(r * c).reshape(r, c)
    if not with_margins:
        return []
    lines = [(index[i, -1], tuple(index[i, :-1])) for i in range(r)]
    lines += [(index[-1, j], tuple(index[:-1, j])) for j in range(c)]
    return lines


# --- threshold ------------------------------------------------------------------------


def test_threshold_default_is_cbs_practice_and_bad_values_name_the_option():
    assert DEFAULT_THRESHOLD == 10
    assert check_threshold(1) == 1 and check_threshold(np.int64(10)) == 10
    for bad in (0, -3, 2.5, True, "10", None):
        with pytest.raises(ValueError, match=r"option threshold=.* whole number >= 1"):
            check_threshold(bad)
    with pytest.raises(ValueError, match="threshold=0"):
        suppress_table(pd.Series([5]), threshold=0)


# --- primary suppression --------------------------------------------------------------


def test_primary_suppression_without_margins_counts_zero_as_small():
    counts = pd.Series({"a": 0, "b": 3, "c": 9, "d": 10, "e": 25})
    result = suppress_table(counts)
    assert result.mask.tolist() == [True, True, True, False, False]
    assert result.reason.tolist() == ["primary"] * 3 + [None, None]
    assert result.shown().tolist() == [SUPPRESSED] * 3 + [10, 25]
    assert repr(result) == "Suppression(threshold 10: 3 primary, 0 secondary of 5 numbers)"


def test_threshold_one_suppresses_only_zeros():
    counts = pd.DataFrame({"x": [0, 1], "y": [2, 0]})
    assert suppress_table(counts, threshold=1).mask.to_numpy().tolist() == [[True, False],
                                                                           [False, True]]


def test_single_cell_and_empty_tables():
    assert suppress_table(pd.Series([4])).reason.tolist() == ["primary"]
    assert suppress_table(pd.Series([12])).reason.tolist() == [None]
    assert suppress_table(pd.DataFrame({"a": [0]})).shown().iloc[0, 0] == SUPPRESSED
    assert suppress_table(pd.Series(dtype=int)).mask.size == 0
    assert suppress_table(pd.DataFrame()).mask.size == 0


def test_all_zero_table_with_margins_is_entirely_suppressed_never_zero():
    zeros = pd.DataFrame(np.zeros((3, 3), dtype=int), index=["a", "b", "total"],
                         columns=["x", "y", "total"])
    shown = suppress_table(zeros, total_row="total", total_column="total").shown()
    assert (shown == SUPPRESSED).all().all()
    assert not (shown == 0).any().any()


# --- secondary suppression: hand-worked and published cases ---------------------------


def test_one_line_gets_the_smallest_complement():
    # total 35 = 3 + 12 + 20: 3 is primary; alone on its line it would be 35 - 12 - 20,
    # so the smallest other part (12) is suppressed with it; 20 and 35 stay.
    result = suppress_table(pd.Series({"a": 3, "b": 12, "c": 20, "all": 35}), total="all")
    assert result.reason.tolist() == ["primary", "secondary", None, None]


def test_hidden_parts_never_add_up_to_a_small_count():
    # female 16 shown, male 9 and other 0 hidden, the cell's 25 known: "not female" = 9
    # could be read off, so female is withheld too; 9 + 8 = 17 hidden is safe as it is
    cells = pd.Series({"female": 16, "male": 9, "other": 0, "all": 25})
    result = suppress_linked(cells, totals={"all": ["female", "male", "other"]},
                             known=["all"])
    assert result.reason.tolist() == ["secondary", "primary", "primary", None]
    cells = pd.Series({"a": 9, "b": 8, "c": 30, "all": 47})
    assert suppress_linked(cells, totals={"all": ["a", "b", "c"]}).reason.tolist() == [
        "primary", "primary", None, None]


def test_two_by_two_with_margins_hand_worked():
    # Cell 40-60/yes = 3 is primary. Its row (3, 20 | 23) takes 20, its column (3, 12 |
    # 15) takes 12; row 60-80 then holds 12 alone and takes 15. The four inner cells form
    # a cycle: each is known only up to +-k (3+k, 20-k, 12-k, 15+k), k from -3 to 12.
    counts = pd.DataFrame({"yes": [3, 12, 15], "no": [20, 15, 35], "total": [23, 27, 50]},
                          index=["40-60", "60-80", "total"])
    result = suppress_table(counts, total_row="total", total_column="total")
    assert result.reason.to_numpy().tolist() == [["primary", "secondary", None],
                                                 ["secondary", "secondary", None],
                                                 [None, None, None]]
    lines = _table_lines((3, 3), True)
    published = list(np.flatnonzero(~result.mask.to_numpy().ravel()))
    low, high = _integer_range(9, lines, counts.to_numpy().ravel(), published,
                               np.eye(9)[0])
    assert (low, high) == (0, 15)


def test_published_example_gauss_suppression_vignette_table_1():
    # GaussSuppression vignette, Table 1: maxN = 1 (zeros and ones) is threshold 2.
    table = pd.DataFrame({"Iceland": [2, 3, 5], "Portugal": [0, 4, 4], "Spain": [5, 6, 11],
                          "Total": [7, 13, 20]}, index=["young", "old", "Total"])
    result = suppress_table(table, total_row="Total", total_column="Total", threshold=2)
    suppressed = {(r, c) for r in table.index for c in table.columns
                  if result.mask.loc[r, c]}
    assert suppressed == {("young", "Iceland"), ("young", "Portugal"),
                          ("old", "Iceland"), ("old", "Portugal")}
    assert result.reason.loc["young", "Portugal"] == "primary"


def test_zeros_summing_to_zero_are_protected_by_a_nonzero_complement():
    # Threshold 1: a = b = 0 are primary; they share a line, so no line has a single
    # suppressed cell, yet a + b = 15 - 15 = 0 forces both to 0 (counts are >= 0). The
    # audit adds the smallest shown part (c = 15, parts before the total): now a + b + c
    # = 15 and a can be anything from 0 to 15. A linear check alone would miss this.
    counts = pd.Series({"a": 0, "b": 0, "c": 15, "total": 15})
    result = suppress_table(counts, total="total", threshold=1)
    assert result.reason.tolist() == ["primary", "primary", "secondary", None]
    lines = [(3, (0, 1, 2))]
    assert _integer_range(4, lines, counts.to_numpy(), [3], np.eye(4)[0]) == (0, 15)
    assert _integer_range(4, lines, counts.to_numpy(), [2, 3], np.eye(4)[0]) == (0, 0)


def test_audit_finds_a_bridge_that_every_line_rule_misses():
    # 4x4 inner table with margins. Suppressed: two 2x2 cycles (rows 0-1 x cols 0-1 and
    # rows 2-3 x cols 2-3) joined by the cell (1, 2). Every row and column holds at least
    # two suppressed cells, yet (1, 2) equals (sum of row totals 0-1 minus the shown
    # cells in rows 0-1) minus (sum of column totals 0-1 minus shown cells in cols 0-1).
    values = np.arange(1, 17, dtype=float).reshape(4, 4) + 20
    full = np.zeros((5, 5))
    full[:4, :4] = values
    full[:4, 4] = values.sum(axis=1)
    full[4, :] = full[:4, :].sum(axis=0)
    cells = Cells()
    for i, v in enumerate(full.ravel()):
        cells.add(v, group=i, part=0)
    cells.equations += _table_lines((5, 5), True)
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    suppressed = np.zeros(25, dtype=bool)
    for r, c in hidden:
        suppressed[r * 5 + c] = True
    assert audit(cells, list(range(25)), suppressed, {}) == (1 * 5 + 2,)
    suppressed[1 * 5 + 2] = False
    assert audit(cells, list(range(25)), suppressed, {}) is None
    published = [i for i in range(25) if not suppressed[i]] + []
    published_with_bridge = [i for i in range(25) if i not in {r * 5 + c for r, c in hidden}]
    assert _linearly_recoverable(25, cells.equations, published_with_bridge, 7)
    assert not _linearly_recoverable(25, cells.equations, published, 0)


def test_linked_hierarchy_equals_the_table_with_margins():
    # The trial's 2x2 published as cells, band totals, arm totals and grand total.
    cells = {("40-60", "yes"): 6, ("40-60", "no"): 19, ("60-80", "yes"): 14,
             ("60-80", "no"): 11}
    counts = pd.Series({**{f"{b}:{a}": v for (b, a), v in cells.items()},
                        "40-60": 25, "60-80": 25, "yes": 20, "no": 30, "all": 50})
    totals = [("40-60", ["40-60:yes", "40-60:no"]), ("60-80", ["60-80:yes", "60-80:no"]),
              ("yes", ["40-60:yes", "60-80:yes"]), ("no", ["40-60:no", "60-80:no"]),
              ("all", ["40-60", "60-80"]), ("all", ["yes", "no"])]
    linked = suppress_linked(counts, totals=totals)
    frame = pd.DataFrame({"yes": [6, 14, 20], "no": [19, 11, 30], "all": [25, 25, 50]},
                         index=["40-60", "60-80", "all"])
    table = suppress_table(frame, total_row="all", total_column="all")
    for (b, a) in cells:
        assert linked.reason[f"{b}:{a}"] == table.reason.loc[b, a]
    # 6 is primary; its row takes 19 (not the total 25), its column takes 14, then 11.
    assert linked.mask.tolist() == [True, True, True, True, False, False, False, False,
                                    False]


def test_nested_totals_three_levels():
    # region R = area A + area B; A = a1 + a2; B = b1 + b2; a1 = 4 is primary. Line A
    # takes a2 (16); then R's line holds A and B shown, so nothing more is needed.
    counts = pd.Series({"a1": 4, "a2": 16, "b1": 30, "b2": 12, "A": 20, "B": 42, "R": 62})
    result = suppress_linked(counts, totals={"A": ["a1", "a2"], "B": ["b1", "b2"],
                                             "R": ["A", "B"]})
    assert result.reason.tolist() == ["primary", "secondary", None, None, None, None, None]
    # When the area total itself is small (a1, a2, A primary), line R takes B (42 < 51);
    # B alone on its own line would be b1 + b2, so the smaller part b2 (12) goes too.
    # B and b2 then move together (B = 30 + b2, A = 51 - B): neither is pinned.
    counts = pd.Series({"a1": 4, "a2": 5, "b1": 30, "b2": 12, "A": 9, "B": 42, "R": 51})
    result = suppress_linked(counts, totals={"A": ["a1", "a2"], "B": ["b1", "b2"],
                                             "R": ["A", "B"]})
    assert result.reason.tolist() == ["primary", "primary", None, "secondary", "primary",
                                      "secondary", None]


def test_invalid_tables_are_refused():
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        suppress_table(pd.Series([3, -1]))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        suppress_table(pd.Series([2.5]))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        suppress_table(pd.Series([np.nan]))
    with pytest.raises(ValueError, match="not the sum of its parts"):
        suppress_table(pd.Series({"a": 12, "b": 13, "t": 24}), total="t")
    with pytest.raises(ValueError, match="unknown, repeated or no labels"):
        suppress_linked(pd.Series({"a": 12}), totals={"a": ["zz"]})
    with pytest.raises(ValueError, match="unknown, repeated or no labels"):
        suppress_linked(pd.Series({"a": 12, "b": 12}), totals={"a": ["a"]})
    with pytest.raises(ValueError, match="labels of counts must be unique"):
        suppress_linked(pd.Series([1, 2], index=["a", "a"]))
    with pytest.raises(ValueError, match="total_row="):
        suppress_table(pd.DataFrame({"a": [1]}), total_row="nope")
    with pytest.raises(ValueError, match="for a Series"):
        suppress_table(pd.DataFrame({"a": [1]}), total="a")


# --- the recoverability property ------------------------------------------------------


def _random_counts(rng, size):
    counts = rng.geometric(0.12, size=size) - 1
    counts[rng.random(size) < 0.15] = 0
    return counts


def _check_safe(values, lines, mask, threshold):
    n_cells = len(values)
    assert (mask >= (values < threshold)).all()  # every small count suppressed
    published = list(np.flatnonzero(~mask))
    for total, members in lines:  # the hidden parts of a shown total: never a small sum
        hidden = [m for m in members if mask[m]]
        if not mask[total] and hidden:
            assert values[hidden].sum() >= threshold, (values.tolist(), mask.tolist(), total)
    for cell in np.flatnonzero(mask):
        assert not _linearly_recoverable(n_cells, lines, published, cell)
        assert _movable(n_cells, lines, values, published, np.eye(n_cells)[cell]), (
            values.tolist(), mask.tolist(), cell)


def test_no_suppressed_count_can_be_recovered_random_tables():
    rng = np.random.default_rng(20140701)
    checked = 0
    for _ in range(40):  # r x c tables with both margins
        r, c = rng.integers(2, 5, size=2)
        inner = _random_counts(rng, (r, c))
        full = np.zeros((r + 1, c + 1), dtype=int)
        full[:r, :c] = inner
        full[:r, c] = inner.sum(axis=1)
        full[r, :] = full[:r, :].sum(axis=0)
        threshold = int(rng.choice([1, 3, 5, 10]))
        frame = pd.DataFrame(full, index=[*range(r), "t"], columns=[*range(c), "t"])
        mask = suppress_table(frame, total_row="t", total_column="t",
                              threshold=threshold).mask.to_numpy().ravel()
        _check_safe(full.ravel(), _table_lines(full.shape, True), mask, threshold)
        checked += int(mask.sum())
    for _ in range(20):  # three-level hierarchies: leaves -> groups -> grand total
        groups = [int(k) for k in rng.integers(1, 4, size=rng.integers(2, 4))]
        leaves = _random_counts(rng, sum(groups))
        values, lines, labels, start, tops = list(leaves), [], [], 0, []
        for k in groups:
            values.append(int(leaves[start:start + k].sum()))
            lines.append((len(values) - 1, tuple(range(start, start + k))))
            tops.append(len(values) - 1)
            start += k
        values.append(sum(values[t] for t in tops))
        lines.append((len(values) - 1, tuple(tops)))
        labels = [f"c{i}" for i in range(len(values))]
        threshold = int(rng.choice([1, 5, 10]))
        result = suppress_linked(pd.Series(values, index=labels), totals=[
            (labels[t], [labels[p] for p in ps]) for t, ps in lines], threshold=threshold)
        _check_safe(np.array(values), lines, result.mask.to_numpy(), threshold)
        checked += int(result.mask.sum())
    assert checked > 200  # the property was exercised on many suppressed counts


def test_pruning_shows_again_a_complement_made_needless_later():
    """The greedy search hid 12 in row 1 early; once 22 there and the cells below were
    hidden, 12 protects nothing. Pruning shows it again; the table stays safe."""
    full = np.array([[5, 3, 1, 9], [12, 8, 22, 42], [5, 10, 5, 20], [22, 21, 28, 71]])
    frame = pd.DataFrame(full, index=[0, 1, 2, "t"], columns=[0, 1, 2, "t"])
    greedy = suppress_table(frame, total_row="t", total_column="t").mask.to_numpy()
    labels = [(r, c) for r in frame.index for c in frame.columns]
    flat = pd.Series(full.ravel(), index=pd.Index(labels, tupleize_cols=False, dtype=object))
    lines = [((r, "t"), [(r, c) for c in range(3)]) for r in frame.index]
    lines += [(("t", c), [(r, c) for r in range(3)]) for c in frame.columns]
    pruned = suppress_linked(flat, totals=lines, prune=True).mask.to_numpy().reshape(4, 4)
    assert greedy[1, 0] and not pruned[1, 0]
    assert (pruned <= greedy).all() and pruned.sum() == greedy.sum() - 1
    _check_safe(full.ravel(), _table_lines(full.shape, True), pruned.ravel(), 10)


def test_pruned_tables_are_safe_and_hide_no_more_random_tables():
    rng = np.random.default_rng(20160701)
    for _ in range(25):
        r, c = rng.integers(2, 4, size=2)
        inner = _random_counts(rng, (r, c))
        full = np.zeros((r + 1, c + 1), dtype=int)
        full[:r, :c] = inner
        full[:r, c] = inner.sum(axis=1)
        full[r, :] = full[:r, :].sum(axis=0)
        labels = [f"c{i}" for i in range(full.size)]
        lines = _table_lines(full.shape, True)
        totals = [(labels[t], [labels[m] for m in ms]) for t, ms in lines]
        counts = pd.Series(full.ravel(), index=labels)
        greedy = suppress_linked(counts, totals=totals).mask.to_numpy()
        pruned = suppress_linked(counts, totals=totals, prune=True).mask.to_numpy()
        assert (pruned <= greedy).all()
        _check_safe(full.ravel(), lines, pruned, 10)


# --- counts this table does not print: implied rests, counts withheld elsewhere --------


def test_an_implied_rest_below_the_threshold_is_protected():
    """97 of 100 leaves 3 outside: not printed, but anyone can work them out, so the 97
    is withheld; so is 40 of 40 (a rest of 0). A rest at the threshold is safe, and a
    small count with a large rest needs no complement (the rest is not printed)."""
    def reasons(everyone: int, part: int) -> dict:
        cells = pd.Series({"all": everyone, "a": part, "not a": everyone - part})
        return suppress_linked(cells, totals={"all": ["a", "not a"]}, known=["all"],
                               implied=["not a"]).reason.to_dict()

    assert reasons(100, 97) == {"all": None, "a": "secondary"}
    assert reasons(40, 40) == {"all": None, "a": "secondary"}
    assert reasons(100, 90) == {"all": None, "a": None}
    assert reasons(100, 4) == {"all": None, "a": "primary"}


def test_a_count_withheld_elsewhere_is_withheld_here_too():
    """x is the same people as a count another table withholds: x is withheld, and y
    with it (x = all - y)."""
    cells = pd.Series({"x": 30, "x there": 30, "y": 12, "all": 42})
    result = suppress_linked(cells, totals=[("x", ["x there"]), ("all", ["x", "y"])],
                             withheld=["x there"])
    assert result.reason.to_dict() == {"x": "secondary", "y": "secondary", "all": None}


def test_a_count_the_known_ones_give_is_known_and_never_a_complement():
    """b = all - a with both known: hiding b (the smallest complement of c) would protect
    nothing and left no complement once d was hidden too (a refusal); d is chosen."""
    cells = pd.Series({"all": 50, "a": 20, "b": 30, "c": 4, "d": 34})
    result = suppress_linked(cells, totals=[("all", ["a", "b"]), ("d", ["b", "c"])],
                             known=["all", "a"])
    assert result.reason.to_dict() == {"all": None, "a": None, "b": None, "c": "primary",
                                       "d": "secondary"}


def test_unprinted_counts_are_checked():
    cells = pd.Series({"all": 100, "a": 97, "not a": 3})
    with pytest.raises(ValueError, match="implied label"):
        suppress_linked(cells, totals={"all": ["a", "not a"]}, implied=["b"])
    with pytest.raises(ValueError, match="more than one of known, implied and withheld"):
        suppress_linked(cells, totals={"all": ["a", "not a"]}, known=["not a"],
                        implied=["not a"])


def test_same_input_gives_the_same_suppression():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(_random_counts(rng, (4, 4)))
    frame["t"] = frame.sum(axis=1)
    frame.loc["t"] = frame.sum(axis=0)
    first = suppress_table(frame, total_row="t", total_column="t")
    second = suppress_table(frame.copy(), total_row="t", total_column="t")
    assert first.reason.equals(second.reason)


# --- rates, percentages, means --------------------------------------------------------


def test_statistics_over_few_people_or_with_a_suppressed_count_are_suppressed():
    values = pd.Series([0.4, 0.25, 0.12, 3.5, 0.5])
    result = suppress_statistics(values, people=pd.Series([25, 8, 25, np.nan, 30]),
                                 numerator_suppressed=pd.Series([False, False, True, False,
                                                                 False]),
                                 people_suppressed=[False, False, False, False, True])
    assert result.reason.tolist() == [None, "primary", "secondary", "primary", "secondary"]
    assert result.shown().tolist() == [0.4] + [SUPPRESSED] * 4
    assert suppress_statistics(pd.Series([0.1]), people=pd.Series([0])).mask.tolist() == [
        True]
    assert suppress_statistics(pd.Series([0.1]), people=pd.Series([1]),
                               threshold=1).mask.tolist() == [False]
    with pytest.raises(ValueError, match="one number of people per statistic"):
        suppress_statistics(pd.Series([0.1, 0.2]), people=pd.Series([30]))


# --- the tidy results frame -----------------------------------------------------------


def _trial_rows(x, n, *, estimator="proportion", question="target", arms=False,
                bands=("a", "b")):
    """Rows overall, per band (and arm) and per cell of bands x arms (yes, no)."""
    cells = {(b, a): i for i, (b, a) in enumerate((b, a) for b in bands for a in ("yes", "no"))}
    rows = []

    def add(term, members):
        xs, ns = sum(x[i] for i in members), sum(n[i] for i in members)
        rows.append({"question": question, "term": term, "estimator": estimator,
                     "estimate": xs / ns if ns else np.nan, "std_error": 0.01,
                     "statistic": float(xs), "p_value": 0.5, "conf_low": 0.0,
                     "conf_high": 1.0, "n": ns})
    add("overall", range(len(cells)))
    for band in bands:
        add(f"band={band}", [i for (b, _), i in cells.items() if b == band])
    if arms:
        for arm in ("yes", "no"):
            add(f"instruments={arm}", [i for (_, a), i in cells.items() if a == arm])
    for (band, arm), i in cells.items():
        add(f"band={band}:instruments={arm}", [i])
    return pd.DataFrame(rows)


def test_results_of_the_trial_shape_hand_worked():
    # Cells 1/25, 3/25, 0/25, 7/25; bands 4/50 and 7/50; overall 11/100. Every cell and
    # band has fewer than 10 events: primary. Overall (11 of 100, 89 without) is shown;
    # the two bands stay hidden together so neither is 11 minus the other.
    frame = _trial_rows([1, 3, 0, 7], [25, 25, 25, 25])
    out = suppress_results(frame, proportion_estimators=["proportion"])
    assert out["suppressed"].tolist() == [False] + [True] * 6
    assert out["suppression"].tolist() == [None] + ["primary"] * 6
    hidden = out[out["suppressed"]]
    for column in ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"):
        assert hidden[column].isna().all()
        assert not (hidden[column] == 0).any()
    assert hidden["n"].isna().all() and str(out["n"].dtype) == "Int64"
    assert out.loc[0, "estimate"] == 0.11 and out.loc[0, "n"] == 100
    assert out.loc[0, "statistic"] == 11.0


def test_results_complement_count_and_people_rules():
    frame = pd.DataFrame({"term": ["t1", "t2", "t3", "t4"], "estimator": "p",
                          "estimate": [23 / 25, 12 / 25, 0.5, np.nan], "n": [25, 25, 8, 0]})
    out = suppress_results(frame, proportion_estimators=["p"])
    # 23 of 25: only 2 without the event (n - x < 10); 8 people; nobody at all.
    assert out["suppression"].tolist() == ["primary", None, "primary", "primary"]
    means = pd.DataFrame({"term": ["x", "y"], "estimator": "mean", "estimate": [3.2, 3.5],
                          "n": [4, 40]})
    out = suppress_results(means)  # any estimator: no statistic over fewer than 10 people
    assert out["suppressed"].tolist() == [True, False]


def test_results_secondary_suppression_along_the_hierarchy():
    # Bands a 3/25 (primary) and b 20/35 with overall 23/60: b = overall - a, so b is
    # suppressed too (secondary); overall stays.
    frame = pd.DataFrame({"term": ["overall", "band=a", "band=b"], "estimator": "p",
                          "estimate": [23 / 60, 3 / 25, 20 / 35], "n": [60, 25, 35]})
    out = suppress_results(frame, proportion_estimators=["p"])
    assert out["suppression"].tolist() == [None, "primary", "secondary"]


def test_results_implied_remainder_is_protected():
    # Overall 30/60, bands a 15/25 and b 12/30: 5 people (3 events) belong to no band
    # shown. That remainder is a small count anyone could compute, so the smallest band
    # count (b, 12) is suppressed to hide it.
    frame = pd.DataFrame({"term": ["overall", "band=a", "band=b"], "estimator": "p",
                          "estimate": [0.5, 15 / 25, 12 / 30], "n": [60, 25, 30]})
    out = suppress_results(frame, proportion_estimators=["p"])
    assert out["suppression"].tolist() == [None, None, "secondary"]


def test_results_means_and_people_along_the_hierarchy():
    # Overall mean -120.5 over 30, band a over 5 (primary), band b -204.6 over 25: a's
    # total is 30 x -120.5 - 25 x -204.6 and its people 30 - 25, so b goes too.
    frame = pd.DataFrame({"term": ["overall", "band=a", "band=b"], "estimator": "mean",
                          "estimate": [-120.5, 300.0, -204.6], "n": [30, 5, 25]})
    out = suppress_results(frame, mean_estimators=["mean"])
    assert out["suppression"].tolist() == [None, "primary", "secondary"]
    # Means that are not over the same people still give a's 5 people as 60 - 25 - 30.
    frame = pd.DataFrame({"term": ["overall", "band=a", "band=b", "band=c"],
                          "estimator": "median", "estimate": [1.0, 2.0, 3.0, 4.0],
                          "n": [60, 5, 25, 30]})
    out = suppress_results(frame, mean_estimators=["median"])
    assert out["suppression"].tolist() == [None, "primary", "secondary", None]
    # A total over the people (a cost in euros) adds up as it is: 1000 = 200 + 800.
    frame = pd.DataFrame({"term": ["overall", "arm:no", "arm:yes"], "estimator": "total",
                          "estimate": [1000.0, 200.0, 800.0], "n": [30, 5, 25]})
    out = suppress_results(frame, sum_estimators=["total"])
    assert out["suppression"].tolist() == [None, "primary", "secondary"]


def test_results_link_terms_written_key_colon_value():
    # The costs question writes arm:no / arm:yes: 1 of 50 is 11 - 10 unless 10 goes too.
    frame = pd.DataFrame({"term": ["arm:no", "arm:yes", "overall"], "estimator": "share",
                          "estimate": [1 / 50, 10 / 50, 11 / 100], "n": [50, 50, 100]})
    out = suppress_results(frame, proportion_estimators=["share"])
    assert out["suppression"].tolist() == ["primary", "secondary", None]


def test_results_terms_are_suppressed_across_questions_and_estimators():
    frame = pd.concat([_trial_rows([12, 14, 3, 20], [25, 25, 25, 30]),
                       _trial_rows([12, 14, 15, 20], [25, 25, 25, 30], question="missing",
                                   estimator="share")], ignore_index=True)
    out = suppress_results(frame, proportion_estimators=["proportion", "share"])
    term = "band=b:instruments=yes"
    rows = out[out["term"] == term]
    assert rows["suppression"].tolist() == ["primary", "secondary"]
    # the pattern is identical in both questions
    first, second = out[out["question"] == "target"], out[out["question"] == "missing"]
    assert first["suppressed"].tolist() == second["suppressed"].tolist()


def test_results_dependent_and_contrast_rows():
    frame = _trial_rows([12, 14, 3, 20], [25, 25, 25, 30])
    extra = pd.DataFrame({
        "question": "target", "estimator": ["km", "km", "rd", "rd", "rd", "fisher"],
        "term": ["band=b:instruments=yes", "band=a:instruments=yes", "band=b", "band=a",
                 "overall", "pooled"],
        "estimate": 0.1, "n": 50})
    out = suppress_results(pd.concat([frame, extra], ignore_index=True),
                           proportion_estimators=["proportion"], dependent_estimators=["km"],
                           contrast_estimators=["rd", "fisher"])
    hidden = dict(zip(out["estimator"] + "@" + out["term"], out["suppressed"], strict=True))
    assert hidden["km@band=b:instruments=yes"] and not hidden["km@band=a:instruments=yes"]
    # rd over band b compares hidden cells; over overall too (cells lie below it);
    # over band a: its cells are hidden as complements (secondary) as well
    assert hidden["rd@band=b"] and hidden["rd@overall"] and hidden["fisher@pooled"]
    assert out.loc[out["estimator"] == "km", "suppression"].tolist() == ["secondary", None]


def test_results_keep_the_rows_they_do_not_touch_and_write_null_in_json():
    frame = _trial_rows([12, 14, 3, 20], [25, 25, 25, 30])
    frame.loc[len(frame)] = {"question": "other", "term": "x", "estimator": "ols",
                             "estimate": 1.5, "std_error": 0.2, "statistic": 7.5,
                             "p_value": 0.01, "conf_low": 1.1, "conf_high": 1.9, "n": 120}
    out = suppress_results(frame, proportion_estimators=["proportion"])
    assert out.iloc[-1]["estimate"] == 1.5 and not out.iloc[-1]["suppressed"]
    records = json.loads(out.to_json(orient="records"))
    hidden = [r for r in records if r["suppressed"]]
    assert hidden and all(r["estimate"] is None and r["n"] is None for r in hidden)
    text = mark_suppressed(out)
    assert (text.loc[out["suppressed"], "estimate"] == SUPPRESSED).all()
    assert (text.loc[out["suppressed"], "n"] == SUPPRESSED).all()
    assert text.iloc[-1]["estimate"] == 1.5
    again = suppress_results(frame.copy(), proportion_estimators=["proportion"])
    assert again.equals(out)


def test_results_refuse_what_they_cannot_check():
    frame = pd.DataFrame({"term": ["a"], "estimator": "p", "estimate": [0.333], "n": [25]})
    with pytest.raises(ValueError, match="not a count between 0 and n"):
        suppress_results(frame, proportion_estimators=["p"])
    with pytest.raises(ValueError, match="lacks columns"):
        suppress_results(frame.drop(columns="n"))
    with pytest.raises(ValueError, match="in both proportion_estimators and"):
        suppress_results(frame, proportion_estimators=["p"], dependent_estimators=["p"])
    twice = pd.concat([frame, frame], ignore_index=True).assign(estimate=0.4)
    with pytest.raises(ValueError, match="more than once"):
        suppress_results(twice, proportion_estimators=["p"])
    with pytest.raises(ValueError, match="no 'suppressed' column"):
        mark_suppressed(frame)


def test_results_nothing_recoverable_random_trials():
    rng = np.random.default_rng(2015)
    for _ in range(15):
        bands = ("a", "b", "c")[:int(rng.integers(2, 4))]
        n = [int(v) for v in rng.integers(0, 31, size=2 * len(bands))]
        x = [int(rng.binomial(k, rng.uniform(0.05, 0.95))) for k in n]
        frame = _trial_rows(x, n, arms=bool(rng.integers(2)), bands=bands)
        threshold = int(rng.choice([3, 10]))
        out = suppress_results(frame, proportion_estimators=["proportion"],
                               threshold=threshold)
        terms = frame["term"].tolist()
        xs = (frame["estimate"].fillna(0) * frame["n"]).round().to_numpy()
        ns = frame["n"].to_numpy()
        small = (xs < threshold) | (ns - xs < threshold)
        assert (out["suppressed"].to_numpy() >= small).all()
        k = len(terms)
        pos = {t: i for i, t in enumerate(terms)}
        arms = ("yes", "no")
        lines = [(pos[f"band={b}"], tuple(pos[f"band={b}:instruments={a}"] for a in arms))
                 for b in bands]
        lines.append((pos["overall"], tuple(pos[f"band={b}"] for b in bands)))
        if "instruments=yes" in pos:
            lines += [(pos[f"instruments={a}"],
                       tuple(pos[f"band={b}:instruments={a}"] for b in bands)) for a in arms]
            lines.append((pos["overall"], (pos["instruments=yes"], pos["instruments=no"])))
        # unknowns: x_0..x_{k-1}, n_0..n_{k-1}; the same sums hold for x and for n
        both = lines + [(t + k, tuple(p + k for p in ps)) for t, ps in lines]
        shown = np.flatnonzero(~out["suppressed"].to_numpy())
        published = [*shown, *(shown + k)]
        values = np.concatenate([xs, ns])
        pairs = [(i, i + k) for i in range(k)]
        for row in np.flatnonzero(out["suppressed"].to_numpy()):
            for target in (np.eye(2 * k)[row], np.eye(2 * k)[row + k],
                           np.eye(2 * k)[row + k] - np.eye(2 * k)[row]):
                assert _movable(2 * k, both, values, published, target, pairs), (
                    x, n, terms[row])


# --- the guard ------------------------------------------------------------------------


def test_guard_accepts_aggregate_tables():
    check_publishable(pd.DataFrame({"band": ["40-60", "60-80"], "n": [50, 50],
                                    "regular_work": [4, 7]}))
    check_publishable(_trial_rows([12, 14, 3, 20], [25, 25, 25, 30]))
    check_publishable(pd.DataFrame({"age": ["27-34", "35-54"], "n": [40, 60]}),
                      allow=["age"])


@pytest.mark.parametrize("column", ["participant_id", "employer_id", "BSN", "Naam",
                                    "client id", "first_name", "postcode", "email"])
def test_guard_refuses_identifier_columns(column):
    with pytest.raises(DisclosureError, match="looks like an identifier"):
        check_publishable(pd.DataFrame({column: ["x"], "n": [12]}), name="t")


def test_guard_refuses_row_level_data_without_echoing_values():
    with pytest.raises(DisclosureError, match="'enrolled_on' holds row-level data"):
        check_publishable(pd.DataFrame({"enrolled_on": ["2014-09-15"], "band": ["40-60"]}))
    indexed = pd.DataFrame({"n": [1]}, index=pd.Index(["P0001"], name="participant_id"))
    with pytest.raises(DisclosureError, match="'participant_id' looks like an identifier"):
        check_publishable(indexed)
    with pytest.raises(DisclosureError, match="contains a known identifier") as error:
        check_publishable(pd.DataFrame({"label": ["P0042"], "n": [30]}),
                          identifiers=["P0042", "E001"])
    assert "P0042" not in str(error.value)
    with pytest.raises(DisclosureError, match="row labels contain an identifier"):
        check_publishable(pd.DataFrame({"n": [30]}, index=["E001"]), identifiers=["E001"])
    with pytest.raises(DisclosureError, match="column 2 is named after an identifier") as error:
        check_publishable(pd.DataFrame({"band": ["a"], "P0042": [30]}), identifiers=["P0042"])
    assert "P0042" not in str(error.value)
    crossed = pd.DataFrame({"n": [30]}, index=pd.MultiIndex.from_tuples([("a", "111222333")]))
    with pytest.raises(DisclosureError, match="row labels") as error:
        check_publishable(crossed)
    assert "111222333" not in str(error.value)
    with pytest.raises(DisclosureError, match="passes the BSN 11-test") as error:
        check_publishable(pd.DataFrame({"note": ["111222333"], "n": [30]}))
    assert "111222333" not in str(error.value)


def test_guard_refuses_the_trial_participants_and_outcomes():
    from pathlib import Path

    from iedereen_doet_mee.data import load_trial

    trial = load_trial(Path(__file__).resolve().parents[2] / "data" / "synthetic")
    people = trial.participants
    with pytest.raises(DisclosureError) as error:
        check_publishable(people.drop(columns="participant_id"), name="participants")
    assert "row-level" in str(error.value)
    message = str(error.value)
    assert not any(str(v) in message for v in people["participant_id"])


def test_a_row_over_nobody_does_not_hide_its_term_in_other_questions():
    """A question without data (n = 0 for 'overall', e.g. no ladder measurements) is
    hidden itself but must not hide the overall outflow of 293 of 899 elsewhere."""
    rows = pd.DataFrame({
        "question": ["target", "target", "target", "ladder"],
        "term": ["overall", "band=a", "band=b", "overall"],
        "estimator": ["proportion", "proportion", "proportion", "proportion"],
        "estimate": [293 / 899, 100 / 322, 193 / 577, float("nan")],
        "n": [899, 322, 577, 0]})
    out = suppress_results(rows, proportion_estimators=["proportion"])
    assert out["suppressed"].tolist() == [False, False, False, True]
    assert out["suppression"].tolist() == [None, None, None, "primary"]


def test_an_unbounded_hidden_count_is_not_pinned_without_the_linprog_fallback(monkeypatch):
    # a total and its two parts all hidden: nothing bounds them from above. The audit
    # boxes the problem instead of asking linprog whether it is unbounded (scipy 1.11's
    # HiGHS aborted the process on such a problem in the lower-bound CI run)
    from iedereen_doet_mee.reporting.disclosure import engine

    def refuse(*args, **kwargs):
        raise AssertionError("linprog called")

    monkeypatch.setattr(engine, "linprog", refuse)
    cells = Cells()
    for value in (4, 6, 10):
        cells.add(value, group=len(cells.values), part=0)
    cells.equations.append((2, (0, 1)))
    hidden = np.ones(3, dtype=bool)
    assert audit(cells, [0, 1, 2], hidden, {}) is None
    # a part pinned by a shown total and a shown part is still found
    shown_total = np.array([True, False, False])
    assert audit(cells, [0, 1, 2], shown_total, {}) is not None


def test_a_dependent_row_of_an_uncounted_group_is_hidden_with_the_cells_below_it():
    """The public default report's leak: the counts are by cell and band, the cumulative
    incidence by arm. Both cells of the arm without instruments were hidden (1 and 0
    events of 25), yet its cumulative incidence, 0.021 of 50, gave the one event away."""
    rows = pd.DataFrame({
        "question": ["target"] * 5 + ["survival"] * 2,
        "term": ["overall", "band=a:instruments=no", "band=a:instruments=yes",
                 "band=b:instruments=no", "band=b:instruments=yes", "instruments=no",
                 "instruments=yes"],
        "estimator": ["share"] * 5 + ["incidence"] * 2,
        "estimate": [21 / 100, 1 / 25, 10 / 25, 0, 10 / 25, 0.021, 0.4],
        "n": [100, 25, 25, 25, 25, 50, 50]})
    out = suppress_results(rows, proportion_estimators=["share"],
                           dependent_estimators=["incidence"])
    assert out.loc[out["term"] == "instruments=no", "suppressed"].item()
    # the arm with instruments has hidden cells below it too (the engine hid them with
    # their neighbours), so it is hidden as well; a cell shown below an arm is no reason
    hidden_cells = set(out.loc[out["suppressed"] & (out["question"] == "target"), "term"])
    assert out.loc[out["term"] == "instruments=yes", "suppressed"].item() == any(
        "instruments=yes" in t for t in hidden_cells)
    # with nothing hidden below it the arm's row stays
    big = rows.assign(estimate=[40 / 100, 10 / 25, 10 / 25, 10 / 25, 10 / 25, 0.4, 0.4])
    shown = suppress_results(big, proportion_estimators=["share"],
                             dependent_estimators=["incidence"])
    assert not shown["suppressed"].any()
