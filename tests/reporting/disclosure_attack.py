"""An attacker's reading of a public report folder: every count it can recompute.

Independent of the package's disclosure engine on purpose: nothing here asks
:mod:`iedereen_doet_mee.reporting.disclosure` what is safe. The attacker reads what a
reader of the report has (``results.json``, ``indicators.xlsx``, ``report.html`` and
the figures' SVG text), turns every number that is a count of people into a value,
writes down the sums a reader knows hold (a term is the sum of its children, men and
women make the total, the cells of a table row make its total, the levels of a
baseline characteristic make the column's size, ...) and asks, with a small integer
program, which withheld value the shown ones pin down.

A :class:`Finding` is a count below the threshold (zero included) that a reader can
read or derive, or a withheld value a reader can derive exactly. Derived counts include
the people a table never prints but whose number follows from it: the participants not
in an ESF indicator (all participants minus the indicator), the rest of a group of
disjoint indicators, and those in one indicator but not in a narrower one.

Examples
--------
>>> records = [{"question": "q", "outcome": "o", "estimator": "count", "term": t,
...             "estimate": e, "n": e, "suppressed": e is None}
...            for t, e in [("overall", 25), ("band=a", 20), ("band=b", None)]]
>>> [(f.what, f.value) for f in records_findings(records, threshold=10, source="json")]
[('withheld value derived', 5)]
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import math
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from iedereen_doet_mee.analysis.estimators import UnregisteredEstimatorError, estimator_info
from iedereen_doet_mee.analysis.terms import split_family, term_groups
from iedereen_doet_mee.reporting.figures.style import label
from iedereen_doet_mee.reporting.tables.esf import ESF_INDICATORS

__all__ = ["Equations", "Finding", "attack_report", "format_findings", "records_findings"]

_BIG = 10**6
#: Questions whose ``n`` counts simulations of the design, not people.
_NOT_PEOPLE = {"design_diagnosis"}


@dataclasses.dataclass(frozen=True)
class Finding:
    """A count a reader of the report can read or derive.

    Examples
    --------
    >>> str(Finding("results.json", "q/o/count/overall", "shown count below threshold", 3))
    'results.json | q/o/count/overall | shown count below threshold | 3'
    """

    source: str
    location: str
    what: str
    value: Any

    def __str__(self) -> str:
        return f"{self.source} | {self.location} | {self.what} | {self.value}"


def format_findings(findings: list[Finding]) -> str:
    """One finding a line, for a failing assertion.

    Examples
    --------
    >>> format_findings([Finding("a", "b", "c", 1)])
    '1 finding(s):\\n  a | b | c | 1'
    """
    return f"{len(findings)} finding(s):\n" + "\n".join(f"  {f}" for f in findings)


@dataclasses.dataclass
class Equations:
    """Counts a reader knows, counts withheld from them, and sums that hold.

    ``sums`` holds ``(total, parts)``: the value of ``total`` is the sum of ``parts``.
    ``implied`` are counts no table prints but a reader may work out (the participants
    not in an indicator): a finding when pinned below the threshold.

    Examples
    --------
    >>> eq = Equations(known={"t": 12, "a": 7}, hidden={"b"}, sums=[("t", ("a", "b"))])
    >>> eq.pinned()
    {'b': 5}
    >>> eq = Equations(known={"t": 100, "a": 97}, implied={"not a"},
    ...                sums=[("t", ("a", "not a"))])
    >>> [(f.location, f.value) for f in eq.findings("x", 10)]
    [('not a', 3)]
    """

    known: dict[str, int] = dataclasses.field(default_factory=dict)
    hidden: set[str] = dataclasses.field(default_factory=set)
    sums: list[tuple[str, tuple[str, ...]]] = dataclasses.field(default_factory=list)
    implied: set[str] = dataclasses.field(default_factory=set)

    def merge(self, other: Equations) -> Equations:
        """Both sets of equations as one (what a reader of both tables knows)."""
        return Equations({**self.known, **other.known}, self.hidden | other.hidden,
                         self.sums + other.sums, self.implied | other.implied)

    def pinned(self) -> dict[str, int]:
        """Each withheld or implied value the sums fix to one integer (min = max over
        integers >= 0)."""
        used = {v for total, parts in self.sums for v in (total, *parts)}
        free = sorted(v for v in used if v not in self.known)
        if not free:
            return {}
        index = {v: i for i, v in enumerate(free)}
        rows, rhs = [], []
        for total, parts in self.sums:
            row, const = np.zeros(len(free)), 0.0
            for var, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
                if var in index:
                    row[index[var]] += sign
                else:
                    const -= sign * self.known[var]
            if row.any():
                rows.append(row)
                rhs.append(const)
        if not rows:
            return {}
        constraint = LinearConstraint(np.array(rows), rhs, rhs)
        bounds, integral = Bounds(0, _BIG), np.ones(len(free))
        out = {}
        for var in sorted((self.hidden | self.implied) & set(free)):
            c = np.zeros(len(free))
            c[index[var]] = 1.0
            ends = [milp(sign * c, constraints=constraint, bounds=bounds, integrality=integral)
                    for sign in (1.0, -1.0)]
            if not all(e.success for e in ends):
                continue  # the sums do not hold together: nothing is derived from them
            low, high = round(ends[0].fun), round(-ends[1].fun)
            if low == high and high < _BIG:
                out[var] = low
        return out

    def violated(self) -> list[tuple[str, int, int]]:
        """Sums over known values only that do not hold: (total, its value, the sum); and
        sums whose one implied value would be negative (total, its value, the known
        parts), which cannot be a count of people."""
        out = [(t, self.known[t], sum(self.known[p] for p in parts))
               for t, parts in self.sums
               if t in self.known and all(p in self.known for p in parts)
               and self.known[t] != sum(self.known[p] for p in parts)]
        for t, parts in self.sums:
            rest = [p for p in parts if p not in self.known]
            if t in self.known and len(rest) == 1 and rest[0] in self.implied:
                shown = sum(self.known[p] for p in parts if p in self.known)
                if shown > self.known[t]:
                    out.append((t, self.known[t], shown))
        return out

    def findings(self, source: str, threshold: int) -> list[Finding]:
        """Known counts below ``threshold``, withheld values the sums pin down, and
        implied counts they pin below ``threshold``."""
        out = [Finding(source, var, "shown count below threshold", value)
               for var, value in sorted(self.known.items()) if value < threshold]
        for var, value in self.pinned().items():
            if var in self.hidden:
                out.append(Finding(source, var, "withheld value derived", value))
            elif value < threshold:
                out.append(Finding(source, var, "implied count below threshold", value))
        return out


# -- results.json and the workbook's results sheet -------------------------------------

def _int(value: Any) -> int | None:
    """``value`` as an integer count when it is one (within 1e-6), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isfinite(number) and abs(number - round(number)) < 1e-6:
        return round(number)
    return None


