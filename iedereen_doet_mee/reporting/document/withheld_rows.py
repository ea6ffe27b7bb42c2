"""Fold the withheld rows of a results table: one line per group instead of one per
estimator.

In a public report most rows of a small group are withheld whole: the target table of
"Iedereen doet mee" had 49 rows, 42 of them saying only "afgeschermd". A reader learns
nothing from seven such lines in a row; one line per group ("7 schattingen, alle
afgeschermd") with the range of record IDs it stands for keeps every record findable in
``results.json`` and the workbook, and leaves the table with the rows that say something.
"""

from __future__ import annotations

import re

import pandas as pd

from .blocks import Paragraph, Table
from .texts import Language, text

__all__ = ["all_withheld", "fold_withheld", "id_range", "id_ranges", "ids_of",
           "results_table"]

#: Joins the first and last ID of a folded run ("R022–R028").
DASH = "\u2013"
_ID = re.compile(r"R\d+")


def id_range(first: str, last: str) -> str:
    """The IDs ``first`` to ``last`` as one cell.

    Examples
    --------
    >>> id_range("R022", "R028")
    'R022–R028'
    >>> id_range("R005", "R005")
    'R005'
    """
    return first if first == last else f"{first}{DASH}{last}"


def ids_of(cell: str) -> list[str]:
    """The record IDs a table's ID cell stands for: one, or each of a folded range.

    Examples
    --------
    >>> ids_of("R009–R011")
    ['R009', 'R010', 'R011']
    >>> ids_of("R120")
    ['R120']
    """
    if DASH not in cell:
        return [cell]
    first, last = cell.split(DASH)
    width = len(first) - 1
    return [f"R{i:0{width}d}" for i in range(int(first[1:]), int(last[1:]) + 1)]


def id_ranges(ids: list[str]) -> str:
    """IDs as consecutive ranges, comma-separated.

    Examples
    --------
    >>> id_ranges(["R066", "R067", "R068", "R070", "R072", "R073"])
    'R066–R068, R070, R072–R073'
    """
    runs: list[list[str]] = []
    for cell in ids:
        if runs and _ID.fullmatch(cell) and _ID.fullmatch(runs[-1][-1]) and \
                int(cell[1:]) == int(runs[-1][-1][1:]) + 1:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return ", ".join(id_range(run[0], run[-1]) for run in runs)


def all_withheld(table: pd.DataFrame, lang: Language) -> bool:
    """Whether every number of a results table (its columns after ID, group and
    estimator) is withheld.

    Examples
    --------
    >>> t = pd.DataFrame({"ID": ["R001"], "term": ["a"], "estimator": ["x"],
    ...                   "estimate": ["afgeschermd"], "n": ["afgeschermd"]})
    >>> all_withheld(t, "nl"), all_withheld(t.assign(n="12"), "nl")
    (True, False)
    """
    if table.empty or table.columns[0] != "ID" or table.shape[1] < 4:
        return False
    return bool((table.iloc[:, 3:] == text("suppressed", lang)).all(axis=None))


def fold_withheld(table: pd.DataFrame, lang: Language, *, minimum: int = 2) -> pd.DataFrame:
    """``table`` (a results table whose first column is ``ID`` and second the group)
    with each run of at least ``minimum`` consecutive rows of one group whose numbers
    are all withheld folded into one row: the IDs as a range, the group, "k schattingen"
    / "k estimates" in the estimator's column, "afgeschermd" / "withheld" in the others.

    Rows whose IDs do not follow on (a table sorted otherwise) are never folded, so a
    folded range holds exactly the records of its rows.

    Examples
    --------
    >>> t = pd.DataFrame({"ID": ["R001", "R002", "R003", "R004"],
    ...                   "term": ["total", "a", "a", "a"], "estimator": ["x", "x", "y", "z"],
    ...                   "estimate": ["0,1", "afgeschermd", "afgeschermd", "afgeschermd"],
    ...                   "n": ["10", "afgeschermd", "afgeschermd", "afgeschermd"]})
    >>> for row in fold_withheld(t, "nl").values.tolist():
    ...     print(row)
    ['R001', 'total', 'x', '0,1', '10']
    ['R002–R004', 'a', '3 schattingen', 'afgeschermd', 'afgeschermd']
    """
    if table.empty or table.columns[0] != "ID" or table.shape[1] < 4 or not all(
            _ID.fullmatch(str(v)) for v in table["ID"]):
        return table
    withheld = text("suppressed", lang)
    values = table.iloc[:, 3:]
    hidden = (values == withheld).all(axis=1).to_numpy()
    ids, groups = table["ID"].astype(str).tolist(), table.iloc[:, 1].astype(str).tolist()
    rows, i = [], 0
    while i < len(table):
        j = i + 1
        if hidden[i]:
            while (j < len(table) and hidden[j] and groups[j] == groups[i]
                   and ids_of(id_range(ids[i], ids[j])) == ids[i:j + 1]):
                j += 1
        if j - i >= minimum:
            rows.append([id_range(ids[i], ids[j - 1]), groups[i],
                         text("estimates_folded", lang, k=j - i),
                         *[withheld] * values.shape[1]])
        else:
            rows += [table.iloc[k].tolist() for k in range(i, j)]
        i = j
    return pd.DataFrame(rows, columns=table.columns)


def results_table(caption: str, rows: pd.DataFrame, note: str, lang: Language
                  ) -> Table | Paragraph:
    """A results table with each group's run of withheld rows on one line, its note
    then saying so (:func:`fold_withheld`); a table whose every number is withheld is one
    sentence with its record IDs.

    Examples
    --------
    >>> t = pd.DataFrame({"ID": ["R001", "R002"], "term": ["a", "a"],
    ...                   "estimator": ["x", "y"], "estimate": ["afgeschermd"] * 2})
    >>> results_table("Kosten", t, "", "nl").text.split(";")[0]
    'Kosten: alle 2 schattingen zijn afgeschermd (R001–R002)'
    """
    if len(rows) > 1 and all_withheld(rows, lang):
        return Paragraph(text("table_withheld", lang, caption=caption, k=len(rows),
                              ids=id_ranges(rows["ID"].tolist())))
    folded = fold_withheld(rows, lang)
    if len(folded) < len(rows):
        note = f"{note} {text('folded_note', lang)}".strip()
    return Table(caption, folded, note=note)
