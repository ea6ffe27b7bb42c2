"""The ``[chain]`` table of ``design.toml``: a programme run as a chain of stages.

Some programmes pass people through a fixed order of partners (Maastricht, seed 002:
intake and benefit at Social Affairs, a talent assessment, a work-experience company,
job matching), with practical support on the side (a bus card, a bicycle, childcare,
work clothes, a certificate of conduct). A design declares such a chain as an ordered
list of instrument kinds; a participant entered a stage when the ``instruments``
table holds a row of that kind for them::

    [chain]
    stages = ["intake", "talent_assessment", "work_experience", "job_matching"]
    practical_support = ["bus_card", "bicycle", "childcare", "work_clothes",
                         "certificate_of_conduct"]

``practical_support`` (optional) names the instrument kinds that are practical support
rather than a stage; without it, rows of the kind ``practical_support`` are counted as
practical support. This module checks both lists (:func:`check_chain`) and converts
between the table and the design's two fields, ``chain`` and
``practical_support_kinds`` (:func:`chain_table`, :func:`chain_fields`).

Examples
--------
>>> check_chain(("intake", "job_matching"), (), ())
(('intake', 'job_matching'), ())
>>> check_chain(("intake",), (), ())
Traceback (most recent call last):
...
iedereen_doet_mee.errors.DesignError: TrialDesign field 'chain.stages': a chain needs at least
2 stages, got ['intake']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import DesignError
from .labels import check_label

__all__ = ["CHAIN_KEYS", "DEFAULT_SUPPORT_KIND", "chain_fields", "chain_table", "check_chain",
           "support_kinds"]

#: The keys of the ``[chain]`` table, in the order they are written.
CHAIN_KEYS: tuple[str, ...] = ("stages", "practical_support")
#: The instrument kind counted as practical support when the design names none.
DEFAULT_SUPPORT_KIND = "practical_support"


def _kinds(field: str, value: Any) -> tuple[str, ...]:
    """A sequence of distinct labels (possibly empty) as a tuple."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise DesignError(field, f"must be a list of instrument kinds, got {value!r}")
    kinds = tuple(value)
    for kind in kinds:
        check_label(field, kind)
    repeated = sorted({k for k in kinds if kinds.count(k) > 1})
    if repeated:
        raise DesignError(field, f"stages and kinds must be distinct; repeated: {repeated}")
    return kinds


def check_chain(stages: Any, support: Any, instrument_kinds: tuple[str, ...]
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The chain's stages and practical-support kinds, checked, or a :class:`DesignError`.

    Rules: the stages are distinct labels, at least two when any are given; with the
    design's ``instrument_kinds`` declared (non-empty), every stage and support kind is
    one of them; support kinds are distinct, not stages, and need a chain.

    Parameters
    ----------
    stages : sequence of str, or mapping
        The ordered stages (``chain.stages``), or the whole ``[chain]`` table (then
        ``support`` must be empty).
    support : sequence of str
        The practical-support kinds (``chain.practical_support``).
    instrument_kinds : tuple of str
        The design's instrument kinds (empty: any kind is allowed).
    """
    if isinstance(stages, Mapping):
        fields = chain_fields(stages)
        if tuple(support) and tuple(fields["practical_support_kinds"]):
            raise DesignError("chain.practical_support", "given twice: in the chain table "
                                                         "and as practical_support_kinds")
        stages, support = fields["chain"], tuple(fields["practical_support_kinds"]) or support
    stages = _kinds("chain.stages", stages)
    support = _kinds("chain.practical_support", support)
    if len(stages) == 1:
        raise DesignError("chain.stages", f"a chain needs at least 2 stages, got {list(stages)}")
    if support and not stages:
        raise DesignError("chain.practical_support", "practical support is reported with a "
                                                     "chain; declare its stages as well")
    for field, kinds in (("chain.stages", stages), ("chain.practical_support", support)):
        unknown = [k for k in kinds if instrument_kinds and k not in instrument_kinds]
        if unknown:
            raise DesignError(field, f"{unknown} not among the design's instrument_kinds "
                                     f"{list(instrument_kinds)}")
    both = [k for k in support if k in stages]
    if both:
        raise DesignError("chain.practical_support", f"{both} are stages of the chain; a kind "
                                                     "is a stage or practical support, not both")
    return stages, support


def chain_table(stages: tuple[str, ...], support: tuple[str, ...]) -> dict[str, list[str]]:
    """The ``[chain]`` table of a design (empty without a chain).

    Examples
    --------
    >>> chain_table(("intake", "job_matching"), ("bus_card",))
    {'stages': ['intake', 'job_matching'], 'practical_support': ['bus_card']}
    >>> chain_table((), ())
    {}
    """
    table: dict[str, list[str]] = {}
    if stages:
        table["stages"] = list(stages)
    if support:
        table["practical_support"] = list(support)
    return table


def chain_fields(table: Any, *, source: str = "design") -> dict[str, Any]:
    """The design fields ``chain`` and ``practical_support_kinds`` of a ``[chain]`` table.

    Raises
    ------
    DesignError
        For a value that is not a table or an unknown key (naming it and ``source``).

    Examples
    --------
    >>> chain_fields({"stages": ["intake", "job_matching"]})
    {'chain': ['intake', 'job_matching'], 'practical_support_kinds': ()}
    >>> chain_fields({"stage": ["intake"]}, source="design.toml")
    Traceback (most recent call last):
    ...
    iedereen_doet_mee.errors.DesignError: TrialDesign field 'chain.stage': unknown key in
    design.toml; allowed keys are stages, practical_support
    """
    if not isinstance(table, Mapping):
        raise DesignError("chain", f"must be a table with stages = [...] (in {source}), got "
                                   f"{table!r}")
    for key in table:
        if key not in CHAIN_KEYS:
            raise DesignError(f"chain.{key}", f"unknown key in {source}; allowed keys are "
                                              f"{', '.join(CHAIN_KEYS)}")
    return {"chain": table.get("stages", ()),
            "practical_support_kinds": table.get("practical_support", ())}


def support_kinds(design: Any) -> tuple[str, ...]:
    """The instrument kinds counted as practical support: those the design declares, else
    ``practical_support`` when the design allows that kind (none otherwise).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> support_kinds(TrialDesign(chain=("job_coach", "work_experience")))
    ('practical_support',)
    >>> support_kinds(TrialDesign(instrument_kinds=("intake", "matching"),
    ...                           chain=("intake", "matching")))
    ()
    """
    if design.practical_support_kinds:
        return tuple(design.practical_support_kinds)
    kinds = design.instrument_kinds
    return (DEFAULT_SUPPORT_KIND,) if not kinds or DEFAULT_SUPPORT_KIND in kinds else ()