def _kind(estimator: str) -> str:
    """The disclosure kind the published estimator registry declares ("" if none)."""
    try:
        return estimator_info(estimator).kind
    except (UnregisteredEstimatorError, KeyError, ValueError):
        return ""


def _cell(term: str) -> tuple[str, frozenset | None]:
    """A record term as (family prefix, its group's pairs or None)."""
    wrapped = re.fullmatch(r"(\w+)\[([^\]]*)\]", str(term))
    prefix, inner = (wrapped.group(1), wrapped.group(2)) if wrapped else ("", str(term))
    family, rest = split_family(inner)
    return prefix + family, term_groups(rest)


def records_equations(records: list[dict[str, Any]]) -> Equations:
    """The counts of the records and the sums over their term hierarchy.

    For every record about people: ``n``; for a proportion, events ``x = estimate * n``
    and the rest ``n - x``; for a count, the estimate. Within a question, outcome,
    estimator and family, a group's value is the sum of its children over any one key.
    """
    eq = Equations()
    families: dict[tuple, dict[frozenset, str]] = defaultdict(dict)
    for r in records:
        if r["question"] in _NOT_PEOPLE:
            continue
        kind = _kind(r["estimator"])
        prefix, groups = _cell(r["term"])
        base = f"{r['question']}/{r.get('outcome')}/{r['estimator']}/{r['term']}"
        names = ["n"] + (["x", "rest"] if kind in ("proportion", "count", "part") else [])
        if r["suppressed"]:
            eq.hidden.update(f"{base}:{name}" for name in names)
        else:
            n = _int(r.get("n"))
            x = _int(r["estimate"] * n) if kind in ("proportion", "part") and n is not None \
                and r.get("estimate") is not None else None
            if kind == "count":
                x = _int(r.get("estimate"))
            values = {"n": n, "x": x, "rest": None if n is None or x is None else n - x}
            eq.known.update({f"{base}:{k}": v for k, v in values.items()
                             if v is not None and k in names})
            if kind == "count":
                eq.known.pop(f"{base}:rest", None)
        if groups is not None and kind != "part":
            key = (r["question"], r.get("outcome"), r["estimator"], prefix)
            families[key][groups] = base
    for members in families.values():
        for groups, base in members.items():
            keys = {k for k, _ in groups}
            children: dict[str, list[str]] = defaultdict(list)
            for other, child in members.items():
                extra = other - groups
                if groups < other and len(extra) == 1:
                    (key, _), = extra
                    if key not in keys:
                        children[key].append(child)
            for kids in children.values():
                if len(kids) >= 2:
                    for name in ("n", "x", "rest"):
                        parts = tuple(f"{k}:{name}" for k in kids)
                        total = f"{base}:{name}"
                        if all(v in eq.known or v in eq.hidden for v in (total, *parts)):
                            eq.sums.append((total, parts))
    return eq


