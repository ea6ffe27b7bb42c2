"""The guard against identifiers and row-level data in frames bound for the report.

:func:`check_publishable` raises :class:`DisclosureError` on identifier-like column names,
columns only row-level data have (:data:`ROW_LEVEL_COLUMNS`), known identifiers and values
passing the BSN 11-test, also inside a text (``"klant 111222333 tevreden"``). Import the
public names from :mod:`iedereen_doet_mee.reporting.disclosure`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ...analysis.outcomes import OUTCOME_COLUMNS
from ...data.bsn import contains_bsn
from ...data.schema import TABLES

__all__ = ["ROW_LEVEL_COLUMNS", "DisclosureError", "check_publishable"]


class DisclosureError(ValueError):
    """A frame bound for the report holds identifiers or row-level data."""


_ID_WORDS = frozenset({"id", "ids", "bsn", "sofinummer", "burgerservicenummer", "naam",
                       "name", "names", "voornaam", "achternaam", "surname", "firstname",
                       "lastname", "initials", "address", "adres", "straat", "street",
                       "postcode", "zipcode", "email", "mail", "phone", "telefoon", "iban",
                       "birthdate", "geboortedatum", "klantnummer", "clientnummer"})
#: Columns that only row-level (per-person or per-event) data have: identifiers, dates,
#: per-person numbers of the data model and the derived outcomes (``docs/data-model.md``).
ROW_LEVEL_COLUMNS: frozenset[str] = frozenset(
    {c.name for t in TABLES.values() for c in t.columns
     if c.kind in ("id", "date", "integer", "number") and c.name not in ("value", "answer")}
    | {"block_id"}
    | (set(OUTCOME_COLUMNS) - {"band", "instruments", "event", "exit_reason",
                               "regular_work", "lost_to_follow_up", "ladder_up",
                               "durable_placement", "placement_subsidised"}))


def check_publishable(frame: pd.DataFrame, *, name: str = "table",
                      identifiers: Iterable[object] = (), allow: Iterable[str] = ()) -> None:
    """Raise :class:`DisclosureError` when a frame bound for the report could identify people.

    The report calls this before writing any table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (its index levels are checked as columns).
    name : str
        What the table is, for the message.
    identifiers : iterable
        Known identifiers (participant and employer ids): none may appear as a value,
        label or column name.
    allow : iterable of str
        Column names to accept although they look row-level (e.g. an ``age`` column of
        age groups).

    Raises
    ------
    DisclosureError
        Listing every problem: identifier-like column names (``participant_id``,
        ``employer_id``, ``bsn``, names, addresses, ...), columns only row-level data have
        (dates of enrolment or exit, ages, wage values, ... see :data:`ROW_LEVEL_COLUMNS`),
        known identifiers and values passing the BSN 11-test, whole or inside a text. Values
        are never echoed.

    Examples
    --------
    >>> check_publishable(pd.DataFrame({"band": ["40-60"], "n": [25]}))
    >>> try:
    ...     check_publishable(pd.DataFrame({"participant_id": ["P0001"]}), name="cells")
    ... except DisclosureError as error:
    ...     print(error)
    cells may not be published: column 'participant_id' looks like an identifier
    """
    allowed = set(allow)
    flat = frame.reset_index() if _has_named_index(frame) else frame.copy()
    flat.columns = [":".join(map(str, c)) if isinstance(c, tuple) else str(c)
                    for c in flat.columns]
    known = {str(v) for v in identifiers}
    names = pd.Series(list(flat.columns), dtype=object)
    secret = _known(names, known) | _holds_bsn(names)
    problems = []
    for position, column in enumerate(flat.columns):
        label = f"column {position + 1}" if secret[position] else f"column {column!r}"
        words = set(re.split(r"[^a-z0-9]+", column.lower())) | {
            re.sub(r"[^a-z0-9]", "", column.lower())}
        if secret[position]:
            problems.append(f"{label} is named after an identifier")
        elif column in allowed:
            pass
        elif words & _ID_WORDS:
            problems.append(f"{label} looks like an identifier")
        elif column.lower() in ROW_LEVEL_COLUMNS:
            problems.append(f"{label} holds row-level data (one value per person or event)")
        values = flat.iloc[:, position]
        text = values.dropna().astype(str)
        if known and _known(text, known).any():
            problems.append(f"{label} contains a known identifier")
        if (values.dtype == object or pd.api.types.is_string_dtype(values)
                or pd.api.types.is_integer_dtype(values)) and _holds_bsn(text).any():
            problems.append(f"{label} contains a value that passes the BSN 11-test")
    labels = pd.Series([str(v) for label in frame.index
                        for v in (label if isinstance(label, tuple) else (label,))], dtype=object)
    if (_known(labels, known) | _holds_bsn(labels)).any():
        problems.append("the row labels contain an identifier")
    if problems:
        raise DisclosureError(f"{name} may not be published: " + "; ".join(problems))


def _holds_bsn(texts: pd.Series) -> np.ndarray:
    """Texts that are or contain 8 or 9 digits passing the 11-test.

    Nine digits in groups of three are left out: a reader's text writes large amounts
    that way (``123.456.789``).
    """
    return contains_bsn(texts, threes=False)


def _known(values: pd.Series, known: set[str]) -> np.ndarray:
    """Which values are known identifiers, by set look-up: the cost follows the (small)
    table, not the identifiers (``Series.isin`` hashes the whole set on every call, which
    took 40 s over a report's tables at 100,000 participants)."""
    return np.fromiter((value in known for value in values), dtype=bool, count=len(values))


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(level is not None for level in frame.index.names)
