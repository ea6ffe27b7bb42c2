"""The grammar of a result's ``term``: which group of people a row is about.

A row over a group of people has a *cell term*: ``overall`` (everyone), or
``key=value`` pairs joined by ``:`` (``band=40-60``, ``band=40-60:instruments=yes``),
with ``key:value`` as the short form of one pair (``arm:yes``, ``scale_score:40-60``).
Other terms (a contrast ``yes - no``, a model coefficient ``instrumentsyes``, an
instrument kind) do not name one group. A term may start with what is counted,
``outcome=<name>:`` (the declared outcomes of :mod:`.outcome_shares`): that pair names a
family of counts over the groups, not a group (:func:`split_family`). Disclosure
control builds its hierarchy of groups from cell terms and the figures place their
rows by them: both read this one grammar.

Examples
--------
>>> sorted(term_groups("band=40-60:instruments=yes"))
[('band', '40-60'), ('instruments', 'yes')]
>>> term_groups("overall"), term_groups("arm:yes"), term_groups("yes - no")
(frozenset(), frozenset({('arm', 'yes')}), None)
"""

from __future__ import annotations

import re

__all__ = ["FAMILY_KEY", "parent_term", "split_family", "term_groups", "term_pairs"]

#: The key of a term's leading pair that names what is counted rather than who.
FAMILY_KEY = "outcome"


def term_groups(term: str) -> frozenset[tuple[str, str]] | None:
    """The (key, value) pairs of a cell term; the empty set for ``overall``; None for a
    term that names no group (a contrast, a coefficient, free text)."""
    term = str(term)
    if term == "overall":
        return frozenset()
    if "=" not in term and term.count(":") == 1:
        term = term.replace(":", "=")
    pairs = [p.partition("=") for p in term.split(":")]
    if any(not k or not sep or not v or "=" in v or re.search(r"\s", k + v)
           for k, sep, v in pairs):
        return None
    keys = [k for k, _, _ in pairs]
    return frozenset((k, v) for k, _, v in pairs) if len(set(keys)) == len(keys) else None


def term_pairs(term: str) -> dict[str, str]:
    """The pairs of a cell term as a dict; empty for ``overall`` and for a term that
    names no group.

    Examples
    --------
    >>> term_pairs("band=40-60:instruments=yes")
    {'band': '40-60', 'instruments': 'yes'}
    >>> term_pairs("pooled")
    {}
    """
    if not term_groups(term):
        return {}
    text = str(term) if "=" in str(term) else str(term).replace(":", "=")
    return {key: value for key, _, value in (part.partition("=") for part in text.split(":"))}


def split_family(term: str) -> tuple[str, str]:
    """The family a term's row belongs to (its leading ``outcome=<name>`` pair, or ``""``)
    and the term of the group of people without it (``overall`` when nothing is left).

    Examples
    --------
    >>> split_family("outcome=work_16h:band=40-60")
    ('outcome=work_16h', 'band=40-60')
    >>> split_family("outcome=work_16h"), split_family("band=40-60")
    (('outcome=work_16h', 'overall'), ('', 'band=40-60'))
    """
    text = str(term)
    head, sep, rest = text.partition(":")
    if head.startswith(f"{FAMILY_KEY}=") and len(head) > len(FAMILY_KEY) + 1:
        return head, (rest if sep and rest else "overall")
    return "", text


def parent_term(term: str) -> str:
    """The term without its last pair: the group a row about a part of it belongs to
    (``overall`` for a term of one pair).

    Examples
    --------
    >>> parent_term("stage=intake:after=left"), parent_term("stage=intake")
    ('stage=intake', 'overall')
    >>> parent_term("arm:no")
    'overall'
    """
    text = str(term)
    head, sep, _ = text.rpartition(":")
    return head if sep and "=" in text else "overall"
