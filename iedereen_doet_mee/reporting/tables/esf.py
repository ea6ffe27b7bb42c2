"""ESF common indicators for participants (Regulation (EU) No 1304/2013, Annex I).

:func:`esf_indicators` counts, by sex, the output indicators at entry (CO01-CO17) and
the result indicators upon leaving (CR01-CR05) and six months after leaving
(CR06-CR09) from a trial's tables as they stood on ``as_of``. An indicator the data
model cannot support stays in the table with ``available = False`` and the reason.
Definitions, data sources and every choice are in ``docs/esf-indicators.md``. The
output holds counts only, never an identifier.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from ...data.loading import TrialData
from ...dates import parse_iso_date
from ..figures.style import Language, label

__all__ = ["ESF_COLUMNS", "ESF_INDICATORS", "LONGER_TERM_MONTHS", "TRAINING_KINDS",
           "UPON_LEAVING_DAYS", "Indicator", "esf_indicators"]

#: "Upon leaving" is within 4 weeks (28 days) after the day the participant left.
UPON_LEAVING_DAYS = 28
#: "Six months after leaving" is the day six calendar months after leaving.
LONGER_TERM_MONTHS = 6
#: Instrument kinds that count as education or training (CR02).
TRAINING_KINDS: tuple[str, ...] = ("training",)

ESF_COLUMNS: tuple[str, ...] = (
    "code", "indicator", "indicator_nl", "group", "men", "women", "sex_other_or_unknown",
    "total", "unknown", "population", "not_yet_countable", "available", "reason", "note",
    "reason_nl")


class Indicator(NamedTuple):
    """One common indicator: code, English and Dutch name, group."""

    code: str
    indicator: str
    indicator_nl: str
    group: str


_OUT, _NOW, _LATER = "output", "immediate result", "longer-term result"
_AFTER = "na hun deelname"
_SIX = "zes maanden na hun deelname"
ESF_INDICATORS: tuple[Indicator, ...] = tuple(Indicator(*row) for row in (
    ("TOTAL", "total participants (counted once)", "totaal aantal deelnemers", _OUT),
    ("CO01", "unemployed, including long-term unemployed",
     "werklozen, inclusief langdurig werklozen", _OUT),
    ("CO02", "long-term unemployed", "langdurig werklozen", _OUT),
    ("CO03", "inactive", "inactieven", _OUT),
    ("CO04", "inactive, not in education or training",
     "inactieven die geen onderwijs of opleiding volgen", _OUT),
    ("CO05", "employed, including self-employed", "werkenden, inclusief zelfstandigen", _OUT),
    ("CO06", "below 25 years of age", "jonger dan 25 jaar", _OUT),
    ("CO07", "above 54 years of age", "ouder dan 54 jaar", _OUT),
    ("CO08", "above 54 years of age who are unemployed, including long-term unemployed, or "
     "inactive not in education or training",
     "ouder dan 54 jaar die werkloos zijn, inclusief langdurig werklozen, of inactief zijn "
     "en geen onderwijs of opleiding volgen", _OUT),
    ("CO09", "with primary (ISCED 1) or lower secondary education (ISCED 2)",
     "met primair onderwijs (ISCED 1) of lager secundair onderwijs (ISCED 2)", _OUT),
    ("CO10", "with upper secondary (ISCED 3) or post-secondary education (ISCED 4)",
     "met hoger secundair onderwijs (ISCED 3) of postsecundair onderwijs (ISCED 4)", _OUT),
    ("CO11", "with tertiary education (ISCED 5 to 8)",
     "met tertiair onderwijs (ISCED 5 tot en met 8)", _OUT),
    ("CO12", "participants who live in jobless households",
     "deelnemers in een huishouden zonder werkende leden", _OUT),
    ("CO13", "participants who live in jobless households with dependent children",
     "deelnemers in een huishouden zonder werkende leden met kinderen ten laste", _OUT),
    ("CO14", "participants who live in a single adult household with dependent children",
     "deelnemers in een huishouden van één volwassene met kinderen ten laste", _OUT),
    ("CO15", "migrants, participants with a foreign background, minorities (including "
     "marginalised communities such as the Roma)",
     "migranten, deelnemers met een buitenlandse achtergrond, minderheden (waaronder "
     "gemarginaliseerde gemeenschappen zoals de Roma)", _OUT),
    ("CO16", "participants with disabilities", "deelnemers met een handicap", _OUT),
    ("CO17", "other disadvantaged", "andere kansarmen", _OUT),
    ("CR01", "inactive participants newly engaged in job searching upon leaving",
     f"inactieve deelnemers die {_AFTER} werk zoeken", _NOW),
    ("CR02", "participants in education/training upon leaving",
     f"deelnemers die {_AFTER} onderwijs of een opleiding volgen", _NOW),
    ("CR03", "participants gaining a qualification upon leaving",
     f"deelnemers die {_AFTER} een kwalificatie behalen", _NOW),
    ("CR04", "participants in employment, including self-employment, upon leaving",
     f"deelnemers die {_AFTER} aan het werk zijn, inclusief zelfstandigen", _NOW),
    ("CR05", "disadvantaged participants engaged in job searching, education/training, "
     "gaining a qualification, in employment, including self-employment, upon leaving",
     f"kansarme deelnemers die {_AFTER} werk zoeken, onderwijs of een opleiding volgen, "
     "een kwalificatie behalen of aan het werk zijn, inclusief zelfstandigen", _NOW),
    ("CR06", "participants in employment, including self-employment, six months after "
     "leaving", f"deelnemers die {_SIX} aan het werk zijn, inclusief zelfstandigen", _LATER),
    ("CR07", "participants with an improved labour market situation six months after "
     "leaving", f"deelnemers met een betere positie op de arbeidsmarkt {_SIX}", _LATER),
    ("CR08", "participants above 54 years of age in employment, including self-employment, "
     "six months after leaving",
     f"deelnemers ouder dan 54 jaar die {_SIX} aan het werk zijn, inclusief zelfstandigen",
     _LATER),
    ("CR09", "disadvantaged participants in employment, including self-employment, six "
     "months after leaving",
     f"kansarme deelnemers die {_SIX} aan het werk zijn, inclusief zelfstandigen", _LATER),
))

#: Why an indicator the data model cannot support is missing: its reason's key in the
#: label registry (:data:`~iedereen_doet_mee.reporting.figures.style.LABELS`, "esf:...").
_STRUCTURAL: dict[str, str] = {
    "CO04": "esf:no_study", "CO08": "esf:no_study_inactive",
    "CO17": "esf:no_other_disadvantage", "CR01": "esf:no_job_search",
    "CR05": "esf:no_other_nor_job_search", "CR07": "esf:no_improvement", "CR09": "esf:no_other",
}


class _UnavailableError(Exception):
    """The data cannot support an indicator; ``key`` (with ``values``) says why, in the
    label registry."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.reason("en"))

    def reason(self, lang: Language) -> str:
        """Why, in ``lang``."""
        return label(self.key, lang).format(**self.values)


