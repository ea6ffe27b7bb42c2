"""Every number of the report as a tidy record: what ``results.json`` holds.

A record has the fields of :data:`RECORD_FIELDS`: ``question`` and ``outcome``, then
the tidy columns of every analysis result (:data:`~iedereen_doet_mee.analysis.results.
TIDY_COLUMNS`). Analysis results become records row by row, with the research
question and the outcome they are about; counts and shares of the descriptive tables
(CONSORT flow, baseline, ESF indicators) become records with estimators such as
``count`` and ``share``; the design diagnosis becomes records of the question
``design_diagnosis`` (:func:`design_records`), whose estimators are declared in
:data:`DESIGN_ESTIMATORS`. Notebooks and downstream tools read these records instead
of recomputing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from ..analysis.estimators import UnregisteredEstimatorError, estimator_info
from ..analysis.results import TIDY_COLUMNS
from ..analysis.trial_analysis import TrialAnalysis
from ..diagnosis.primary_precision import PrimaryPrecision
from ..diagnosis.results import TARGET_MET_DIAGNOSAND, TARGET_MET_KEY, Diagnosis

__all__ = ["DESIGN_ESTIMATORS", "RECORD_FIELDS", "analysis_records", "count_records",
           "design_estimator_label", "design_records", "plain_value", "record_ids",
           "record_labels", "records_to_json"]

RECORD_FIELDS: tuple[str, ...] = ("question", "outcome", *TIDY_COLUMNS)


def analysis_records(analysis: TrialAnalysis) -> pd.DataFrame:
    """Every row of every result's tidy table, with ``question`` and ``outcome`` (the
    question registry's outcome of each question).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import analyse_trial
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> frame = analysis_records(analyse_trial(simulate_trial(seed=1), n_draws=100,
    ...                                        n_bootstrap=100))
    >>> tuple(frame.columns) == RECORD_FIELDS, sorted(frame["outcome"].unique())[:2]
    (True, ['costs_and_savings', 'durable_placement'])
    """
    return analysis.to_frame()[list(RECORD_FIELDS)]


def record_ids(n: int) -> list[str]:
    """The IDs of ``n`` published records in their order: ``R001``, ``R002``, ...

    The report prints a record's ID beside its number; ``results.json`` and the
    workbook's results sheet carry it, so a reader finds the number's full record
    (estimator, interval, n) there. IDs follow the order of the records, which is fixed
    by the design and the questions answered, so the same data give the same IDs.

    Examples
    --------
    >>> record_ids(3)
    ['R001', 'R002', 'R003']
    >>> record_ids(1000)[-1]
    'R1000'
    """
    return [f"R{i:03d}" for i in range(1, n + 1)]


def count_records(question: str, outcome: str, counts: Mapping[str, Any], *,
                  estimator: str = "count") -> pd.DataFrame:
    """Records of plain counts, one per term (e.g. CONSORT boxes).

    Examples
    --------
    >>> frame = count_records("consort", "participants", {"allocated": 100})
    >>> tuple(frame.columns) == RECORD_FIELDS, frame["estimate"].tolist()
    (True, [100.0])
    """
    rows = [{"question": question, "outcome": outcome, "term": term, "estimator": estimator,
             "estimate": float(value) if value is not None else math.nan,
             "std_error": math.nan, "statistic": math.nan, "conf_low": math.nan,
             "conf_high": math.nan, "p_value": math.nan,
             "n": value if estimator == "count" else None}
            for term, value in counts.items()]
    return pd.DataFrame(rows, columns=list(RECORD_FIELDS))


#: Estimators of the design records (question ``design_diagnosis``): what the design can
#: detect, not an analysis of the trial's data, so they are declared here rather than in
#: :mod:`~iedereen_doet_mee.analysis.estimators`; label in Dutch and English.
DESIGN_ESTIMATORS: dict[str, tuple[str, str]] = {
    "risk_difference_block_weighted:power": (
        "onderscheidend vermogen van het gewogen risicoverschil",
        "power of the block-weighted risk difference"),
    "fisher_exact_two_sided:power": (
        "onderscheidend vermogen van de exacte toets van Fisher (tweezijdig)",
        "power of Fisher's exact test (two-sided)"),
    "binomial_exact_one_sided_target_met:power": (
        "kans dat de exacte binomiale toets aantoont dat het doel gehaald is",
        "power of the exact binomial test that the target is met"),
    "probability_target_met": (
        "kans dat het project het doel haalt", "probability that the project meets its target"),
    "risk_difference_block_weighted:mde_80_simulated": (
        "kleinste aantoonbare effect bij 80% onderscheidend vermogen (simulatie)",
        "minimum detectable effect at 80% power (simulation)"),
    "risk_difference_block_weighted:mde_80_closed_form": (
        "kleinste aantoonbare effect bij 80% onderscheidend vermogen (formule, Cohen's h)",
        "minimum detectable effect at 80% power (formula, Cohen's h)"),
    "primary_outcome_expected_share": (
        "verwacht aandeel dat de primaire uitkomst bereikt (simulatie)",
        "expected share reaching the primary outcome (simulation)"),
    "primary_outcome_expected_ci_width": (
        "verwachte breedte van het exacte 95%-betrouwbaarheidsinterval van de primaire uitkomst",
        "expected width of the exact 95% confidence interval of the primary outcome"),
    "primary_outcome_probability_target_met": (
        "kans dat de primaire uitkomst het doel haalt",
        "probability that the primary outcome meets the target"),
    "risk_difference_block_weighted:null_rejection_assigned": (
        "verwerpingskans zonder effect bij toewijzing door klantmanagers",
        "rejection rate without any effect under assignment by caseworkers"),
}

#: The diagnosands that become design records: (term, estimator) of the analysis whose
#: power is reported.
_POWER_OF = (("overall", "risk_difference_block_weighted"),
             ("pooled", "fisher_exact_two_sided"),
             ("overall", "binomial_exact_one_sided_target_met"))


def design_estimator_label(name: str, lang: Literal["nl", "en"]) -> str:
    """The label of a design record's estimator.

    Raises
    ------
    UnregisteredEstimatorError
        When ``name`` is not in :data:`DESIGN_ESTIMATORS`.

    Examples
    --------
    >>> design_estimator_label("probability_target_met", "en")
    'probability that the project meets its target'
    """
    if name not in DESIGN_ESTIMATORS:
        raise UnregisteredEstimatorError(
            f"design record estimator {name!r} is not registered in {__name__}."
            "DESIGN_ESTIMATORS; declare it there (label nl, en)")
    nl, en = DESIGN_ESTIMATORS[name]
    return nl if lang == "nl" else en


def _design_record(outcome: str, term: str, estimator: str, estimate: float, *,
                   std_error: float = math.nan, conf_low: float = math.nan,
                   conf_high: float = math.nan, n: int | None) -> dict[str, Any]:
    design_estimator_label(estimator, "en")  # raises for an undeclared name
    return {"question": "design_diagnosis", "outcome": outcome, "term": term,
            "estimate": float(estimate), "std_error": float(std_error), "statistic": math.nan,
            "p_value": math.nan, "conf_low": float(conf_low), "conf_high": float(conf_high),
            "estimator": estimator, "n": n}


def design_records(diagnosis: Diagnosis | None, mde: pd.Series | None,
                   precision: PrimaryPrecision | None = None) -> pd.DataFrame:
    """Power, probability of meeting the target and the MDE as result records (none
    when the design was not diagnosed), and the precision of a primary outcome other
    than regular work (:mod:`~iedereen_doet_mee.diagnosis.primary_precision`; outcome
    its name, ``n`` the planned units, ``std_error`` the Monte Carlo error of the share).

    The diagnosands are read from :meth:`Diagnosis.to_frame` by their keys (term,
    estimator, diagnosand); ``std_error`` is the Monte Carlo standard error and ``n``
    the number of simulated trials (none for the closed-form MDE).

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.diagnosis import diagnose_design
    >>> d = diagnose_design(TrialDesign(allocation="randomised"), sims=50, seed=1)
    >>> frame = design_records(d, None)
    >>> frame["estimator"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['risk_difference_block_weighted:power', 'fisher_exact_two_sided:power',
     'binomial_exact_one_sided_target_met:power', 'probability_target_met']
    >>> tuple(frame.columns) == (*RECORD_FIELDS, "suppressed")
    True
    """
    rows: list[dict[str, Any]] = []
    if diagnosis is not None:
        frame = diagnosis.to_frame().set_index(["term", "estimator", "diagnosand"])
        if not frame.index.is_unique:
            raise ValueError("design_records: the diagnosis has a term, estimator and "
                             "diagnosand more than once")
        sims = int(diagnosis.settings["sims"])
        for term, estimator in _POWER_OF:
            if (term, estimator, "power") in frame.index:
                row = frame.loc[(term, estimator, "power")]
                rows.append(_design_record("power", term, f"{estimator}:power",
                                           row["estimate"], std_error=row["std_error"],
                                           n=sims))
        term, estimator = TARGET_MET_KEY.split("|")
        if diagnosis.target_met is not None:  # none without a declared target
            row = frame.loc[(term, estimator, TARGET_MET_DIAGNOSAND)]
            rows.append(_design_record("regular_work", term, "probability_target_met",
                                       row["estimate"], std_error=row["std_error"], n=sims))
        if mde is not None:
            rows.append(_design_record(
                "minimum_detectable_effect", "overall",
                "risk_difference_block_weighted:mde_80_simulated", mde["mde"],
                conf_low=mde["mde_low"], conf_high=mde["mde_high"], n=sims))
            rows.append(_design_record(
                "minimum_detectable_effect", "overall",
                "risk_difference_block_weighted:mde_80_closed_form", mde["closed_form_mde"],
                n=None))
            if "null_rejection_assigned" in mde:
                rows.append(_design_record(
                    "type_i_error", "overall",
                    "risk_difference_block_weighted:null_rejection_assigned",
                    mde["null_rejection_assigned"], n=sims))
    if precision is not None:
        name, n = precision.outcome, precision.planned_units
        rows.append(_design_record(name, "overall", "primary_outcome_expected_share",
                                   precision.expected_share,
                                   std_error=precision.share_std_error, n=n))
        rows.append(_design_record(name, "overall", "primary_outcome_expected_ci_width",
                                   precision.expected_width, n=n))
        if precision.probability_target_met is not None:
            rows.append(_design_record(name, "overall",
                                       "primary_outcome_probability_target_met",
                                       precision.probability_target_met, n=n))
    out = pd.DataFrame(rows, columns=list(RECORD_FIELDS))
    out["n"] = out["n"].astype("Int64")
    out["suppressed"] = pd.Series(False, index=out.index, dtype=bool)
    return out


def record_labels(records: pd.DataFrame, lang: Literal["nl", "en"]) -> pd.Series:
    """The registered label of each record's estimator, in ``lang``.

    Design records (question ``design_diagnosis``) are labelled from
    :data:`DESIGN_ESTIMATORS`, every other record from the estimator registry
    (:func:`~iedereen_doet_mee.analysis.estimators.estimator_info`); a Holm-adjusted or
    non-experimental estimator says so after its label.

    Raises
    ------
    UnregisteredEstimatorError
        When a record's estimator is registered in neither place.

    Examples
    --------
    >>> frame = pd.DataFrame({"question": ["target", "design_diagnosis"],
    ...                       "estimator": ["proportion_wilson", "probability_target_met"]})
    >>> record_labels(frame, "en").tolist()
    ['share with Wilson interval', 'probability that the project meets its target']
    """
    suffixes = {"nl": (" (Holm-gecorrigeerd)", " (verband, niet-experimenteel)"),
                "en": (" (Holm-adjusted)", " (association, non-experimental)")}[lang]

    def one(question: str, estimator: str) -> str:
        if question == "design_diagnosis":
            return design_estimator_label(estimator, lang)
        info = estimator_info(estimator)
        return (info.label(lang) + (suffixes[0] if info.holm else "")
                + (suffixes[1] if info.non_experimental else ""))

    return pd.Series([one(str(q), str(e)) for q, e in
                      zip(records["question"], records["estimator"], strict=True)],
                     index=records.index, name="label", dtype=object)


def plain_value(value: Any) -> Any:
    """A value as plain Python: NaN and NA as None, numpy scalars as Python numbers.

    Examples
    --------
    >>> import numpy as np
    >>> plain_value(np.float64("nan")), plain_value(np.int64(3))
    (None, 3)
    """
    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return float(value) if isinstance(value, float) else int(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return plain_value(value.item())
    return value


def records_to_json(frames: Iterable[pd.DataFrame]) -> list[dict[str, Any]]:
    """Records as plain dicts (NaN as null, numpy scalars as Python numbers).

    Examples
    --------
    >>> records_to_json([count_records("consort", "participants", {"allocated": 100})])[0]["n"]
    100
    """
    out = []
    for frame in frames:
        for row in frame.to_dict(orient="records"):
            out.append({key: plain_value(value) for key, value in row.items()})
    return out