def records_findings(records: list[dict[str, Any]], *, threshold: int,
                     source: str) -> list[Finding]:
    """Counts below ``threshold`` read or derived from records, and withheld ones pinned."""
    return records_equations(records).findings(source, threshold)


def event_share_findings(records: list[dict[str, Any]], *, threshold: int,
                         source: str) -> list[Finding]:
    """Events read off a shown share of a group that is not a proportion (a cumulative
    incidence, a Kaplan-Meier outflow): ``estimate * n`` is about the group's number of
    events (censoring makes it approximate), so a product below ``threshold`` (zero
    included) gives a small count away."""
    out = []
    for r in records:
        if r["question"] in _NOT_PEOPLE or r["suppressed"] or r.get("estimate") is None:
            continue
        try:
            info = estimator_info(r["estimator"])
        except UnregisteredEstimatorError:
            continue
        n = _int(r.get("n"))
        if info.kind != "dependent" or info.scale != "share" or n is None:
            continue
        events = round(float(r["estimate"]) * n)
        if events < threshold:
            out.append(Finding(source, f"{r['question']}/{r['estimator']}/{r['term']}: "
                               f"{r['estimate']:.4f} of {n}", "events of a shown share",
                               events))
    return out


def n_difference_findings(records: list[dict[str, Any]], *, threshold: int,
                          source: str) -> list[Finding]:
    """People in one row's ``n`` but not another's of the same question and term (e.g.
    those lost to follow-up: all people vs complete cases): differences below
    ``threshold``."""
    seen: dict[tuple, dict[int, str]] = defaultdict(dict)
    for r in records:
        n = _int(r.get("n"))
        if r["question"] not in _NOT_PEOPLE and not r["suppressed"] and n is not None:
            seen[(r["question"], r.get("outcome"), r["term"])].setdefault(n, r["estimator"])
    out = []
    for (question, outcome, term), by_n in seen.items():
        values = sorted(by_n)
        for low, high in itertools.pairwise(values):
            if high - low < threshold:
                out.append(Finding(source, f"{question}/{outcome}/{term}: n {high} "
                                   f"({by_n[high]}) - n {low} ({by_n[low]})",
                                   "difference of two n below threshold", high - low))
    return out