@dataclasses.dataclass(frozen=True)
class _Counted:
    """Per participant: the indicator (NA when unknown) among its population."""

    values: pd.Series
    population: np.ndarray
    not_yet: int = 0
    note: str | None = None


@dataclasses.dataclass(frozen=True)
class _Context:
    people: pd.DataFrame
    stamp: pd.Timestamp
    employment: pd.DataFrame | None
    instruments: pd.DataFrame | None

    def column(self, name: str) -> pd.Series:
        if name not in self.people:
            raise _UnavailableError("esf:no_column", name=name)
        return self.people[name]

    def is_in(self, name: str, *levels: str) -> pd.Series:
        """``name`` in ``levels`` per participant, missing where the value is missing."""
        column = self.column(name)
        hit = column.astype(object).isin(levels).to_numpy()
        return pd.Series(pd.array(np.where(column.isna(), None, hit), dtype="boolean"))

    def yes(self, name: str) -> pd.Series:
        return pd.Series(pd.array(self.column(name).to_numpy(), dtype="boolean"))

    def age(self) -> pd.Series:
        return pd.Series(pd.array(self.column("age").to_numpy(), dtype="Float64"))


def _once(people: pd.DataFrame, stamp: pd.Timestamp) -> pd.DataFrame:
    """One row per participant entered by ``stamp``: first entry, final exit."""
    entered = people[people["enrolled_on"] <= stamp]
    ordered = entered.sort_values(["participant_id", "enrolled_on"], kind="stable")
    first = ordered.drop_duplicates("participant_id", keep="first").set_index("participant_id")
    last = ordered.drop_duplicates("participant_id", keep="last").set_index("participant_id")
    for column in ("left_project_on", "follow_up_end_on"):
        if column in first:
            first[column] = last[column]
    if "qualification_on" in first:
        first["qualification_on"] = ordered.groupby("participant_id")["qualification_on"].min()
    out = first.reset_index()
    if "left_project_on" in out:  # a departure after as_of is not known yet
        out["left_project_on"] = out["left_project_on"].where(out["left_project_on"] <= stamp)
    loss = out.get("follow_up_end_on", pd.Series(pd.NaT, index=out.index))
    out["known_until"] = loss.where(loss < stamp, stamp).fillna(stamp)
    return out


