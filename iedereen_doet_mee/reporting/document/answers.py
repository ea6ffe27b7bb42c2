"""Page 1 of the report: the research questions answered first.

A steering group reads the first page and perhaps no more. :func:`answer_blocks` gives,
after the target, one or two plain sentences per research question, each with its
number, 95% interval and how firm the answer is (:func:`firmness`); then one table of
the groups (:func:`groups_table`: people, outflow, share, exact interval, against the
target) and a box "what this study can and cannot say" (:func:`limits_blocks`: power and
minimum detectable effect from the design diagnosis, whether allocation was
randomised, and how long each enrolment cohort could be followed).

Every number comes from the published records (after disclosure control); a number
withheld there is not given here either, and its sentence says that there were too few
participants to judge. A sentence whose records the design does not have is left out.
"""

from __future__ import annotations

import math

import pandas as pd

from ...analysis.terms import term_pairs
from ..figures.style import label
from .blocks import Block, Paragraph, Table
from .scale import beyond_scale, no_interval
from .term_words import term_words
from .texts import Language, fmt_number, fmt_percent, fmt_points, text

__all__ = ["answer_blocks", "firmness", "groups_table", "limits_blocks", "record_ref",
           "term_words"]


def _rows(records: pd.DataFrame, question: str, estimator: str) -> pd.DataFrame:
    """The records of one question and estimator (full name or prefix)."""
    part = records[records["question"] == question]
    names = part["estimator"].astype(str)
    return part[(names == estimator) | names.str.startswith(estimator + "_")]


def _one(records: pd.DataFrame, question: str, estimator: str, term: str
         ) -> pd.Series | None:
    rows = _rows(records, question, estimator)
    rows = rows[rows["term"].astype(str) == term]
    return None if rows.empty else rows.iloc[0]


def _shown(row: pd.Series | None) -> bool:
    """Whether a record is published with a finite estimate."""
    return row is not None and not bool(row.get("suppressed", False)) and \
        math.isfinite(float(row["estimate"]))


def record_ref(*rows: pd.Series | None) -> str:
    """`` [R012]`` (or `` [R012; R015]``): the IDs of the records a sentence's numbers
    come from, to find them in ``results.json`` and the workbook; "" without IDs.

    Examples
    --------
    >>> record_ref(pd.Series({"id": "R012"}), None, pd.Series({"id": "R015"}))
    ' [R012; R015]'
    >>> record_ref(pd.Series({"estimate": 0.1}))
    ''
    """
    ids = [str(row["id"]) for row in rows
           if row is not None and not pd.isna(row.get("id", None))]
    return f" [{'; '.join(ids)}]" if ids else ""