def workbook_records(path: Path) -> tuple[list[dict[str, Any]], dict[str, list[list[Any]]]]:
    """The workbook's results sheet as records (code names from its labels sheet) and
    every sheet's cells."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book}
    book.close()
    labels = {(row[0], row[2]): row[3] for row in sheets.get("labels", [])[1:]
              if row and row[0] is not None}
    rows = sheets.get("results", [])
    if not rows:
        return [], sheets
    header = [labels.get(("results", h), h) for h in rows[0]]
    records = []
    for row in rows[1:]:
        if all(v is None for v in row):
            continue
        rec = dict(zip(header, row, strict=False))
        rec["suppressed"] = bool(rec.get("suppressed"))
        for field in ("estimate", "n"):
            if isinstance(rec.get(field), str):
                rec[field] = None  # the withheld marker
        records.append(rec)
    return records, sheets


# -- the ESF table (workbook sheet and HTML table) --------------------------------------

#: ESF labour-market status at entry: unemployed, inactive, employed partition everyone.
_ESF_PARTITION = ("TOTAL", ("CO01", "CO03", "CO05"))
#: Disjoint ESF indicators that leave a rest of real people (Regulation (EU) 1304/2013,
#: Annex I): below 25 and above 54 (the rest: 25 to 54), ISCED 1-2, 3-4 and 5-8 (the
#: rest: ISCED 0 and unknown).
_ESF_DISJOINT = (("CO06", "CO07"), ("CO09", "CO10", "CO11"))
#: An indicator -> the wider one whose people it counts a part of.
_ESF_WITHIN = {"CO02": "CO01", "CO04": "CO03", "CO08": "CO07", "CO13": "CO12",
               "CR08": "CR06"}
_ESF_COLUMNS = ("men", "women", "other", "total")
#: The ESF table's count headers (report and workbook, Dutch and English).
_ESF_HEADERS = {"men": "men", "mannen": "men", "women": "women", "vrouwen": "women",
                "other or unknown": "other", "anders of onbekend": "other",
                "total": "total", "totaal": "total"}
#: The row of all participants has no ESF code in the report: it is found by its name.
_ESF_TOTAL_NAMES = {n for spec in ESF_INDICATORS if spec.code == "TOTAL"
                    for n in (spec.indicator, spec.indicator_nl)}


def esf_equations(rows: list[list[Any]]) -> Equations:
    """Rows ``code, label, men, women[, other or unknown], total, ...`` (the first row
    the header): the sexes add up to the total per indicator, and unemployed + inactive
    + employed = all participants per column. Every indicator counts a part of the
    participants: the rest ("not CO12": the participants not in a jobless household) is
    all participants minus the indicator, and is implied; so are the rest of a group of
    disjoint indicators and the people of an indicator outside a narrower one
    (unemployed but not long-term unemployed)."""
    eq = Equations()
    codes = set()
    header = [_ESF_HEADERS.get(str(h).strip().lower()) for h in rows[0]] if rows else []
    where = {name: i for i, name in enumerate(header) if name is not None}
    if set(where) < {"men", "women", "total"}:
        where = {"men": 2, "women": 3, "total": 4}  # a header the attacker cannot read
    columns = [c for c in _ESF_COLUMNS if c in where]
    for row in rows:
        code = "TOTAL" if str(row[0]) == "" and str(row[1]) in _ESF_TOTAL_NAMES \
            else str(row[0])
        if not re.fullmatch(r"TOTAL|C[OR]\d\d", code):
            continue
        cells = [row[where[c]] for c in columns]
        if all(c is None or c == "" or c == "-" for c in cells):
            continue  # an indicator the data model cannot give
        codes.add(code)
        for col, value in zip(columns, cells, strict=True):
            var = f"{code}/{col}"
            if _int(value) is not None:
                eq.known[var] = _int(value)
            else:
                eq.hidden.add(var)
        eq.sums.append((f"{code}/total", tuple(f"{code}/{c}" for c in columns[:-1])))
    total, parts = _ESF_PARTITION
    if {total, *parts} <= codes:
        for col in columns:
            eq.sums.append((f"{total}/{col}", tuple(f"{p}/{col}" for p in parts)))

    def rest(whole: str, members: tuple[str, ...], name: str) -> None:
        for col in columns:
            eq.implied.add(f"{name}/{col}")
            eq.sums.append((f"{whole}/{col}", (*(f"{m}/{col}" for m in members),
                                               f"{name}/{col}")))

    if total in codes:
        for code in sorted(codes - {total}):
            rest(total, (code,), f"not {code}")
        for group in _ESF_DISJOINT:
            if set(group) <= codes:
                rest(total, group, "not " + " or ".join(group))
    for narrow, wide in _ESF_WITHIN.items():
        if {narrow, wide} <= codes:
            rest(wide, (narrow,), f"{wide} not {narrow}")
    return eq


# -- report.html -------------------------------------------------------------------------

class _Page(HTMLParser):
    """Tables (caption, rows of cell texts), text alternatives and body text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.alts: list[str] = []
        self.body: list[str] = []
        self._svg = self._table = 0
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.alts += [v for k, v in attrs if k in ("alt", "aria-label", "title") and v]
        if tag == "svg":
            self._svg += 1
        elif tag == "table":
            self._table += 1
            self.tables.append(("", []))
        elif tag == "tr" and self._table:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "caption":
            self._caption = []
        elif tag == "title" and self._svg:
            self._cell = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg -= 1
        elif tag == "table":
            self._table -= 1
        elif tag in ("td", "th") and self._cell is not None and self.tables[-1][1]:
            self.tables[-1][1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1] = ("".join(self._caption).strip(), self.tables[-1][1])
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)
        elif self._svg:
            self.alts.append(data)  # an inline figure's title and text
        elif not self._table:
            self.body.append(data)