def _output(values: pd.Series, ctx: _Context) -> _Counted:
    return _Counted(values.reset_index(drop=True), np.ones(len(ctx.people), dtype=bool))


def _long_term_unemployed(ctx: _Context) -> pd.Series:
    months = pd.Series(pd.array(ctx.column("months_on_benefit").to_numpy(), dtype="Float64"))
    return ctx.is_in("labour_status_entry", "unemployed") & (
        (months > 12) | ((ctx.age() < 25) & (months > 6)))


def _result(ctx: _Context, status: Callable[[pd.Series], pd.Series], *, days: int = 0,
            months: int = 0, among: pd.Series | None = None,
            note: str | None = None) -> _Counted:
    """``status`` at the measurement point of each leaver whose point is reached.

    Without evidence of the status, a participant whose follow-up ended before the
    point is unknown; ``among`` (a characteristic at entry) restricts the count.
    """
    left = pd.Series(ctx.column("left_project_on").to_numpy(), dtype="datetime64[ns]")
    point = (left + pd.Timedelta(days=days)) if days else (left + pd.DateOffset(months=months))
    point = point.astype("datetime64[ns]")
    reached = (left.notna() & (point <= ctx.stamp)).to_numpy()
    not_yet = int((left.notna() & (point > ctx.stamp)).sum())
    values = status(point.where(reached))
    lost = reached & (ctx.people["known_until"] < point).to_numpy()
    values = values.astype("boolean").where(~lost | values.fillna(False).astype(bool), pd.NA)
    values = values.astype("boolean").reset_index(drop=True)
    if among is not None:
        values = among.reset_index(drop=True) & values
    return _Counted(values, reached, not_yet, note)


def _covering(table: pd.DataFrame, ids: pd.Series, point: pd.Series) -> pd.Series:
    """Whether a spell of ``table`` runs on each participant's ``point`` (NaT: no)."""
    wanted = pd.DataFrame({"participant_id": ids, "point": point}).dropna()
    spells = table[["participant_id", "started_on", "ended_on"]].merge(wanted, on="participant_id")
    runs = spells[(spells["started_on"] <= spells["point"])
                  & (spells["ended_on"].isna() | (spells["ended_on"] >= spells["point"]))]
    return pd.Series(ids.isin(runs["participant_id"]).to_numpy())