def firmness(row: pd.Series | None, lang: Language, *, null: float = 0.0) -> str:
    """How firm an answer is, from its record: withheld, clear, or uncertain.

    Withheld (or absent): too few participants to judge. Otherwise the 95% interval
    either excludes ``null`` (a clear difference; for a non-randomised comparison still
    an association) or includes it (no clear difference).

    Examples
    --------
    >>> row = pd.Series({"estimate": 0.1, "conf_low": -0.05, "conf_high": 0.25,
    ...                  "suppressed": False})
    >>> firmness(row, "nl")
    'onzeker: het interval omvat nul, dus geen duidelijk verschil'
    >>> firmness(None, "en")
    'too few participants to judge this'
    """
    if row is not None and not bool(row.get("suppressed", False)) and not _shown(row):
        return text("firm_not_estimable", lang)  # published, but without a value
    if not _shown(row):
        return text("firm_withheld", lang)
    low, high = float(row["conf_low"]), float(row["conf_high"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return text("firm_no_interval", lang)
    return text("firm_clear" if low > null or high < null else "firm_unclear", lang)


def _interval(row: pd.Series, lang: Language, fmt) -> str:
    return text("interval_words", lang, low=fmt(float(row["conf_low"])),
                high=fmt(float(row["conf_high"])))


def _effects_line(records: pd.DataFrame, lang: Language, term) -> str | None:
    """Did the arm compared help, overall and per stratum: g-computation, or weighting
    (IPW) when g-computation's model could not be estimated (it gives no value where a
    group has no outflow at all) while nothing is withheld."""
    key = "answer_effects"
    rows = _comparisons(records, "risk_difference_gcomputation_adjusted")
    if not rows.empty and not any(_shown(r) or bool(r.get("suppressed", False))
                                  for _, r in rows.iterrows()):
        weighted = _comparisons(records, "risk_difference_ipw")
        if any(_shown(r) for _, r in weighted.iterrows()):
            rows, key = weighted, "answer_effects_ipw"
    if rows.empty:
        return None
    if not any(_shown(row) for _, row in rows.iterrows()):
        return text("answer_effects_withheld", lang, firm=firmness(rows.iloc[0], lang))
    parts = []
    for _, row in rows.iterrows():
        name = term(str(row["term"]))
        if _shown(row):
            parts.append(text("answer_effect_part", lang, group=name,
                              value=fmt_points(float(row["estimate"]), lang),
                              interval=_interval(row, lang, lambda v: fmt_points(v, lang)),
                              firm=firmness(row, lang)) + record_ref(row))
        else:
            parts.append(text("answer_effect_withheld", lang, group=name,
                              firm=firmness(row, lang)))
    return text(key, lang, parts="; ".join(parts))


def _comparisons(records: pd.DataFrame, estimator: str) -> pd.DataFrame:
    """The effects rows of ``estimator`` per group compared (not the differences
    between groups, ``a - b``)."""
    rows = _rows(records, "effects", estimator)
    return rows[~rows["term"].astype(str).str.contains(" - ")]


def _answer(row: pd.Series | None, key: str, lang: Language, fmt, **fields: object
            ) -> str | None:
    """The sentence ``key`` for one record: its estimate and interval in ``fmt``, its
    firmness and ``n``; ``key + "_withheld"`` when the record is withheld; ``None`` when
    the design has no such record."""
    if row is None:
        return None
    if not _shown(row):
        return text(key + "_withheld", lang, firm=firmness(None, lang))
    return text(key, lang, value=fmt(float(row["estimate"])),
                interval=_interval(row, lang, fmt), firm=firmness(row, lang),
                n=int(row["n"]), **fields) + record_ref(row)


def _wage_line(records: pd.DataFrame, lang: Language) -> str | None:
    """How wage value developed: the difference in growth per month between the arms, in
    the unit of the wage-value table's note."""
    return _answer(_one(records, "wage_value", "lmm_reml_satterthwaite",
                        "growth_difference[instruments=yes - no]"), "answer_wage", lang,
                   lambda v: fmt_number(v, lang, 2), unit=text("wage_growth_unit", lang))


def _employers_line(records: pd.DataFrame, lang: Language,
                    likert_points: int | None = None) -> str | None:
    """What employers said: the mean answer to "would hire again"; without an interval
    when there is one answer (or equal ones), and saying so when the interval runs past
    the ends of the scale 1..``likert_points``."""
    row = _one(records, "employers", "mean_t_interval", "would_hire_again")
    def one(v: float) -> str:
        return fmt_number(v, lang, 1)

    why = None if row is None else no_interval(row)
    if why is not None:
        return text("answer_employers_one" if why == "one" else "answer_employers_equal",
                    lang, value=one(float(row["estimate"])), n=int(row["n"])) + record_ref(row)
    line = _answer(row, "answer_employers", lang, one)
    if row is not None and beyond_scale(row, likert_points):
        line += " " + text("answer_scale_beyond", lang, points=likert_points)
    return line


def _ladder_line(records: pd.DataFrame, lang: Language, term) -> str | None:
    """Did people move up the participation ladder: the share that rose at least one
    rung, and the arms compared in the ordinal model (log-odds, above zero = higher)."""
    share = _answer(_one(records, "ladder", "proportion_wilson", "overall"),
                    "answer_ladder", lang, lambda v: fmt_percent(v, lang, 0))
    if share is None:
        return None
    arms = _rows(records, "ladder_ordinal", "proportional_odds_logit_non_experimental")
    arms = arms[arms["term"].astype(str).str.contains(" vs ")]
    if len(arms) != 1:
        return share
    row = arms.iloc[0]
    compared = _answer(row, "answer_ladder_arms", lang, lambda v: fmt_number(v, lang, 2),
                       groups=term(str(row["term"])))
    return f"{share} {compared}"


def _instruments_line(records: pd.DataFrame, lang: Language) -> str | None:
    """Which instruments went with durable placement (Newcombe interval excludes 0)."""
    rows = _rows(records, "instruments", "associational_risk_difference_newcombe")
    if rows.empty:
        return None
    shown = rows[[_shown(r) for _, r in rows.iterrows()]]
    if shown.empty:
        return text("answer_instruments_withheld", lang, firm=firmness(None, lang))
    clear = [r for _, r in shown.iterrows() if firmness(r, lang) == text("firm_clear", lang)]
    if not clear:
        return text("answer_instruments_none", lang, k=len(shown))
    names = ", ".join(f"{label('kind=' + str(r['term']), lang, default=str(r['term']))}"
                      f" ({fmt_points(float(r['estimate']), lang)}){record_ref(r)}"
                      for r in clear)
    return text("answer_instruments_some", lang, names=names)


def _costs_line(records: pd.DataFrame, lang: Language) -> str | None:
    """What it cost and saved: the difference in mean net savings per participant."""
    return _answer(_one(records, "costs", "mean_net_savings_difference_eur_bootstrap_percentile",
                        "yes - no"), "answer_costs", lang,
                   lambda v: "EUR " + fmt_number(v, lang, 0))


def answer_blocks(records: pd.DataFrame, lang: Language, term=None, *,
                  likert_points: int | None = None) -> list[Block]:
    """One paragraph per research question the records answer, after the target.

    ``term`` turns a record's term into words (default :func:`term_words`);
    ``likert_points``: the employer survey's scale runs from 1 to this (None: unknown).
    """
    term = term or (lambda t: term_words(t, lang))
    lines = [_effects_line(records, lang, term), _wage_line(records, lang),
             _ladder_line(records, lang, term), _employers_line(records, lang, likert_points),
             _instruments_line(records, lang), _costs_line(records, lang)]
    return [Paragraph(line) for line in lines if line]


def groups_table(records: pd.DataFrame, lang: Language, target: float | None,
                 term=None, note: str = "", primary: bool = False,
                 people: dict[str, int] | None = None) -> Table | None:
    """The groups at a glance: people, outflow, share, exact interval, against the target.

    The finest groups of the target question (cells, else arms or strata) and the total,
    from the Clopper-Pearson rows; a withheld row says "afgeschermd" / "withheld". A
    single group is the total and is shown once. ``primary``: the target question
    counts a declared primary outcome, not outflow to regular work. ``people``: the
    groups' sizes as the report publishes them elsewhere (the CONSORT flow), by term;
    a withheld row shows its group's size from there rather than "withheld".
    """
    people = people or {}
    rows = _rows(records, "target", "proportion_clopper_pearson")
    if rows.empty:
        return None
    term = term or (lambda t: term_words(t, lang))
    depth = rows["term"].astype(str).map(lambda t: 0 if t == "overall" else
                                         len(term_pairs(t)) if "=" in t else -1)
    finest = depth[depth > 0].max() if (depth > 0).any() else 0
    chosen = rows[(depth == finest) | (depth == 0)]
    if (depth == finest).sum() == 1 and (depth == 0).any():  # one group: the total
        chosen = rows[depth == 0]
    chosen = pd.concat([chosen[chosen["term"] != "overall"],
                        chosen[chosen["term"] == "overall"]])
    withheld = text("suppressed", lang)
    ids = "id" in chosen.columns
    out = []
    for _, row in chosen.iterrows():
        name = text("groups_total", lang) if row["term"] == "overall" else \
            term(str(row["term"]))
        ref = [record_ref(row).strip(" []")] if ids else []
        if not _shown(row):
            size = row["n"] if not pd.isna(row["n"]) else people.get(str(row["term"]))
            shown_n = withheld if size is None or pd.isna(size) else str(int(size))
            out.append(ref + [name, shown_n, withheld, withheld, withheld] +
                       ([withheld] if target is not None else []))
            continue
        n, share = int(row["n"]), float(row["estimate"])
        low, high = float(row["conf_low"]), float(row["conf_high"])
        cells = [*ref, name, str(n), str(round(share * n)), fmt_percent(share, lang, 0),
                 text("range_words", lang, low=fmt_percent(low, lang, 0),
                      high=fmt_percent(high, lang, 0))]
        if target is not None:
            cells.append(text("against_above" if low > target else "against_below"
                              if high < target else "against_unclear", lang))
        out.append(cells)
    columns = [text(k, lang) for k in ("groups_group", "groups_n",
                                       "groups_reached" if primary else "groups_outflow",
                                       "groups_share", "groups_interval")]
    if target is not None:
        columns.append(text("groups_against", lang, target=fmt_percent(target, lang, 0)))
    columns = (["ID"] if ids else []) + columns
    return Table(text("groups_caption", lang), pd.DataFrame(out, columns=columns), note=note)


def limits_blocks(records: pd.DataFrame, lang: Language, *, allocation: str,
                  n_arms: int, follow_up: pd.DataFrame | None,
                  assigned: str | None = None) -> list[Block]:
    """The box "wat dit onderzoek wel en niet kan zeggen": power and minimum detectable
    effect, allocation, follow-up per enrolment cohort. ``assigned``: the sentence on
    non-randomised allocation in the design's own words (default: groups with and
    without instruments)."""
    lines = [text("limits_title", lang)]
    power = _one(records, "design_diagnosis", "risk_difference_block_weighted:power",
                 "overall")
    mde = _one(records, "design_diagnosis", "risk_difference_block_weighted:mde_80_simulated",
               "overall")
    if n_arms > 1 and _shown(power):
        lines.append(text("limits_power", lang, power=fmt_percent(float(power["estimate"]),
                                                                  lang, 0),
                          mde=fmt_points(float(mde["estimate"]), lang) if _shown(mde)
                          else "-") + record_ref(power, mde if _shown(mde) else None))
    if n_arms > 1:
        lines.append(text("limits_randomised", lang) if allocation != "assigned" else
                     assigned or text("limits_assigned", lang))
    if follow_up is not None and len(follow_up):
        cohorts = "; ".join(text("limits_cohort", lang, period=r.period, n=r.n,
                                 low=fmt_number(r.months_low, lang, 0),
                                 high=fmt_number(r.months_high, lang, 0))
                            for r in follow_up.itertuples(index=False))
        lines.append(text("limits_follow_up", lang, cohorts=cohorts))
    return [Paragraph(" ".join(lines[:1]), strong=True), *(Paragraph(x) for x in lines[1:])]
