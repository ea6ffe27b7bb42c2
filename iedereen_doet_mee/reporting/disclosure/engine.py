"""The protection engine of disclosure control: cells, secondary suppression, the audit.

Internal to this package: :mod:`.tables` and :mod:`.results` describe what a
reader of a published table knows as :class:`Cells` (shown and hidden numbers and the
sums between them) and call :func:`protect`, which adds complements to the primary
suppressions greedily until :func:`audit` finds no hidden number that can be pinned down
exactly, by linear algebra (the sums alone) or by integer programming (whole counts >= 0,
a count never above its people). The public functions are in
:mod:`iedereen_doet_mee.reporting.disclosure`; the method is in ``docs/disclosure.md``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


@dataclasses.dataclass
class Cells:
    """What a reader knows: cells, the sums between them, and which cells go together.

    A cell with ``group >= 0`` is shown unless its group is suppressed (all cells of a
    group are shown or suppressed together); ``group == -1`` is a latent cell, never
    shown (an implied remainder), which must not become derivable when ``guard``.
    A ``fixed`` cell is known to the reader from elsewhere (another table): always shown,
    never chosen as a complement. ``pairs`` are (count, people) pairs with
    0 <= count <= people. ``bounds`` (cell -> (low, high)) are what a reader knows of a
    hidden whole count besides >= 0, e.g. ``(0, 9)`` when it reads "<10".
    ``threshold``: when set, a line whose total is shown and whose hidden parts (two or
    more) add up to less than it gets a complement too, since their sum (a count of the
    people in those parts together, e.g. "not female") can be read off the line.
    """

    values: list[float] = dataclasses.field(default_factory=list)
    integer: list[bool] = dataclasses.field(default_factory=list)
    group: list[int] = dataclasses.field(default_factory=list)
    guard: list[bool] = dataclasses.field(default_factory=list)
    rank: list[int] = dataclasses.field(default_factory=list)
    part: list[int] = dataclasses.field(default_factory=list)
    equations: list[tuple[int, tuple[int, ...]]] = dataclasses.field(default_factory=list)
    pairs: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    fixed: list[bool] = dataclasses.field(default_factory=list)
    bounds: dict[int, tuple[float, float]] = dataclasses.field(default_factory=dict)
    threshold: float | None = None

    def add(self, value: float, *, group: int, part: int, integer: bool = True,
            guard: bool = False, rank: int = 0, fixed: bool = False) -> int:
        self.values.append(float(value))
        self.fixed.append(fixed)
        self.integer.append(integer)
        self.group.append(group)
        self.guard.append(guard)
        self.rank.append(rank)
        self.part.append(part)
        return len(self.values) - 1


def protect(cells: Cells, primary: np.ndarray, *, prune: bool = False) -> np.ndarray:
    """Suppressed groups: ``primary`` plus complements until nothing is derivable.

    First every line (a total and its parts) with exactly one hidden sensitive member
    gets the shown member with the smallest value as complement (ties: parts before
    totals, then position), and so does a line whose shown total leaves its hidden parts
    a sum below ``cells.threshold`` (:func:`_small_remainder`); then the audit looks for
    a number a reader can still pin down, and the smallest shown cell on a line through
    it is suppressed; repeat. ``prune``: then each complement, the largest first, is
    shown again when the table stays safe without it (a complement chosen early can be
    made needless by later ones: the greedy choice never looks back).
    """
    suppressed = _protect(cells, primary)
    return _prune(cells, primary, suppressed) if prune else suppressed


def _prune(cells: Cells, primary: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """``suppressed`` less every complement the table is safe without (largest first)."""
    group = np.asarray(cells.group, dtype=np.int64)
    n_cells = len(cells.values)
    parts = {p: [c for c in range(n_cells) if cells.part[c] == p] for p in set(cells.part)}
    value = {}
    for c in range(n_cells):
        if group[c] >= 0:
            value[group[c]] = max(value.get(group[c], -np.inf), cells.values[c])
    candidates = [g for g in np.flatnonzero(suppressed & ~np.asarray(primary, dtype=bool))
                  if g in value]
    cache: dict[tuple, tuple[int, ...] | None] = {}
    suppressed = suppressed.copy()
    for g in sorted(candidates, key=lambda g: (-value[g], -g)):
        suppressed[g] = False
        if not _safe(cells, suppressed, parts, cache):
            suppressed[g] = True
    return suppressed


def _safe(cells: Cells, suppressed: np.ndarray, parts: dict[int, list[int]],
          cache: dict[tuple, tuple[int, ...] | None]) -> bool:
    """Whether no line rule of :func:`_protect` fires and the audit pins nothing."""
    group = np.asarray(cells.group, dtype=np.int64)

    def shown(c: int) -> bool:
        return bool(group[c] >= 0 and not suppressed[group[c]])

    for total, members in cells.equations:
        hidden = [c for c in (total, *members) if not shown(c)]
        if len(hidden) == 1 and (group[hidden[0]] >= 0 or cells.guard[hidden[0]]):
            return False
        if _small_remainder(cells, total, hidden):
            return False
    return all(audit(cells, parts[p], suppressed, cache) is None for p in sorted(parts))


def _protect(cells: Cells, primary: np.ndarray) -> np.ndarray:
    """:func:`protect` without pruning."""
    suppressed = np.asarray(primary, dtype=bool).copy()
    group = np.asarray(cells.group, dtype=np.int64)
    n_cells = len(cells.values)
    order = {c: (cells.values[c], cells.rank[c], c) for c in range(n_cells)}
    parts = {p: [c for c in range(n_cells) if cells.part[c] == p] for p in set(cells.part)}
    cache: dict[tuple, tuple[int, ...] | None] = {}

    fixed = list(cells.fixed) + [False] * (n_cells - len(cells.fixed))

    def shown(c: int) -> bool:
        return bool(group[c] >= 0 and not suppressed[group[c]])

    def free(c: int) -> bool:  # shown and not known from elsewhere: a possible complement
        return shown(c) and not fixed[c]

    while True:
        changed = True
        while changed:
            changed = False
            for total, members in cells.equations:
                line = (total, *members)
                hidden = [c for c in line if not shown(c)]
                single = len(hidden) == 1 and (group[hidden[0]] >= 0
                                               or cells.guard[hidden[0]])
                if single or _small_remainder(cells, total, hidden):
                    candidates = [c for c in line if free(c)]
                    if candidates:
                        suppressed[group[min(candidates, key=order.__getitem__)]] = True
                        changed = True
        pinned = None
        for p in sorted(parts):
            pinned = audit(cells, parts[p], suppressed, cache)
            if pinned is not None:
                break
        if pinned is None:
            return suppressed
        near = {m for total, members in cells.equations for m in (total, *members)
                if set(pinned) & {total, *members} and free(m)}
        near = near or {c for c in parts[cells.part[pinned[0]]] if free(c)}
        if not near:  # only the fixed cells are left, and they pin it down
            raise ValueError("disclosure: a suppressed number can be worked out from the "
                             "numbers known from elsewhere alone; no suppression protects it")
        suppressed[group[min(near, key=order.__getitem__)]] = True


def _small_remainder(cells: Cells, total: int, hidden: list[int]) -> bool:
    """Whether a line's hidden parts (two or more, whole counts, the total shown) add up
    to a positive count below ``cells.threshold``: a reader subtracts the shown parts
    from the total and learns that fewer than the threshold are in them together. (A sum
    of zero pins each part at zero, which :func:`audit` finds.)"""
    if cells.threshold is None or len(hidden) < 2 or total in hidden:
        return False
    if not all(cells.integer[c] for c in hidden):
        return False
    remainder = sum(cells.values[c] for c in hidden)
    return 0 < remainder < cells.threshold


def audit(cells: Cells, index: list[int], suppressed: np.ndarray,
           cache: dict[tuple, tuple[int, ...] | None]) -> tuple[int, ...] | None:
    """Cells of the first hidden number a reader can pin down exactly, or None.

    The reader knows the shown values, every sum, that counts are whole numbers >= 0 and
    that a count never exceeds its people. Each hidden number (and people - count) is
    minimised and maximised by integer programming (HiGHS); pinned when max == min.
    """
    position = {c: i for i, c in enumerate(index)}
    group = np.asarray(cells.group, dtype=np.int64)[index]
    shown = np.array([g >= 0 and not suppressed[g] for g in group], dtype=bool)
    values = np.asarray(cells.values, dtype=float)[index]
    equations = [(position[t], tuple(position[m] for m in ms)) for t, ms in cells.equations
                 if t in position]
    pairs = [(position[x], position[n]) for x, n in cells.pairs if x in position]
    integer = tuple(cells.integer[c] for c in index)
    guard = tuple(cells.guard[c] or group[i] >= 0 for i, c in enumerate(index))
    known = tuple((i, *cells.bounds[c]) for i, c in enumerate(index)
                  if c in cells.bounds and not shown[i])
    key = (tuple(np.where(shown, values, np.nan).tolist()), tuple(shown), integer, guard,
           tuple(equations), tuple(pairs), known)
    if key not in cache:
        cache[key] = _pinned(values, shown, integer, guard, equations, pairs, known)
    found = cache[key]
    return None if found is None else tuple(index[i] for i in found)


def _pinned(values: np.ndarray, shown: np.ndarray, integer: tuple[bool, ...],
            guard: tuple[bool, ...], equations: list[tuple[int, tuple[int, ...]]],
            pairs: list[tuple[int, int]], known: tuple[tuple[int, float, float], ...] = ()
            ) -> tuple[int, ...] | None:
    hidden = np.flatnonzero(~shown)
    if hidden.size == 0:
        return None
    where = {int(c): j for j, c in enumerate(hidden)}
    matrix = np.zeros((len(equations), len(values)))
    for row, (total, members) in enumerate(equations):
        matrix[row, total] += 1.0
        for m in members:
            matrix[row, m] -= 1.0
    a_eq = matrix[:, hidden]
    b_eq = -matrix[:, shown] @ values[shown]
    lower, upper = np.zeros(hidden.size), np.full(hidden.size, np.inf)
    for c, low, high in known:
        lower[where[c]], upper[where[c]] = max(0.0, low), high
    a_pair = []
    targets: list[tuple[tuple[int, ...], np.ndarray]] = []
    for c in hidden:
        if guard[c]:
            targets.append(((int(c),), np.eye(hidden.size)[where[int(c)]]))
    for x, n in pairs:
        if x in where and n in where:
            row = np.zeros(hidden.size)
            row[where[n]], row[where[x]] = 1.0, -1.0
            a_pair.append(row)
            targets.append(((x, n), row))
        elif x in where:
            upper[where[x]] = min(upper[where[x]], values[n])
        elif n in where:
            lower[where[n]] = max(lower[where[n]], values[x])
    a_ub = np.array(a_pair).reshape(-1, hidden.size)
    basis = null_space(a_eq) if len(equations) else np.eye(hidden.size)
    for support, f in targets:  # fixed by the sums alone: linear recovery
        if basis.size == 0 or np.abs(f @ basis).max() < 1e-9:
            return support
    # Beyond the sums, only whole counts >= 0 (and count <= people) can pin a number; a
    # sum of real values (a mean's total) is pinned only linearly, as checked above.
    targets = [(support, f) for support, f in targets if all(integer[c] for c in support)]
    if not targets:
        return None
    kinds = np.array([integer[c] for c in hidden], dtype=float)
    # A box far beyond any value the table can hold instead of infinite bounds: a number
    # that can grow without limit then reaches the box (not pinned, as before) and every
    # problem has an optimum. Without it an unbounded problem fell back to linprog, whose
    # HiGHS in scipy 1.11 (our lower bound) aborted the process on one such problem.
    box = 1e6 + 100.0 * float(np.abs(values[np.isfinite(values)]).sum())
    lower[kinds == 0] = -box
    upper = np.minimum(upper, box)
    problem = (a_eq, b_eq, a_ub, kinds, lower, upper)
    # Feasible points the reader cannot exclude: the truth (when known) and every optimum
    # found; a count taking two values on them is not pinned, so most need no solve.
    points = [values[hidden]] if np.isfinite(values[hidden]).all() else []
    for direction in (1.0, -1.0):
        point = _optimum(direction * kinds, *problem)
        points += [] if point is None else [point]
    for support, f in targets:
        for direction in (1.0, -1.0):  # the smallest value, then the largest
            seen = [float(p @ f) for p in points]
            if seen and max(seen) - min(seen) >= 0.5:
                break
            point = _optimum(direction * f, *problem)
            if point is None:  # no finite bound: not pinned
                break
            points.append(point)
        else:
            seen = [float(p @ f) for p in points]
            if max(seen) - min(seen) < 0.5:
                return support
    return None


def _optimum(f: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray, a_ub: np.ndarray,
             integrality: np.ndarray, lower: np.ndarray, upper: np.ndarray
             ) -> np.ndarray | None:
    """A point minimising ``f @ v`` over what the reader cannot exclude; None: unbounded."""
    constraints = []
    if a_eq.shape[0]:
        constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
    if a_ub.shape[0]:
        constraints.append(LinearConstraint(a_ub, 0.0, np.inf))
    result = milp(c=f, constraints=constraints, integrality=integrality,
                  bounds=Bounds(lower, upper))
    if result.status == 0:
        return np.where(integrality > 0, np.round(result.x), result.x)
    relaxed = linprog(f, A_ub=-a_ub if a_ub.shape[0] else None,
                      b_ub=np.zeros(a_ub.shape[0]) if a_ub.shape[0] else None,
                      A_eq=a_eq if a_eq.shape[0] else None,
                      b_eq=b_eq if a_eq.shape[0] else None,
                      bounds=list(zip(lower, upper, strict=True)), method="highs")
    if relaxed.status == 3:
        return None
    raise RuntimeError(f"disclosure audit could not solve a feasibility problem: "
                       f"{result.message}")