def _employed(ctx: _Context) -> Callable[[pd.Series], pd.Series]:
    if ctx.employment is None:
        raise _UnavailableError("esf:no_employment_table")
    jobs = ctx.employment
    return lambda point: _covering(jobs, ctx.people["participant_id"], point)


def _in_education(ctx: _Context, point: pd.Series) -> pd.Series:
    """Left benefit for education by the point (and not back), or in a training instrument."""
    back = ctx.people.get("returned_on", pd.Series(pd.NaT, index=ctx.people.index))
    education = ((ctx.people["exit_reason"].astype(object) == "education")
                 & (ctx.people["exit_on"] <= point) & ~(back <= point)).to_numpy(copy=True)
    if ctx.instruments is not None:
        training = ctx.instruments[ctx.instruments["kind"].astype(object).isin(TRAINING_KINDS)]
        education |= _covering(training, ctx.people["participant_id"], point).to_numpy()
    return pd.Series(education)


def _qualified(ctx: _Context) -> Callable[[pd.Series], pd.Series]:
    gained = pd.Series(ctx.column("qualification_on").to_numpy(), dtype="datetime64[ns]")
    entry = ctx.people["enrolled_on"].reset_index(drop=True)
    return lambda point: pd.Series(((gained >= entry) & (gained <= point)).to_numpy())


def _rules(ctx: _Context) -> dict[str, Callable[[], _Counted]]:
    def out(values: Callable[[], pd.Series]) -> Callable[[], _Counted]:
        return lambda: _output(values(), ctx)

    now, later = {"days": UPON_LEAVING_DAYS}, {"months": LONGER_TERM_MONTHS}
    training_note = (None if ctx.instruments is not None else
                     "no instruments table: only exits from benefit to education count")
    return {
        "TOTAL": out(lambda: pd.Series(pd.array([True] * len(ctx.people), dtype="boolean"))),
        "CO01": out(lambda: ctx.is_in("labour_status_entry", "unemployed")),
        "CO02": out(lambda: _long_term_unemployed(ctx)),
        "CO03": out(lambda: ctx.is_in("labour_status_entry", "inactive")),
        "CO05": out(lambda: ctx.is_in("labour_status_entry", "employed")),
        "CO06": out(lambda: ctx.age() < 25),
        "CO07": out(lambda: ctx.age() > 54),
        "CO09": out(lambda: ctx.is_in("education", "isced_1_2")),
        "CO10": out(lambda: ctx.is_in("education", "isced_3_4")),
        "CO11": out(lambda: ctx.is_in("education", "isced_5_8")),
        "CO12": out(lambda: ctx.yes("jobless_household")),
        "CO13": out(lambda: ctx.yes("jobless_household") & _children(ctx)),
        "CO14": out(lambda: _single_adult_with_children(ctx)),
        "CO15": out(lambda: ctx.yes("migrant_background")),
        "CO16": out(lambda: ctx.yes("disability")),
        "CR02": lambda: _result(ctx, lambda p: _in_education(ctx, p), note=training_note,
                                **now),
        "CR03": lambda: _result(ctx, _qualified(ctx), **now),
        "CR04": lambda: _result(ctx, _employed(ctx), **now),
        "CR06": lambda: _result(ctx, _employed(ctx), **later),
        "CR08": lambda: _result(ctx, _employed(ctx), among=ctx.age() > 54, **later),
    }


def _children(ctx: _Context) -> pd.Series:
    """Dependent children in the household; unknown for household ``other``."""
    known = ctx.is_in("household", "single", "couple", "single_parent", "couple_with_children")
    kids = ctx.is_in("household", "single_parent", "couple_with_children")
    return kids.where(known.fillna(False).astype(bool), pd.NA).astype("boolean")


def _single_adult_with_children(ctx: _Context) -> pd.Series:
    kids = _children(ctx)
    single = ctx.is_in("household", "single_parent")
    return single.where(kids.notna(), pd.NA).astype("boolean")


