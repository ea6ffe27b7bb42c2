"""The estimator registry: every estimator the package can report, declared once.

An analysis names the estimator of each row of its tidy table (``estimator`` column).
What that name means for the rest of the package is declared here and nowhere else:

* its label in Dutch and English;
* its **kind** for disclosure control (:data:`DISCLOSURE_KINDS`), which decides how
  :func:`~iedereen_doet_mee.reporting.disclosure.suppress_results` protects its rows;
* whether it **compares arms**, so that under assigned allocation its rows carry the
  non-experimental label (``True``, ``False``, or the term prefixes of the rows that
  do, for a model whose other terms compare bands);
* its **scale** (:data:`SCALES`), which fixes the unit and the digits the report
  prints;
* whether the report's tables **show** it (model internals stay in ``results.json``).

Two suffixes compose with a registered name: ``_holm`` (the p-value adjusted by Holm
over a family, :func:`~iedereen_doet_mee.analysis.multiplicity.holm_adjust`) and
``_non_experimental`` (the label). :func:`estimator_info` resolves a full name and
raises :class:`UnregisteredEstimatorError` for a name that is not declared, so a new
estimator cannot silently get the weakest protection or no label.

Examples
--------
>>> info = estimator_info("risk_difference_hc2_non_experimental")
>>> info.name, info.kind, info.compares_arms, info.non_experimental
('risk_difference_hc2', 'contrast', True, True)
>>> estimator_info("proportion_clopper_pearson").label("nl")
'aandeel met exact betrouwbaarheidsinterval (Clopper-Pearson)'
>>> try:
...     estimator_info("no_such_estimator")
... except UnregisteredEstimatorError as error:
...     print(error)
estimator 'no_such_estimator' is not registered in iedereen_doet_mee.analysis.estimators;
declare it there (label, disclosure kind, arms, scale)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Literal

__all__ = ["DISCLOSURE_KINDS", "ESTIMATORS", "HOLM_SUFFIX", "NON_EXPERIMENTAL", "SCALES",
           "Estimator", "EstimatorInfo", "UnregisteredEstimatorError", "disclosure_classes",
           "estimator_info"]

#: Suffix of a comparison of arms that were not randomised.
NON_EXPERIMENTAL = "_non_experimental"
#: Suffix of a p-value adjusted by Holm's procedure over a family of tests.
HOLM_SUFFIX = "_holm"

DisclosureKind = Literal["proportion", "mean", "sum", "count", "part", "dependent", "contrast",
                         "model"]

#: How disclosure control treats each kind (``docs/disclosure.md``).
DISCLOSURE_KINDS: dict[str, str] = {
    "proportion": "events / n: estimate x n is a count, protected with n - count over "
                  "the term hierarchy",
    "mean": "a mean over the n people: estimate x n is a sum, protected over the terms",
    "sum": "a total over the n people, protected over the terms",
    "count": "a number of people (estimate = n, the people of its term): protected over "
             "the term hierarchy, zero included",
    "part": "a share of a group in one of its parts: its term is the part, the term without "
            "its last pair the group (n); hidden when either is",
    "dependent": "a statistic of one group computed from its count: hidden with its term",
    "contrast": "a comparison of the groups below its term: hidden when any of them is",
    "model": "a model statistic over all n people of its row (coefficient, variance "
             "component, rank or reliability statistic): shown when n reaches the "
             "threshold; it reveals no count of a subgroup",
}

#: Scales: unit in Dutch and English, and the digits the report prints.
SCALES: dict[str, tuple[str, str, int]] = {
    "share": ("aandeel", "share", 3),
    "share_difference": ("verschil in aandeel", "difference in shares", 3),
    "ratio": ("verhouding", "ratio", 3),
    "log_odds": ("log-odds", "log odds", 3),
    "probability": ("kans", "probability", 3),
    "p_value": ("overschrijdingskans", "p-value", 3),
    "months": ("maanden", "months", 2),
    "month_difference": ("verschil in maanden", "difference in months", 2),
    "eur": ("euro", "euro", 0),
    "points_per_month": ("loonwaardepunten per maand", "wage-value points per month", 3),
    "points": ("loonwaardepunten", "wage-value points", 3),
    "score": ("score", "score", 3),
    "count": ("aantal", "count", 3),
}


@dataclasses.dataclass(frozen=True)
class Estimator:
    """One registered estimator.

    Attributes
    ----------
    name : str
        The name as the analyses write it (without suffixes).
    nl, en : str
        Label in Dutch and in English.
    kind : str
        Kind for disclosure control, a key of :data:`DISCLOSURE_KINDS`.
    compares_arms : bool or tuple of str
        Whether its rows compare arms; a tuple lists the term prefixes of the rows
        that do (the other terms of the model compare bands or describe one group).
    scale : str
        A key of :data:`SCALES`.
    shown : bool
        Whether the report's tables show its rows (``False``: model internals, kept in
        ``results.json``).
    internal_terms : tuple of str
        Parts of a term that mark a row as a model internal (e.g. the thresholds of a
        proportional-odds model), not shown in the report's tables.
    digits_shown : int, optional
        Digits the report prints, where they differ from the scale's.
    """

    name: str
    nl: str
    en: str
    kind: DisclosureKind
    compares_arms: bool | tuple[str, ...]
    scale: str
    shown: bool = True
    internal_terms: tuple[str, ...] = ()
    digits_shown: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in DISCLOSURE_KINDS:
            raise ValueError(f"estimator {self.name!r}: kind {self.kind!r} is not one of "
                             f"{sorted(DISCLOSURE_KINDS)}")
        if self.scale not in SCALES:
            raise ValueError(f"estimator {self.name!r}: scale {self.scale!r} is not one of "
                             f"{sorted(SCALES)}")
        if self.name.endswith((NON_EXPERIMENTAL, HOLM_SUFFIX)) and self.name != \
                "associational_fisher_exact_p_holm":
            raise ValueError(f"estimator {self.name!r}: register the name without the "
                             f"{NON_EXPERIMENTAL!r} / {HOLM_SUFFIX!r} suffix")

    def label(self, lang: Literal["nl", "en"]) -> str:
        """The label in ``lang`` (``"nl"`` or ``"en"``)."""
        return self.nl if lang == "nl" else self.en

    def row_compares_arms(self, term: str) -> bool:
        """Whether the row with ``term`` compares arms."""
        if isinstance(self.compares_arms, bool):
            return self.compares_arms
        return str(term).startswith(self.compares_arms)

    @property
    def digits(self) -> int:
        """Digits after the decimal separator in the report."""
        return SCALES[self.scale][2] if self.digits_shown is None else self.digits_shown


@dataclasses.dataclass(frozen=True)
class EstimatorInfo:
    """A full estimator name resolved: the registered estimator and its suffixes."""

    full_name: str
    estimator: Estimator
    holm: bool
    non_experimental: bool

    def __getattr__(self, attribute: str):  # the registered estimator's fields
        return getattr(self.estimator, attribute)


class UnregisteredEstimatorError(KeyError):
    """An estimator name that :data:`ESTIMATORS` does not declare."""

    def __str__(self) -> str:
        return str(self.args[0])


_W = "Wald"
_TABLE: tuple[Estimator, ...] = (
    # -- outflow against the target (target) -------------------------------------------
    Estimator("proportion_clopper_pearson",
              "aandeel met exact betrouwbaarheidsinterval (Clopper-Pearson)",
              "share with exact confidence interval (Clopper-Pearson)",
              "proportion", False, "share"),
    Estimator("proportion_wilson", "aandeel met Wilson-interval", "share with Wilson interval",
              "proportion", False, "share"),
    Estimator("binomial_exact_one_sided_target_met",
              "exacte binomiale toets, eenzijdig: doel gehaald",
              "exact binomial test, one-sided: target met", "dependent", False, "p_value"),
    Estimator("binomial_exact_one_sided_target_missed",
              "exacte binomiale toets, eenzijdig: doel niet gehaald",
              "exact binomial test, one-sided: target missed", "dependent", False, "p_value"),
    Estimator("jeffreys_posterior_prob_target_met",
              "kans dat het doel gehaald is (Jeffreys-prior)",
              "probability that the target is met (Jeffreys prior)", "dependent", False,
              "probability"),
    Estimator("kaplan_meier_outflow", "uitstroom volgens Kaplan-Meier",
              "outflow by Kaplan-Meier", "dependent", False, "share"),
    Estimator("kaplan_meier_outflow_longest_estimable",
              "uitstroom volgens Kaplan-Meier op het laatste schatbare moment",
              "outflow by Kaplan-Meier at the longest estimable follow-up", "dependent", False,
              "share"),
    # -- declared outcomes (outcomes) --------------------------------------------------
    Estimator("share_of_outcome_clopper_pearson",
              "aandeel van de uitstroom met deze reden (Clopper-Pearson)",
              "share of the outflow with this reason (Clopper-Pearson)", "proportion", False,
              "share"),
    # -- chains of stages (chain) -------------------------------------------------------
    Estimator("chain_people", "aantal personen", "number of persons", "count", False,
              "count", digits_shown=0),
    Estimator("chain_share_clopper_pearson",
              "aandeel van de bovenliggende groep met exact interval (Clopper-Pearson)",
              "share of the group above with exact interval (Clopper-Pearson)", "part",
              False, "share"),
    Estimator("kaplan_meier_median_months", "mediane duur volgens Kaplan-Meier",
              "median duration by Kaplan-Meier", "dependent", False, "months",
              digits_shown=3),
    # -- time to regular work (survival) -----------------------------------------------
    Estimator("aalen_johansen_cumulative_incidence",
              "cumulatieve incidentie (Aalen-Johansen)", "cumulative incidence (Aalen-Johansen)",
              "dependent", False, "share"),
    Estimator("rmst_kaplan_meier", "beperkte gemiddelde tijd tot werk (Kaplan-Meier)",
              "restricted mean time to work (Kaplan-Meier)", "dependent", False, "months",
              digits_shown=3),
    Estimator("rmst_difference", "verschil in beperkte gemiddelde tijd tot werk",
              "difference in restricted mean time to work", "contrast", True,
              "month_difference", digits_shown=3),
    Estimator("log_rank_stratified", "gestratificeerde logranktoets",
              "stratified log-rank test", "contrast", True, "p_value"),
    Estimator("cox_ph_efron_stratified", "hazardratio (gestratificeerd Cox-model)",
              "hazard ratio (stratified Cox model)", "contrast", True, "ratio"),
    # -- effects of instruments (effects) ----------------------------------------------
    Estimator("risk_difference_block_weighted", "risicoverschil, gewogen over banden",
              "risk difference, weighted over bands", "contrast", True, "share_difference"),
    Estimator("risk_difference_hc2", "risicoverschil (robuuste standaardfout HC2)",
              "risk difference (robust standard error HC2)", "contrast", True,
              "share_difference"),
    Estimator("risk_difference_interaction_hc2",
              "verschil in risicoverschil tussen banden (HC2)",
              "difference in risk difference between bands (HC2)", "contrast", True,
              "share_difference"),
    Estimator("risk_ratio_poisson_hc2", "relatief risico (Poisson, HC2)",
              "risk ratio (Poisson, HC2)", "contrast", True, "ratio"),
    Estimator("odds_ratio_mantel_haenszel", "oddsratio (Mantel-Haenszel)",
              "odds ratio (Mantel-Haenszel)", "contrast", True, "ratio"),
    Estimator("average_marginal_effect_logit", "gemiddeld marginaal effect (logit)",
              "average marginal effect (logit)", "contrast", True, "share_difference"),
    Estimator("ratio_of_odds_ratios_logit", "verhouding van oddsratio's tussen banden (logit)",
              "ratio of odds ratios between bands (logit)", "contrast", True, "ratio"),
    Estimator("ratio_of_odds_ratios_logit_adjusted",
              "verhouding van oddsratio's tussen banden, gecorrigeerd (logit)",
              "ratio of odds ratios between bands, adjusted (logit)", "contrast", True, "ratio"),
    Estimator("logit_coefficient", "coëfficiënt van het logitmodel",
              "coefficient of the logit model", "model", True, "log_odds", shown=False),
    Estimator("logit_coefficient_adjusted", "coëfficiënt van het gecorrigeerde logitmodel",
              "coefficient of the adjusted logit model", "model", True, "log_odds",
              shown=False),
    Estimator("risk_difference_gcomputation_adjusted",
              "risicoverschil, gecorrigeerd (g-computatie)",
              "risk difference, adjusted (g-computation)", "contrast", True,
              "share_difference"),
    Estimator("risk_ratio_gcomputation_adjusted", "relatief risico, gecorrigeerd (g-computatie)",
              "risk ratio, adjusted (g-computation)", "contrast", True, "ratio"),
    Estimator("risk_difference_interaction_gcomputation_adjusted",
              "verschil in risicoverschil tussen banden, gecorrigeerd (g-computatie)",
              "difference in risk difference between bands, adjusted (g-computation)",
              "contrast", True, "share_difference"),
    Estimator("risk_difference_ipw", "risicoverschil, gewogen naar kans op instrumenten (IPW)",
              "risk difference, inverse probability weighted", "contrast", True,
              "share_difference"),
    Estimator("risk_ratio_ipw", "relatief risico, gewogen naar kans op instrumenten (IPW)",
              "risk ratio, inverse probability weighted", "contrast", True, "ratio"),
    Estimator("risk_difference_interaction_ipw",
              "verschil in risicoverschil tussen banden (IPW)",
              "difference in risk difference between bands (IPW)", "contrast", True,
              "share_difference"),
    # -- missing data (missing) --------------------------------------------------------
    Estimator("share_complete_cases", "aandeel onder volledig gevolgden",
              "share among complete cases", "proportion", False, "share"),
    Estimator("share_lost_as_failures", "aandeel als uitvallers niet uitstroomden",
              "share if those lost did not flow out", "proportion", False, "share"),
    Estimator("share_lost_as_successes", "aandeel als uitvallers wel uitstroomden",
              "share if those lost flowed out", "proportion", False, "share"),
    Estimator("risk_difference_complete_cases", "risicoverschil onder volledig gevolgden",
              "risk difference among complete cases", "contrast", True, "share_difference"),
    Estimator("risk_difference_lost_favourable_to_instruments",
              "risicoverschil, uitval gunstig voor instrumenten",
              "risk difference, loss favourable to instruments", "contrast", True,
              "share_difference"),
    Estimator("risk_difference_lost_unfavourable_to_instruments",
              "risicoverschil, uitval ongunstig voor instrumenten",
              "risk difference, loss unfavourable to instruments", "contrast", True,
              "share_difference"),
    # -- wage value (wage_value, wage_value_within) -----------------------------------
    Estimator("lmm_reml", "gemengd model (REML), normale benadering",
              "mixed model (REML), normal approximation", "model",
              ("growth_difference[instruments", "growth_interaction"), "points_per_month"),
    Estimator("lmm_reml_satterthwaite", "gemengd model (REML), t met Satterthwaite-vrijheidsgraden",
              "mixed model (REML), t with Satterthwaite degrees of freedom", "model",
              ("growth_difference[instruments", "growth_interaction"), "points_per_month"),
    Estimator("lmm_reml_variance_component", "variantiecomponent van het gemengde model",
              "variance component of the mixed model", "model", False, "points", shown=False),
    Estimator("within_ols_cr2_satterthwaite",
              "binnen-persoonschatter met CR2-standaardfout",
              "within-person estimator with CR2 standard error", "model",
              ("growth_difference[instruments", "growth_interaction"), "points_per_month"),
    # -- participation ladder (ladder, ladder_ordinal) ---------------------------------
    Estimator("proportional_odds_logit", "proportionele-oddsmodel (logit)",
              "proportional-odds model (logit)", "model", ("instruments=",), "log_odds",
              internal_terms=("threshold",)),
    # -- instruments and durable placements (instruments) ------------------------------
    Estimator("associational_risk_difference_newcombe",
              "verschil in duurzame plaatsing met en zonder instrument (Newcombe)",
              "difference in durable placement with and without the instrument (Newcombe)",
              "contrast", False, "share_difference"),
    Estimator("associational_odds_ratio_conditional_mle_exact",
              "oddsratio met en zonder instrument (exact, conditioneel)",
              "odds ratio with and without the instrument (exact, conditional)", "contrast",
              False, "ratio"),
    Estimator("associational_fisher_exact_p_holm",
              "exacte toets van Fisher, Holm-gecorrigeerd",
              "Fisher's exact test, Holm-adjusted", "contrast", False, "p_value"),
    # -- employers' view (employers) ---------------------------------------------------
    Estimator("mean_t_interval", "gemiddelde met t-interval", "mean with t interval", "mean",
              False, "score"),
    Estimator("difference_in_means_welch", "verschil in gemiddelden (Welch)",
              "difference in means (Welch)", "model", False, "score"),
    Estimator("mann_whitney_u_asymptotic_continuity", "Mann-Whitney-toets",
              "Mann-Whitney test", "model", False, "p_value"),
    Estimator("cronbach_alpha_feldt", "betrouwbaarheid van de schaal (Cronbachs alfa)",
              "reliability of the scale (Cronbach's alpha)", "model", False, "score"),
    # -- costs and savings (costs) -----------------------------------------------------
    Estimator("regular_work_share", "aandeel uitstroom naar regulier werk",
              "share of outflow to regular work", "proportion", False, "share"),
    Estimator("mean_instrument_cost_eur", "gemiddelde kosten van instrumenten",
              "mean cost of instruments", "mean", False, "eur"),
    Estimator("mean_benefit_months_saved", "gemiddeld aantal bespaarde uitkeringsmaanden",
              "mean benefit months saved", "mean", False, "months"),
    Estimator("mean_benefit_savings_eur", "gemiddelde besparing op uitkeringen",
              "mean savings on benefits", "mean", False, "eur"),
    Estimator("mean_net_savings_eur", "gemiddelde nettobesparing", "mean net savings", "mean",
              False, "eur"),
    Estimator("total_instrument_cost_eur", "totale kosten van instrumenten",
              "total cost of instruments", "dependent", False, "eur"),
    Estimator("total_benefit_savings_eur", "totale besparing op uitkeringen",
              "total savings on benefits", "dependent", False, "eur"),
    Estimator("net_savings_eur", "nettobesparing", "net savings", "dependent", False, "eur"),
    Estimator("mean_cost_difference_eur_bootstrap_percentile",
              "verschil in gemiddelde kosten (bootstrap)", "difference in mean cost (bootstrap)",
              "contrast", True, "eur"),
    Estimator("mean_savings_difference_eur_bootstrap_percentile",
              "verschil in gemiddelde besparing (bootstrap)",
              "difference in mean savings (bootstrap)", "contrast", True, "eur"),
    Estimator("mean_net_savings_difference_eur_bootstrap_percentile",
              "verschil in gemiddelde nettobesparing (bootstrap)",
              "difference in mean net savings (bootstrap)", "contrast", True, "eur"),
    Estimator("regular_work_share_difference_bootstrap_percentile",
              "verschil in aandeel uitstroom naar regulier werk (bootstrap)",
              "difference in share of outflow to regular work (bootstrap)", "contrast", True,
              "share_difference"),
    Estimator("cost_per_additional_regular_work_outflow_eur_bootstrap_percentile",
              "kosten per extra uitstroom naar regulier werk (bootstrap)",
              "cost per additional outflow to regular work (bootstrap)", "contrast", True,
              "eur"),
    # -- programme money as the programme counts it (money) ---------------------------
    Estimator("annualised_benefit_savings_eur",
              "besparing op jaarbasis (aantal uitgestroomden x uitkering per jaar)",
              "annualised savings (units that left x benefit a year)", "dependent", False,
              "eur"),
    Estimator("programme_fixed_cost_eur", "vaste programmakosten (niet per deelnemer)",
              "fixed programme costs (not per participant)", "model", False, "eur"),
    Estimator("net_annualised_savings_eur",
              "nettobesparing op jaarbasis (na instrumenten en vaste kosten)",
              "net annualised savings (after instruments and fixed costs)", "dependent",
              False, "eur"),
    Estimator("net_realised_savings_eur",
              "gerealiseerde nettobesparing (na instrumenten en vaste kosten)",
              "net realised savings (after instruments and fixed costs)", "dependent", False,
              "eur"),
    # -- multiplicity (holm_adjust on plain p-values) ---------------------------------
    Estimator("holm_adjusted_p_value", "overschrijdingskans, Holm-gecorrigeerd",
              "p-value, Holm-adjusted", "model", False, "p_value"),
    # -- interim steering (steering_forecast) ------------------------------------------
    Estimator("predictive_probability_target_met",
              "voorspelde kans dat het doel gehaald wordt",
              "predictive probability that the target is met", "dependent", False,
              "probability"),
    Estimator("predictive_final_share", "voorspeld aandeel uitstroom bij afsluiting",
              "predicted outflow share at the cut-off", "dependent", False, "share"),
    Estimator("predictive_final_count", "voorspeld aantal uitstromers bij afsluiting",
              "predicted number flowing out by the cut-off", "dependent", False, "count"),
    Estimator("observed_share_as_of", "waargenomen aandeel uitstroom tot nu",
              "observed outflow share so far", "proportion", False, "share"),
    Estimator("observed_count_as_of", "waargenomen aantal uitstromers tot nu",
              "observed number flowing out so far", "dependent", False, "count"),
    Estimator("target_count", "aantal uitstromers dat het doel vraagt",
              "number leaving that the target asks for", "model", False, "count",
              digits_shown=0),
)

#: Sides of an exact or randomisation test (the ``alternative`` option), in names.
_SIDES = {"two_sided": ("tweezijdig", "two-sided"), "greater": ("eenzijdig, groter",
                                                                "one-sided, greater"),
          "less": ("eenzijdig, kleiner", "one-sided, less")}
#: Transforms of time in the Schoenfeld test (the ``ph_transform`` option).
_PH_TRANSFORMS = {"km": "Kaplan-Meier", "rank": "rang", "identity": "tijd", "log": "log tijd"}


def _option_variants() -> tuple[Estimator, ...]:
    """Estimators whose name carries an option: one entry per value of the option
    (the ``Literal`` types of the analyses list the same values; a test checks)."""
    out = []
    for side, (nl, en) in _SIDES.items():
        out += [Estimator(f"fisher_exact_{side}", f"exacte toets van Fisher, {nl}",
                          f"Fisher's exact test, {en}", "contrast", True, "ratio"),
                Estimator(f"boschloo_exact_{side}", f"exacte toets van Boschloo, {nl}",
                          f"Boschloo's exact test, {en}", "contrast", True, "p_value")]
    for transform, nl in _PH_TRANSFORMS.items():
        out.append(Estimator(f"ph_test_schoenfeld_{transform}",
                             f"toets op proportionele hazards (Schoenfeld, {nl})",
                             f"test of proportional hazards (Schoenfeld, {transform})",
                             "contrast", False, "p_value"))
    out += [Estimator("randomisation_test_block_weighted_risk_difference",
                      "randomisatietoets van het gewogen risicoverschil",
                      "randomisation test of the weighted risk difference", "contrast", True,
                      "share_difference"),
            Estimator("randomisation_test_risk_difference",
                      "randomisatietoets van het risicoverschil",
                      "randomisation test of the risk difference", "contrast", True,
                      "share_difference")]
    return tuple(out)


#: Every registered estimator by name.
ESTIMATORS: dict[str, Estimator] = {e.name: e for e in (*_TABLE, *_option_variants())}
if len(ESTIMATORS) != len(_TABLE) + len(_option_variants()):  # pragma: no cover
    raise RuntimeError("an estimator is registered twice")


def estimator_info(full_name: str) -> EstimatorInfo:
    """Resolve ``full_name`` (with optional ``_holm`` and ``_non_experimental``).

    Raises
    ------
    UnregisteredEstimatorError
        When the name without its suffixes is not registered.

    Examples
    --------
    >>> info = estimator_info("lmm_reml_satterthwaite_holm_non_experimental")
    >>> info.name, info.holm, info.non_experimental, info.scale
    ('lmm_reml_satterthwaite', True, True, 'points_per_month')
    """
    name = str(full_name)
    non_experimental = name.endswith(NON_EXPERIMENTAL)
    if non_experimental:
        name = name[:-len(NON_EXPERIMENTAL)]
    holm = name.endswith(HOLM_SUFFIX) and name not in ESTIMATORS
    if holm:
        name = name[:-len(HOLM_SUFFIX)]
    if name not in ESTIMATORS:
        raise UnregisteredEstimatorError(
            f"estimator {full_name!r} is not registered in {__name__}; declare it there "
            "(label, disclosure kind, arms, scale)")
    return EstimatorInfo(str(full_name), ESTIMATORS[name], holm, non_experimental)


def disclosure_classes(names: Iterable[str]) -> dict[str, list[str]]:
    """The full estimator names sorted into the keyword arguments of
    :func:`~iedereen_doet_mee.reporting.disclosure.suppress_results`.

    A Holm-adjusted p-value is a ``model`` row whatever its base (it is a transformed
    p-value over the family, not a count).

    Examples
    --------
    >>> classes = disclosure_classes(["proportion_wilson", "risk_difference_hc2",
    ...                               "logit_coefficient"])
    >>> classes["proportion_estimators"], classes["contrast_estimators"]
    (['proportion_wilson'], ['risk_difference_hc2'])
    """
    out: dict[str, list[str]] = {f"{k}_estimators": [] for k in
                                 ("proportion", "mean", "sum", "count", "part", "dependent",
                                  "contrast")}
    for name in sorted(set(map(str, names))):
        info = estimator_info(name)
        kind = "model" if info.holm else info.kind
        if kind != "model":
            out[f"{kind}_estimators"].append(name)
    return out