_SHARE = re.compile(r"^(\d+) \((\d+(?:[.,]\d+)?)\s?%\)$")
_N_IS = re.compile(r"\bn\s*=\s*(\d+)\b")
_K_OF_N = re.compile(r"\b(\d+)\s+(?:van de|van|of|out of)\s+(\d+)\b")
#: The CONSORT text table's row labels (label registry, either language) -> the count's
#: code name in words, as the equations below name them.
_CONSORT_ROWS = {label(key, lang): key.replace("_", " ")
                 for key in ("assessed", "excluded", "enrolled", "enrolled_after_as_of",
                             "allocated", "received_instruments", "no_instruments",
                             "lost_to_follow_up", "discontinued", "analysed",
                             "excluded_from_analysis")
                 for lang in ("nl", "en")}
#: CONSORT boxes a reader knows add up (count names in words).
_CONSORT_SUMS = (("allocated", ("received instruments", "no instruments")),
                 ("allocated", ("analysed", "excluded from analysis")))


def _text_findings(texts: list[str], source: str, threshold: int) -> list[Finding]:
    """``n = k`` with k below ``threshold``; ``k of n`` with k or n - k below it."""
    out = []
    for text in texts:
        flat = " ".join(text.split())
        out += [Finding(source, flat[:90], "n = k below threshold", int(m.group(1)))
                for m in _N_IS.finditer(flat) if int(m.group(1)) < threshold]
        for m in _K_OF_N.finditer(flat):
            k, n = int(m.group(1)), int(m.group(2))
            if k <= n and min(k, n - k) < threshold:
                out.append(Finding(source, flat[:90], "k of n: k or n - k below threshold",
                                   (k, n)))
    return out


def _grid_equations(caption: str, rows: list[list[str]]) -> Equations:
    """A count table: each row's cells make its total column; CONSORT boxes that add up;
    in a baseline table the levels of a characteristic make the column's size."""
    eq = Equations()
    header = [h.lower() for h in rows[0]]
    total = next((i for i, h in enumerate(header) if h in ("totaal", "total")), None)
    cols = [i for i in range(1, len(header)) if i != total and header[i] and
            not header[i].startswith(("gestand", "std", "standard"))]
    if total is not None:
        cols = [i for i in cols if i < total]
    groups: dict[str, list[int]] = defaultdict(list)
    sizes: dict[int, tuple[int, int]] = {}
    counted = [*cols, *([total] if total is not None else [])]

    def withheld_counts(row: list[str]) -> bool:  # a level whose every count is withheld
        cells = [row[i] for i in counted if i < len(row)]
        return bool(cells) and all(c.lower() in _HIDDEN for c in cells)

    categorical = {row[0].rsplit(": ", 1)[0] for row in rows[1:]
                   if ": " in row[0] and (any(_SHARE.match(c) for c in row)
                                          or withheld_counts(row))}
    for r, row in enumerate(rows[1:], start=1):
        label = row[0] if row else ""
        shares = [_SHARE.match(c) for c in row]
        counts = {i: (int(m.group(1)) if m else _int(c)) for i, (c, m) in
                  enumerate(zip(row, shares, strict=True))}
        if label.rsplit(": ", 1)[0] in categorical:
            groups[label.rsplit(": ", 1)[0]].append(r)
        if any(shares):
            for i, m in enumerate(shares):
                if m and float(m.group(2).replace(",", ".")) > 0:
                    k, p = int(m.group(1)), float(m.group(2).replace(",", "."))
                    if k > sizes.get(i, (0, 0))[0]:
                        sizes[i] = (k, round(k * 100 / p))
        elif not any(v is not None for i, v in counts.items() if i in cols) and \
                not any(c.lower() in _HIDDEN for c in row[1:]):
            continue
        if any(" (" in c and "%" not in c for c in row[1:]):
            continue  # a mean (SD) or median [IQR] row
        for i in [*cols, *([total] if total is not None else [])]:
            if i >= len(row):
                continue
            var = f"{caption}/{label}/{rows[0][i]}"
            if counts[i] is not None:
                eq.known[var] = counts[i]
            elif row[i].lower() in _HIDDEN:
                eq.hidden.add(var)
        if total is not None and len(row) > total:
            eq.sums.append((f"{caption}/{label}/{rows[0][total]}",
                            tuple(f"{caption}/{label}/{rows[0][i]}" for i in cols)))
    for i, (_, n) in sizes.items():
        eq.known[f"{caption}/size/{rows[0][i]}"] = n
        for members in groups.values():
            levels = tuple(f"{caption}/{rows[m][0]}/{rows[0][i]}" for m in members)
            if len(levels) >= 2:
                eq.sums.append((f"{caption}/size/{rows[0][i]}", levels))
            for m in members:  # the people not in this level
                hit = _SHARE.match(rows[m][i]) if i < len(rows[m]) else None
                if hit:
                    eq.known[f"{caption}/not {rows[m][0]}/{rows[0][i]}"] = \
                        n - int(hit.group(1))
    labels = {row[0]: row for row in rows[1:] if row}
    for whole, parts in _CONSORT_SUMS:
        if whole in labels and all(p in labels for p in parts):
            for i in [*cols, *([total] if total is not None else [])]:
                eq.sums.append((f"{caption}/{whole}/{rows[0][i]}",
                                tuple(f"{caption}/{p}/{rows[0][i]}" for p in parts)))
    eq.sums = [(t, p) for t, p in eq.sums
               if all(v in eq.known or v in eq.hidden for v in (t, *p))]
    return eq