def _count_row(spec: Indicator, counted: _Counted, sex: pd.Series | None) -> dict:
    values = counted.values[counted.population]
    hit = values.fillna(False).to_numpy(dtype=bool)
    row = {"total": int(hit.sum()), "unknown": int(values.isna().sum()),
           "population": int(counted.population.sum()), "not_yet_countable": counted.not_yet,
           "available": True, "reason": None, "note": counted.note}
    if sex is None:
        row.update(men=None, women=None, sex_other_or_unknown=None)
        row["note"] = "; ".join(filter(None, [counted.note, "sex is not recorded"]))
    else:
        sex = sex[counted.population].to_numpy()
        men, women = int((hit & (sex == "male")).sum()), int((hit & (sex == "female")).sum())
        row.update(men=men, women=women, sex_other_or_unknown=row["total"] - men - women)
    return {**spec._asdict(), **row}


def esf_indicators(trial: TrialData, *, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """ESF common output and result indicators for participants, by sex.

    Parameters
    ----------
    trial : TrialData
        A validated trial.
    as_of : date or ISO str, optional
        The day the counts stand on; default the design's cut-off (a later day is
        refused: the data cannot know it).

    Returns
    -------
    pandas.DataFrame
        One row per indicator (``ESF_COLUMNS``): ``code`` (``TOTAL``, CO01-CO17,
        CR01-CR09), ``indicator``, ``indicator_nl``, ``group``; counts ``men``,
        ``women``, ``sex_other_or_unknown`` and ``total`` (nullable integers);
        ``unknown`` (in the population but undeterminable: a missing value, or
        follow-up ended before the measurement point), ``population`` (participants
        the indicator is counted among), ``not_yet_countable`` (left, but the
        measurement point lies after ``as_of``), ``available`` with ``reason`` when
        not, and ``note``; ``reason_nl`` is the reason in Dutch. No identifier appears.

    Notes
    -----
    Output indicators describe participants at their first entry; results count
    participants who left the operation by ``as_of`` (final exit), measured on day
    ``left + 28`` (upon leaving: the status after the last event in the 4-week window;
    employment and job searching are mutually exclusive) and six calendar months
    after leaving. Employment (regular, subsidised or self-employed) comes from the
    employment table. Each definition is in ``docs/esf-indicators.md``; sources:
    Regulation (EU) No 1304/2013, Annex I, and the Commission's SFC guidance on the
    reference period of immediate result indicators.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> table = esf_indicators(simulate_trial(seed=1)).set_index("code")
    >>> int(table.loc["TOTAL", "total"]), bool(table.loc["CR07", "available"])
    (100, False)
    """
    as_of = trial.design.cutoff if as_of is None else parse_iso_date(as_of)
    if as_of > trial.design.cutoff:
        raise ValueError(f"esf_indicators: as_of {as_of} lies after the data cut-off "
                         f"{trial.design.cutoff}; the data cannot know what happened later")
    stamp = pd.Timestamp(as_of)
    people = _once(trial.participants, stamp)
    ctx = _Context(people, stamp, trial.table("employment"), trial.table("instruments"))
    sex = people["sex"].astype(object).reset_index(drop=True) if "sex" in people else None
    rules = _rules(ctx)
    rows = []
    for spec in ESF_INDICATORS:
        try:
            if spec.code in _STRUCTURAL:
                raise _UnavailableError(_STRUCTURAL[spec.code])
            rows.append(_count_row(spec, rules[spec.code](), sex))
        except _UnavailableError as missing:
            rows.append({**spec._asdict(), "available": False,
                         "reason": missing.reason("en"), "reason_nl": missing.reason("nl")})
    frame = pd.DataFrame(rows, columns=list(ESF_COLUMNS))
    for column in ESF_COLUMNS[4:11]:
        frame[column] = pd.array(frame[column].to_numpy(dtype=object), dtype="Int64")
    frame["available"] = frame["available"].astype(bool)
    for column in ("reason", "note", "reason_nl"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
