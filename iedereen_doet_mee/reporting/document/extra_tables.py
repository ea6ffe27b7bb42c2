"""Tables the report adds to the question registry's (issue 13, item 5).

* :func:`missing_section`: the bounds for loss to follow-up (question ``"missing"``),
  with what they mean;
* :func:`holm_section`: the secondary comparisons' p-values, unadjusted and
  Holm-adjusted (question ``"multiplicity"``), with what Holm's method does;
* :func:`steering_section`: the forecast of an interim report (question
  ``"steering"``, :mod:`~iedereen_doet_mee.reporting.forecast`) with its assumptions;
* :func:`unit_note`: the units and horizon of the survival, wage-value and ordinal
  ladder tables;
* :func:`merged_table`: the wage-value models in one table, each term's rows together.

Every number comes from the records (after disclosure control): a withheld record
stays withheld.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from ...analysis.estimators import HOLM_SUFFIX, NON_EXPERIMENTAL, estimator_info
from ...analysis.questions import QUESTIONS, section_title
from ..forecast import FORECAST_ESTIMATORS, STEERING, ForecastFacts
from .answers import record_ref
from .blocks import Paragraph, Section, Table
from .texts import Language, fmt_date, fmt_number, fmt_p_value, fmt_percent, text
from .withheld_rows import results_table

__all__ = ["holm_section", "merged_table", "missing_section", "raw_estimator",
           "steering_section", "unit_note"]

#: The questions whose tables carry a line on units (and horizon).
_UNITS = {"survival": "units_survival", "wage_value": "units_wage_value",
          "wage_value_within": "units_wage_value", "ladder_ordinal": "units_ladder_ordinal"}


def unit_note(question: str, lang: Language, horizons: Mapping[str, float]) -> str | None:
    """The line on units (and horizon) under ``question``'s table, or None.

    ``horizons`` maps a question to its horizon in months (the survival analysis' tau);
    without it the survival table gets no line rather than a guessed horizon.

    Examples
    --------
    >>> unit_note("survival", "nl", {"survival": 12.0})[:62]
    'Eenheden: de cumulatieve incidentie is het aandeel dat binnen '
    >>> "12 months" in unit_note("survival", "en", {"survival": 12.0})
    True
    >>> unit_note("survival", "en", {}) is None, unit_note("target", "en", {}) is None
    (True, True)
    """
    key = _UNITS.get(question)
    if key is None:
        return None
    if question == "survival":
        tau = horizons.get("survival")
        if tau is None:
            return None
        return text(key, lang, tau=fmt_number(tau, lang, 0 if float(tau).is_integer() else 1))
    return text(key, lang, unit=text("wage_growth_unit", lang))


def merged_table(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several text tables of the same columns as one: every row kept, the rows of one
    term (first column, or the second after a record's "ID") together, terms in the order
    they first appear.

    Examples
    --------
    >>> a = pd.DataFrame({"term": ["x", "y"], "estimator": ["A", "A"]})
    >>> b = pd.DataFrame({"term": ["x", "y"], "estimator": ["B", "B"]})
    >>> merged_table([a, b])["estimator"].tolist()
    ['A', 'B', 'A', 'B']
    """
    both = pd.concat(list(frames), ignore_index=True)
    if both.empty:
        return both
    first = both.iloc[:, 1 if both.columns[0] == "ID" else 0]  # the term, after an ID
    order = first.map({term: i for i, term in enumerate(dict.fromkeys(first))})
    return both.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def missing_section(records: pd.DataFrame, lang: Language, rows: Callable[[str], pd.DataFrame],
                    note: str, *, public: bool = True) -> Section | None:
    """The bounds for loss to follow-up: what they mean, then the table of the
    ``"missing"`` records (``rows(question)`` formats a question's records); None when
    there are none. ``public``: a report under disclosure control, which says that rows
    giving away a small number lost are withheld (the internal report withholds
    nothing, so it does not say so)."""
    if not (records["question"] == "missing").any():
        return None
    title = text("missing_section", lang)
    line = text("missing_line", lang)
    if public:
        line = f"{line} {text('missing_withheld', lang)}"
    return Section("missing", title, (Paragraph(line),
                                      results_table(title, rows("missing"), note, lang)))


def raw_estimator(holm: str) -> str:
    """The estimator of the unadjusted row behind a Holm-adjusted one.

    Examples
    --------
    >>> raw_estimator("lmm_reml_satterthwaite_holm_non_experimental")
    'lmm_reml_satterthwaite_non_experimental'
    >>> raw_estimator("proportional_odds_logit_holm")
    'proportional_odds_logit'
    """
    tail = NON_EXPERIMENTAL if holm.endswith(NON_EXPERIMENTAL) else ""
    base = holm[:len(holm) - len(tail)]
    if not base.endswith(HOLM_SUFFIX):
        raise ValueError(f"raw_estimator: {holm!r} is not a Holm-adjusted estimator")
    return base[:-len(HOLM_SUFFIX)] + tail


def _holm_frame(records: pd.DataFrame, lang: Language,
                words: Callable[[str], str]) -> pd.DataFrame:
    """One row per comparison of the family: question and term in words, estimator,
    estimate, unadjusted p (from the comparison's own record) and Holm-adjusted p."""
    withheld = text("suppressed", lang)
    ids = int("id" in records.columns)
    out = []
    for _, r in records[records["question"] == "multiplicity"].iterrows():
        question, _, term = str(r["term"]).partition(": ")
        raw = records[(records["question"] == question) & (records["term"] == term)
                      & (records["estimator"] == raw_estimator(str(r["estimator"])))]
        info = estimator_info(str(r["estimator"]))
        hidden = bool(r.get("suppressed", False))
        raw_hidden = raw.empty or bool(raw["suppressed"].iloc[0])
        where = QUESTIONS[question].section if question in QUESTIONS else None
        shown = words(term) if where is None else \
            f"{section_title(where, lang, target=None)}: {words(term)}"
        out.append([str(r["id"])] * ids + [shown, info.nl if lang == "nl" else info.en,
                    withheld if hidden else fmt_number(r["estimate"], lang, info.digits),
                    withheld if raw_hidden else fmt_p_value(raw["p_value"].iloc[0], lang, 3),
                    withheld if hidden else fmt_p_value(r["p_value"], lang, 3)])
    return pd.DataFrame(out, columns=["ID"] * ids + [
                                      text("holm_hypothesis", lang), text("estimator", lang),
                                      text("estimate", lang), text("holm_raw_p", lang),
                                      text("holm_adjusted_p", lang)])


def holm_section(records: pd.DataFrame, lang: Language, words: Callable[[str], str],
                 note: str, outcome: str | None = None) -> Section | None:
    """Holm's adjustment over the secondary comparisons: what it does, then the table;
    None when the analysis has no ``"multiplicity"`` question. ``outcome`` names the
    primary outcome, which is not adjusted (default: regular-work outflow)."""
    if "multiplicity" not in set(records["question"]):
        return None
    title = text("holm_section", lang)
    frame = _holm_frame(records, lang, words)
    blocks: tuple = (Paragraph(text("holm_line", lang,
                                    outcome=outcome or text("default_primary", lang))),
                     Table(title, frame, note=note) if len(frame) else
                     Paragraph(text("holm_none", lang)))
    return Section("multiplicity", title, blocks)


def _forecast_value(row: pd.Series, lang: Language) -> tuple[str, str]:
    """The value and interval of a forecast record, as the report shows them."""
    if bool(row.get("suppressed", False)):
        return text("suppressed", lang), text("suppressed", lang)
    scale = estimator_info(str(row["estimator"])).scale
    if scale == "count":
        return fmt_number(row["estimate"], lang, 0), "-"
    value = fmt_percent(row["estimate"], lang)
    if pd.isna(row["conf_low"]):
        return value, "-"
    between = "tot" if lang == "nl" else "to"
    return value, (f"{fmt_percent(row['conf_low'], lang, 0)} {between} "
                   f"{fmt_percent(row['conf_high'], lang, 0)}")


def steering_section(records: pd.DataFrame, lang: Language, facts: ForecastFacts | None,
                     as_of: str, target: float | None, note: str) -> Section | None:
    """The interim forecast: where the project stands, the forecast, its assumptions;
    None for a final report (``facts`` None)."""
    if facts is None:
        return None
    title = text("steering_section", lang)
    if facts.reason is not None:
        return Section(STEERING, title, (Paragraph(text(
            "steering_not_available", lang, reason=text(f"steering_{facts.reason}", lang))),))
    part = records[records["question"] == STEERING]
    by_name = {str(r["estimator"]): r for _, r in part.iterrows()}
    ids = int("id" in part.columns)
    rows = []
    for name in FORECAST_ESTIMATORS:
        if name in by_name:
            info = estimator_info(name)
            rows.append([str(by_name[name].get("id", ""))] * ids + [
                info.nl if lang == "nl" else info.en, *_forecast_value(by_name[name], lang)])
    level = round(100 * facts.level)
    frame = pd.DataFrame(rows, columns=["ID"] * ids + [
        "", text("steering_value", lang), text("steering_interval", lang, level=level)])
    count = by_name.get("target_count")
    n_total = "-" if count is None or pd.isna(count["n"]) else str(int(count["n"]))
    need = "-" if count is None or bool(count["suppressed"]) else \
        fmt_number(count["estimate"], lang, 0)
    shares = dict(facts.shares)
    pieces = ", ".join(fmt_number(p, lang, 0) for p in facts.pieces)
    return Section(STEERING, title, (
        Paragraph(text("steering_line", lang, as_of=fmt_date(as_of, lang),
                       cutoff=fmt_date(facts.cutoff, lang),
                       target=fmt_percent(target, lang, 0), n_total=n_total,
                       target_count=need) + record_ref(count)),
        Table(title, frame, note=note),
        Paragraph(text("steering_assumptions", lang, pieces=pieces,
                       work=fmt_percent(shares["regular_work"], lang, 0),
                       other=fmt_percent(shares["other"], lang, 0), draws=facts.draws,
                       seed=facts.seed, mc_error=_mc_error(by_name, lang)))))


def _mc_error(by_name: Mapping[str, pd.Series], lang: Language) -> str:
    row = by_name.get("predictive_probability_target_met")
    if row is None or bool(row["suppressed"]):
        return text("suppressed", lang)
    return fmt_percent(row["std_error"], lang)