_HIDDEN = {"onderdrukt", "afgeschermd", "suppressed", "withheld", "<10"}

#: ESF indicators and the baseline levels (overall column) that count the same people:
#: CO12 "jobless household" is "Jobless household: yes", ...; CO13 (jobless with
#: dependent children) counts a part of the people of the two household levels with
#: children, so those minus CO13 are implied.
_ESF_BASELINE = {
    "CO01": ("labour_status_entry", ("unemployed",)),
    "CO03": ("labour_status_entry", ("inactive",)),
    "CO05": ("labour_status_entry", ("employed",)),
    "CO09": ("education", ("isced_1_2",)), "CO10": ("education", ("isced_3_4",)),
    "CO11": ("education", ("isced_5_8",)), "CO12": ("jobless_household", ("yes",)),
    "CO14": ("household", ("single_parent",)), "CO15": ("migrant_background", ("yes",)),
    "CO16": ("disability", ("yes",)),
    "CO13": ("household", ("single_parent", "couple_with_children")),
}
#: ESF indicators that count a part of the people of their baseline levels (not all).
_ESF_PART_OF_BASELINE = {"CO13"}


def _baseline_row(characteristic: str, level: str, lang: str) -> str:
    """A baseline row label as the report prints it, from the label registry."""
    name = label(f"characteristic:{characteristic}", lang)
    words = label(f"{characteristic}={level}", lang,
                  default=label(f"level:{level}", lang, default=level))
    return f"{name}: {words}"


def esf_baseline_links(esf: Equations, caption: str, rows: list[list[str]], *,
                       sexes: bool = False) -> Equations:
    """Sums between the ESF table's totals and the baseline table's overall column
    (caption and rows of the latter): the same people counted in both. Levels whose row
    the baseline does not print are left out. ``sexes``: also TOTAL's men and women
    (the baseline's "Sex: male" and "female")."""
    eq = Equations()
    header = rows[0]
    overall = next((h for h in header if h.lower() in ("totaal", "total")), None)
    printed = {row[0] for row in rows[1:] if row}
    if overall is None:
        return eq
    links = dict(_ESF_BASELINE)
    if sexes:
        links |= {"TOTAL/men": ("sex", ("male",)), "TOTAL/women": ("sex", ("female",))}
    for code, (characteristic, levels) in links.items():
        ours = code if "/" in code else f"{code}/total"
        if ours not in esf.known and ours not in esf.hidden:
            continue
        for lang in ("nl", "en"):
            names = [_baseline_row(characteristic, lv, lang) for lv in levels]
            if all(n in printed for n in names):
                theirs = tuple(f"{caption}/{n}/{overall}" for n in names)
                if code in _ESF_PART_OF_BASELINE:  # the levels together, and the rest
                    together = f"{caption}/{' + '.join(names)}/{overall}"
                    rest = f"{together} not {code}"
                    eq.implied |= {together, rest}
                    eq.sums += [(together, theirs), (together, (ours, rest))]
                else:
                    eq.sums.append((ours, theirs))
                break
    return eq


