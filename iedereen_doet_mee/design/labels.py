"""Checks shared by the design's declarations: labels, label lists and whole numbers.

Each raises :class:`~iedereen_doet_mee.errors.DesignError` naming the field as the
user wrote it (``"strata"``, ``"outcomes.work_16h.min_steps"``, ...).

Examples
--------
>>> label_list("arms", ["no", "yes"])
('no', 'yes')
>>> check_label("outcomes", "work 16h")
Traceback (most recent call last):
...
iedereen_doet_mee.errors.DesignError: TrialDesign field 'outcomes': label 'work 16h' is not
allowed: use letters, digits and _ . + - only (no spaces, no '/')
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import DesignError

__all__ = ["LABEL_PATTERN", "check_label", "label_list", "positive_int"]

#: What a label (stratum, arm, kind, outcome name) may hold: it becomes part of terms
#: such as ``band=40-60:instruments=yes`` and of file names, so no spaces and no ``/``.
LABEL_PATTERN = re.compile(r"^[A-Za-z0-9_.+\-]+$")


def check_label(field: str, label: Any) -> str:
    """``label`` when it is an allowed label, else a :class:`DesignError` naming ``field``."""
    if not isinstance(label, str) or not LABEL_PATTERN.match(label):
        raise DesignError(
            field,
            f"label {label!r} is not allowed: use letters, digits and _ . + - only "
            "(no spaces, no '/')",
        )
    return label


def label_list(field: str, value: Any) -> tuple[str, ...]:
    """A non-empty sequence of distinct labels as a tuple."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise DesignError(field, f"must be a list of labels, got {value!r}")
    labels = tuple(value)
    if not labels:
        raise DesignError(field, "must hold at least one label")
    for label in labels:
        check_label(field, label)
    if len(set(labels)) != len(labels):
        raise DesignError(field, f"labels must be distinct, got {list(labels)}")
    return labels


def positive_int(field: str, value: Any, *, allow_zero: bool = False) -> int:
    """A whole number of at least 1 (or 0 with ``allow_zero``); ``bool`` is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DesignError(field, f"must be an integer, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "at least 1"
        raise DesignError(field, f"must be {bound}, got {value}")
    return value
