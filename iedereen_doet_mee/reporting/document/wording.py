"""How the report names a design's parts: its strata, arms, funder and primary outcome.

The report was first written for "Iedereen doet mee": wage-value bands crossed with
instruments yes / no, funded by the ESF. A :class:`Wording` holds what the report needs
to know of any other design, so that its text, labels and section titles come from
that design: strata that are not wage-value bands are named by ``stratum_label``, arms
that are not instruments yes / no by ``arm_label``, a programme that the ESF does not
fund makes no ESF claim. The default ``Wording()`` is that of "Iedereen doet mee",
whose report keeps its words unchanged.
"""

from __future__ import annotations

import dataclasses
import re

from ...design.trial_design import TrialDesign
from ..figures.style import instrument_arms, label, wage_bands
from .texts import Language

__all__ = ["Wording"]

_FACTOR = re.compile(r"\b(band|instruments)=")


@dataclasses.dataclass(frozen=True)
class Wording:
    """The design's words the report uses.

    Attributes
    ----------
    strata, arms : tuple of str
        The design's strata and arms, in order.
    control_arm : str or None
        The comparison arm (``None`` with one arm).
    stratum_label, arm_label : str
        The design's names of its strata and arms, shown as the design gives them (in
        either language) when the strata are not wage-value bands or the arms not
        instruments yes / no.
    esf : bool
        Whether the ESF funds the programme.

    Examples
    --------
    >>> words = Wording.of(TrialDesign(strata=("north", "south"), arms=("usual", "coach"),
    ...                                stratum_label="district", arm_label="approach"))
    >>> words.term("band=north:instruments=coach")
    'district=north:approach=coach'
    >>> Wording().term("band=40-60:instruments=yes")
    'band=40-60:instruments=yes'
    """

    strata: tuple[str, ...] = ("40-60", "60-80")
    arms: tuple[str, ...] = ("no", "yes")
    control_arm: str | None = "no"
    stratum_label: str = "wage-value band"
    arm_label: str = "instruments"
    esf: bool = True

    @classmethod
    def of(cls, design: TrialDesign) -> Wording:
        """The words of ``design``."""
        return cls(tuple(design.strata), tuple(design.arms), design.control_arm,
                   design.stratum_label, design.arm_label, design.esf)

    @property
    def bands(self) -> bool:
        """Whether the strata are wage-value bands."""
        return wage_bands(self.strata)

    @property
    def instruments(self) -> bool:
        """Whether the arms are instruments yes / no."""
        return instrument_arms(self.arms)

    @property
    def default_layout(self) -> bool:
        """Whether the design is laid out as "Iedereen doet mee" (bands 40-60 and 60-80
        crossed with instruments no / yes), whose texts name these levels."""
        return self.strata == ("40-60", "60-80") and self.arms == ("no", "yes")

    def stratum(self, lang: Language) -> str:
        """The name of a stratum: "loonwaardeband" / "wage-value band" for bands, else
        the design's ``stratum_label``."""
        return label("band", lang) if self.bands else self.stratum_label

    def arm(self, lang: Language) -> str:
        """The name of the arms: "instrumenten" / "instruments" for instruments yes /
        no, else the design's ``arm_label``."""
        return label("instruments", lang) if self.instruments else self.arm_label

    @property
    def treated_arm(self) -> str | None:
        """The arm compared with the control arm, when there are exactly two."""
        if len(self.arms) != 2 or self.control_arm is None:
            return None
        return next(a for a in self.arms if a != self.control_arm)

    def term(self, term: str) -> str:
        """A result's term with the data model's column names ``band`` and
        ``instruments`` replaced by the design's labels, where the design's strata
        are not wage-value bands or its arms not instruments yes / no."""
        def name(match: re.Match[str]) -> str:
            column = match.group(1)
            if column == "band" and not self.bands:
                return f"{self.stratum_label}="
            if column == "instruments" and not self.instruments:
                return f"{self.arm_label}="
            return match.group(0)

        return _FACTOR.sub(name, term)