def html_findings(path: Path, *, threshold: int) -> dict[str, list[Finding]]:
    """Findings of ``report.html`` by part: ``consort`` (the CONSORT text table),
    ``baseline`` (tables of counts with shares), ``results`` (the ``n`` column of the
    tables of estimates), ``esf_table``, ``esf_baseline`` (what the ESF and baseline
    tables give away together, beyond what each does alone), ``esf_baseline_sex``
    (beyond that, with TOTAL's men and women linked to the baseline's sex rows) and
    ``text`` (body text and figure text alternatives)."""
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    out: dict[str, list[Finding]] = {"consort": [], "baseline": [], "results": [],
                                     "esf_table": [], "esf_baseline": [],
                                     "esf_baseline_sex": [], "text": []}
    esf, baseline = None, None
    for caption, rows in page.tables:
        rows = [r for r in rows if r]
        if not rows:
            continue
        head = [h.lower() for h in rows[0]]
        if head[:2] == ["code", "indicator"]:
            esf = esf_equations(rows)
            out["esf_table"] += esf.findings(f"html:{caption}", threshold)
        elif head and head[-1] == "n":
            out["results"] += [Finding(f"html:{caption}", f"{r[0]} / {r[1]}",
                                      "shown n below threshold", _int(r[-1]))
                              for r in rows[1:] if _int(r[-1]) is not None
                              and _int(r[-1]) < threshold]
        elif any(h in ("totaal", "total") for h in head):
            rows = [[_CONSORT_ROWS.get(r[0], r[0]), *r[1:]] for r in rows]
            part = "consort" if any(r[0] == "allocated" for r in rows) else "baseline"
            grid = _grid_equations(caption, rows)
            out[part] += grid.findings(f"html:{caption}", threshold)
            if part == "baseline":
                baseline = (caption, rows, grid)
    if esf is not None and baseline is not None:  # what a reader of both tables knows
        caption, rows, grid = baseline
        seen = {(f.location, f.value) for part in ("esf_table", "baseline")
                for f in out[part]}
        for part, sexes in (("esf_baseline", False), ("esf_baseline_sex", True)):
            links = esf_baseline_links(esf, caption, rows, sexes=sexes)
            if links.sums:  # each part: what the ones before it did not find
                both = esf.merge(grid).merge(links)
                found = both.findings(f"html:ESF + baseline{' (sex)' if sexes else ''}",
                                      threshold)
                out[part] = [f for f in found if (f.location, f.value) not in seen]
                seen |= {(f.location, f.value) for f in out[part]}
    out["text"] = _text_findings(page.body, "html:text", threshold) + \
        _text_findings(page.alts, "html:figure text", threshold)
    return out


# -- the figures' SVG text ---------------------------------------------------------------

_SVG_TEXT = re.compile(r"<text([^>]*)>(.*?)</text>", re.S)
_AT_RISK = re.compile(r"onder risico|at risk", re.I)
_COLOUR_BAR = ["0%", "20%", "40%", "60%", "80%", "100%"]


def _svg_texts(svg: str) -> list[tuple[str, float, float]]:
    out = []
    for attrs, body in _SVG_TEXT.findall(svg):
        x = re.search(r'\bx="([-\d.]+)"', attrs)
        y = re.search(r'\by="([-\d.]+)"', attrs)
        out.append((html.unescape(body).strip(), float(x.group(1)) if x else math.nan,
                    float(y.group(1)) if y else math.nan))
    return out


def at_risk_findings(svg: str, source: str, threshold: int) -> list[Finding]:
    """Numbers at risk printed under a curve below ``threshold`` (zero included); a
    pooled marker such as ``<10`` is not a number and is not read."""
    texts = [t for t, _, _ in _svg_texts(svg)]
    out = []
    for i, text in enumerate(texts):
        if not _AT_RISK.search(text) or len(text) > 40:
            continue
        j = i - 1
        while j >= 0 and "%" not in texts[j] and not _AT_RISK.search(texts[j]) \
                and not re.search(r"maand|month", texts[j], re.I):
            value = _int(texts[j]) if re.fullmatch(r"\d+", texts[j]) else None
            if value is not None and value < threshold:
                out.append(Finding(source, f"at-risk table before text {i}",
                                   "number at risk below threshold", value))
            j -= 1
    return out


def heatmap_findings(svg: str, source: str, threshold: int, n_max: int) -> list[Finding]:
    """Row shares printed in heat-map cells whose count is below ``threshold`` for every
    row size up to ``n_max`` that the row's rounded shares allow."""
    cells = [(t, x, y) for t, x, y in _svg_texts(svg) if re.fullmatch(r"\d+%", t)]
    while [t for t, _, _ in cells[-len(_COLOUR_BAR):]] == _COLOUR_BAR:
        cells = cells[:-len(_COLOUR_BAR)]
    rows: dict[float, list[int]] = defaultdict(list)
    for t, _, y in cells:
        rows[round(y, 1)].append(int(t[:-1]))
    out = []
    for y, shares in rows.items():
        sizes = [n for n in range(1, n_max + 1)
                 if all(any(round(100 * k / n) == p or abs(100 * k / n - p) <= 0.5
                            for k in range(n + 1)) for p in shares)]
        for p in shares:
            counts = [round(p * n / 100) for n in sizes]
            if counts and max(counts) < threshold:
                out.append(Finding(source, f"heat-map row at y={y}",
                                   "cell share implies a count below threshold",
                                   f"{p}% -> at most {max(counts)}"))
    return out


def figure_findings(folder: Path, *, threshold: int, n_max: int) -> dict[str, list[Finding]]:
    """Findings of the figures' SVG text by kind: ``curves``, ``heat_map``, ``text``."""
    out: dict[str, list[Finding]] = {"curves": [], "heat_map": [], "text": []}
    for svg_path in sorted(folder.glob("*.svg")):
        svg, source = svg_path.read_text(encoding="utf-8"), f"figure:{svg_path.name}"
        out["curves"] += at_risk_findings(svg, source, threshold)
        if "ladder" in svg_path.stem:
            out["heat_map"] += heatmap_findings(svg, source, threshold, n_max)
        out["text"] += _text_findings([t for t, _, _ in _svg_texts(svg)], source, threshold)
    return out


# -- the whole folder --------------------------------------------------------------------

def attack_report(folder: Path, *, threshold: int = 10) -> dict[str, list[Finding]]:
    """Every finding of a report folder, by source.

    Sources: ``results.json``, ``json_n_differences``, ``json_event_shares``,
    ``workbook_results``,
    ``workbook_esf``, ``workbook_other``, ``html_consort``, ``html_baseline``,
    ``html_results``, ``html_esf_table``, ``html_esf_baseline`` (the ESF and baseline
    tables read together), ``html_esf_baseline_sex`` (also linking TOTAL's men and women
    to the baseline's sex rows), ``html_text``,
    ``figure_curves``, ``figure_heat_map``, ``figure_text``.
    """
    records = json.loads((folder / "results.json").read_text(encoding="utf-8"))["records"]
    out = {"results.json": records_findings(records, threshold=threshold,
                                            source="results.json"),
           "json_n_differences": n_difference_findings(records, threshold=threshold,
                                                       source="results.json"),
           "json_event_shares": event_share_findings(records, threshold=threshold,
                                                     source="results.json")}
    book, sheets = workbook_records(folder / "indicators.xlsx")
    out["workbook_results"] = records_findings(book, threshold=threshold,
                                               source="indicators.xlsx:results")
    shown = {(r["question"], r["estimator"], r["term"]) for r in records if not r["suppressed"]}
    out["workbook_results"] += [
        Finding("indicators.xlsx:results", f"{r['question']}/{r['estimator']}/{r['term']}",
                "shown in the workbook, withheld in results.json", r["estimate"])
        for r in book if not r["suppressed"]
        and (r["question"], r["estimator"], r["term"]) not in shown]
    out["workbook_esf"] = esf_equations(sheets.get("esf_indicators", [])).findings(
        "indicators.xlsx:esf_indicators", threshold)
    out["workbook_other"] = [
        Finding(f"indicators.xlsx:{name}", f"row {i}", "n = k below threshold", cell)
        for name, rows in sheets.items() if name not in ("results", "esf_indicators")
        for i, row in enumerate(rows) for cell in row
        if isinstance(cell, str) and any(f.value == f.value for f in
                                         _text_findings([cell], "", threshold))]
    page = html_findings(folder / "report.html", threshold=threshold)
    out.update({f"html_{part}": found for part, found in page.items()})
    ladder = [_int(r["n"]) for r in records if r["question"] == "ladder"
              and not r["suppressed"] and _int(r.get("n")) is not None]
    n_max = max(ladder) if ladder else max((_int(r.get("n")) or 0) for r in records)
    figures = figure_findings(folder / "figures", threshold=threshold, n_max=n_max)
    out["figure_curves"], out["figure_heat_map"], out["figure_text"] = (
        figures["curves"], figures["heat_map"], figures["text"])
    return out
