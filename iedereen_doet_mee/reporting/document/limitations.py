"""The report's limitations paragraph: what the design can and cannot show.

Built from the design diagnosis (power with randomised instruments, the minimum
detectable effect, the rejection rate without any effect under assigned allocation),
the design (allocation, multiplicity) and the size limits of the exact methods.
"""

from __future__ import annotations

import math

import pandas as pd

from ...design.outcomes import DEFAULT_OUTCOMES
from ...design.trial_design import TrialDesign
from ...diagnosis.design_diagnosis import SIMULATED_TRIAL_MAX_PARTICIPANTS
from ...diagnosis.estimators import FISHER_EXACT_MAX_PARTICIPANTS
from ...diagnosis.primary_precision import PrimaryPrecision
from ..figures.style import label
from .texts import Language, fmt_number, fmt_percent, fmt_points, text
from .wording import Wording

__all__ = ["limitations", "primary_precision_line"]


def limitations(diagnosis, mde: pd.Series | None, design: TrialDesign,
                lang: Language, unavailable: str | None = None) -> tuple[str, ...]:
    """Power and the probability of meeting the target (from the design diagnosis), the
    allocation method and multiplicity, as paragraphs; ``unavailable`` says why the
    design was not diagnosed. A single-arm design compares nothing: its paragraphs give
    the expected width of the outflow's interval instead of power, and say that there is
    one group without a comparison group instead of how the arms were allocated.

    Examples
    --------
    >>> caseload = TrialDesign(strata=("all",), arms=("kompas",), n_per_cell=569)
    >>> limitations(None, None, caseload, "en", "not simulated")[1]  # doctest: +ELLIPSIS
    'One group: every participant follows the same approach and there is no comparison...'
    """
    if diagnosis is None:
        head = text("not_available", lang, reason=unavailable or label("no_diagnosis", lang))
        return (("Ontwerpdiagnose (onderscheidend vermogen). " if lang == "nl" else
                 "Design diagnosis (power). ") + head,
                *_allocation_and_multiplicity(design, lang))

    def value(key: str, diagnosand: str) -> float:
        try:
            return diagnosis.value(key, diagnosand)
        except KeyError:
            return math.nan

    sims = diagnosis.settings["sims"]
    if design.is_single_arm or len(design.arms) > 2:
        # nothing compared (one arm), or comparisons the analysis does not make (more
        # than two arms): the precision of the outflow share
        lines = [_single_arm_line(value, sims, diagnosis.target_met, lang,
                                  single=design.is_single_arm, primary=_primary(design, lang)),
                 *_allocation_and_multiplicity(design, lang)]
        if len(design.arms) > 2:
            lines.insert(1, "Meer dan twee groepen: de analyse vergelijkt de groepen niet "
                            "onderling, dus de ontwerpdiagnose beoordeelt alleen het aandeel "
                            "over alle deelnemers." if lang == "nl" else
                            "More than two arms: the analysis does not compare them, so the "
                            "design diagnosis judges only the share over all participants.")
        if "method" in diagnosis.settings:
            lines.append(_large_trial_line(lang, compared=False))
        return tuple(lines)
    power = value("overall|risk_difference_block_weighted", "power")
    fisher = value("pooled|fisher_exact_two_sided", "power")
    # without a target the diagnosis has no probability of meeting one: nothing is said
    met = None if diagnosis.target_met is None else diagnosis.target_met[0]
    goal = ("." if met is None else
            (f"; de kans dat het project het doel haalt is {fmt_percent(met, lang, 0)}."
             if lang == "nl" else "; the probability that the project meets its target is "
             f"{fmt_percent(met, lang, 0)}."))
    words = Wording.of(design)
    if _primary(design, lang) is not None:  # the power is that of regular work
        goal += (" Dit onderscheidend vermogen betreft de uitstroom naar regulier werk, niet "
                 "de primaire uitkomst." if lang == "nl" else " This power concerns the "
                 "regular-work outflow, not the primary outcome.")
    if lang == "nl":
        drawn, effect = (("bij loting van de instrumenten", "een effect van instrumenten")
                         if words.instruments else
                         (f"bij loting van de groepen ({words.arm(lang)})", f"een verschil tussen "
                          f"{words.treated_arm} en {words.control_arm}"))
        lines = [f"Onderscheidend vermogen (ontwerpdiagnose, {sims} gesimuleerde trials onder "
                 f"de standaardaannames, {drawn}): de kans om {effect} aan te tonen "
                 f"is {fmt_percent(power, lang, 0)} (gewogen risicoverschil) en "
                 f"{fmt_percent(fisher, lang, 0)} (exacte toets van Fisher){goal}",
                 *_allocation_and_multiplicity(design, lang)]
    else:
        drawn, effect = (("with randomised instruments", "an effect of instruments")
                         if words.instruments else
                         (f"with randomised arms ({words.arm(lang)})", f"a difference between "
                          f"{words.treated_arm} and {words.control_arm}"))
        lines = [f"Power (design diagnosis, {sims} simulated trials under the default "
                 f"assumptions, {drawn}): the probability of showing {effect} is "
                 f"{fmt_percent(power, lang, 0)} (block-weighted risk difference) and "
                 f"{fmt_percent(fisher, lang, 0)} (Fisher's exact test){goal}",
                 *_allocation_and_multiplicity(design, lang)]
    if mde is not None and mde["status"] == "found":
        # a difference of two shares: percentage points, not per cent
        low, high = (fmt_number(100 * mde[k], lang, 0) for k in ("mde_low", "mde_high"))
        closed = fmt_points(mde["closed_form_mde"], lang)
        if lang == "nl":
            lines.insert(1, f"Kleinste aantoonbare effect (80% onderscheidend vermogen, "
                         f"gewogen risicoverschil, ontwerp zoals uitgevoerd): "
                         f"{fmt_points(mde['mde'], lang)} (Monte-Carlo-interval {low} tot "
                         f"{high} procentpunt); de formule voor volledige follow-up en loting "
                         f"(Cohen's h) geeft {closed}.")
        else:
            lines.insert(1, f"Minimum detectable effect (80% power, block-weighted risk "
                         f"difference, the design as run): {fmt_points(mde['mde'], lang)} "
                         f"(Monte Carlo interval {low} to {high} percentage points); the "
                         f"formula for full follow-up and randomisation (Cohen's h) gives "
                         f"{closed}.")
    elif mde is not None:
        lines.insert(1, ("Kleinste aantoonbare effect: " if lang == "nl" else
                         "Minimum detectable effect: ") + str(mde["status"]) + ".")
    if "method" in diagnosis.settings:
        lines.append(_large_trial_line(lang))
    if mde is not None and "null_rejection_assigned" in mde:
        rate = fmt_percent(mde["null_rejection_assigned"], lang, 0)
        none = (("enig effect van instrumenten", "any effect of instruments")
                if words.instruments else ("enig verschil tussen de groepen",
                                           "any difference between the arms"))
        lines.insert(2, f"Als klantmanagers de groepen indelen (zoals in het project), "
                     f"vindt de ongecorrigeerde vergelijking ook zonder {none[0]} in {rate} "
                     f"van de gesimuleerde trials een verschil (in plaats van 5%): dat komt "
                     f"door selectie, niet door een effect. Daarom zijn de vergelijkingen "
                     f"gecorrigeerd voor kenmerken bij de start en gepresenteerd als "
                     f"samenhang." if lang == "nl" else
                     f"With assignment by caseworkers (as run), the unadjusted comparison "
                     f"rejects in {rate} of simulated trials without {none[1]} "
                     f"(instead of 5%): selection, not effect. The comparisons are therefore "
                     f"adjusted for baseline characteristics and labelled associations.")
    return tuple(lines)


def _primary(design: TrialDesign, lang: Language) -> str | None:
    """The primary outcome in words when it is not the default (persons leaving benefit
    for regular work, as the analysis decides), else ``None``."""
    if design.unit == "person" and design.primary == DEFAULT_OUTCOMES[0]:
        return None
    return design.primary.describe(lang)


def _single_arm_line(value, sims: int, target_met: tuple[float, float] | None,
                     lang: Language, *, single: bool = True, primary: str | None = None
                     ) -> str:
    """What the design diagnosis of a single-arm design says: how wide the interval of
    the outflow share is expected to be and, with a target, the probability of meeting
    it (no power: nothing is compared). The diagnosis simulates the regular-work
    outflow; with a ``primary`` outcome other than that the line says so and points to
    the diagnosis of the primary outcome that opens the limitations
    (:func:`primary_precision_line`)."""
    width = fmt_number(100 * value("overall|proportion_clopper_pearson", "mean_ci_width"),
                       lang, 1)
    met = None if target_met is None else fmt_percent(target_met[0], lang, 0)
    if lang == "nl":
        groups = "één groep zonder vergelijkingsgroep" if single else "alle groepen samen"
        return (f"Ontwerpdiagnose ({sims} gesimuleerde trials onder de standaardaannames, "
                f"{groups}): het 95%-betrouwbaarheidsinterval van de "
                f"uitstroom naar regulier werk is naar verwachting {width} procentpunt breed"
                + ("." if met is None else
                   f"; de kans dat het project het doel haalt is {met}.")
                + ("" if primary is None else
                   " Deze simulatie betreft de uitstroom naar regulier werk; de "
                   "ontwerpdiagnose van de primaire uitkomst staat hierboven."))
    groups = "one group without a comparison group" if single else "all groups together"
    return (f"Design diagnosis ({sims} simulated trials under the default assumptions, "
            f"{groups}): the 95% confidence interval of the "
            f"regular-work outflow is expected to be {width} percentage points wide"
            + ("." if met is None else
               f"; the probability that the project meets its target is {met}.")
            + ("" if primary is None else
               " This simulation concerns the regular-work outflow; the diagnosis of the "
               "primary outcome is given above."))


def _allocation_and_multiplicity(design: TrialDesign, lang: Language) -> tuple[str, ...]:
    """The limitations' paragraphs on allocation and on multiple testing; a single-arm
    design gets one on having no comparison group instead, and the one on multiple
    testing only when it compares strata."""
    if design.is_single_arm:
        one = ("Eén groep: alle deelnemers volgen dezelfde aanpak en er is geen "
               "vergelijkingsgroep. De rapportage beschrijft de uitkomsten, maar kan niet "
               "laten zien wat de aanpak zelf heeft opgeleverd." if lang == "nl" else
               "One group: every participant follows the same approach and there is no "
               "comparison group. The report describes the outcomes but cannot show what "
               "the approach itself achieved.")
        return ((one, _multiplicity_line(lang, _primary(design, lang)))
                if len(design.strata) > 1 else (one,))
    randomised = design.allocation == "randomised"
    multiplicity = _multiplicity_line(lang, _primary(design, lang))
    stratum = Wording.of(design).stratum(lang)
    if lang == "nl":
        return ("Toewijzing: " + (f"door loting binnen {stratum} (gestratificeerde "
                                  "permuterende blokken)." if randomised else
                                  "door klantmanagers, niet geloot; vergelijkingen tussen de "
                                  "groepen zijn gecorrigeerd voor kenmerken bij de start, maar "
                                  "blijven een samenhang."),
                multiplicity)
    return ("Allocation: " + (f"randomised within {stratum} (stratified permuted "
                              "blocks)." if randomised else "by caseworkers, not randomised; "
                              "comparisons of the groups are adjusted for baseline "
                              "characteristics but remain associations."),
            multiplicity)


def _multiplicity_line(lang: Language, primary: str | None = None) -> str:
    """The limitations' paragraph on multiple testing; ``primary`` names a primary
    outcome other than the default regular-work outflow."""
    if lang == "nl":
        return ("Meervoudig toetsen: de secundaire vergelijkingen zijn volgens Holm "
                "gecorrigeerd; de primaire uitkomst ("
                + ("uitstroom naar regulier werk" if primary is None else primary) + ") niet.")
    return ("Multiplicity: the secondary comparisons are Holm-adjusted; the primary outcome "
            "(" + ("regular-work outflow" if primary is None else primary) + ") is not.")


def _large_trial_line(lang: Language, *, compared: bool = True) -> str:
    """How the diagnosis of a large trial differs (cell counts drawn, Fisher replaced;
    without a comparison, no Fisher test)."""
    most, exact = SIMULATED_TRIAL_MAX_PARTICIPANTS, FISHER_EXACT_MAX_PARTICIPANTS
    if lang == "nl":
        return (f"Grote trial: boven {fmt_number(most, lang, 0)} deelnemers per trial trekt de "
                "ontwerpdiagnose de aantallen per cel uit binomiale verdelingen met de "
                "berekende kans op waargenomen uitstroom per cel, in plaats van elke deelnemer "
                + ("te simuleren; de exacte toets van Fisher is in tabellen boven "
                   f"{fmt_number(exact, lang, 0)} deelnemers vervangen door de "
                   "chi-kwadraattoets met Yates-correctie." if compared else "te simuleren."))
    return (f"Large trial: above {fmt_number(most, lang, 0)} participants per trial the design "
            "diagnosis draws the counts per cell from binomial distributions with the computed "
            "chance of observed outflow of each cell instead of simulating every participant"
            + ("; Fisher's exact test is replaced by the chi-square test with Yates' correction "
               f"in tables of more than {fmt_number(exact, lang, 0)} participants."
               if compared else "."))


def primary_precision_line(precision: PrimaryPrecision, outcome: str, lang: Language) -> str:
    """What the design can expect for a primary outcome other than regular work
    (:func:`~iedereen_doet_mee.diagnosis.primary_precision.primary_outcome_precision`):
    the share expected under the simulation's assumptions, the expected width of its
    exact interval and, with a target, the chance of meeting it. ``outcome`` is the
    outcome in words.

    Examples
    --------
    >>> from iedereen_doet_mee.diagnosis.primary_precision import PrimaryPrecision
    >>> found = PrimaryPrecision("left_benefit", "person", 0.236, 0.004, 11380, 569,
    ...                          0.071, None, 0.95)
    >>> print(primary_precision_line(found, "left benefit", "en"))  # doctest: +ELLIPSIS
    Design diagnosis of the primary outcome (left benefit): under the simulation's ...
    """
    units = text(f"units_{precision.unit}", lang)
    share = fmt_percent(precision.expected_share, lang, 1)
    se = fmt_number(100 * precision.share_std_error, lang, 1)
    width = fmt_number(100 * precision.expected_width, lang, 1)
    n = fmt_number(precision.planned_units, lang, 0)
    met = precision.probability_target_met
    if lang == "nl":
        return (f"Ontwerpdiagnose van de primaire uitkomst ({outcome}): onder de aannames "
                f"van de simulatie bereikt naar verwachting {share} van de {units} deze "
                f"uitkomst (Monte-Carlo-standaardfout {se} procentpunt); bij {n} {units} "
                f"is het exacte 95%-betrouwbaarheidsinterval naar verwachting {width} "
                "procentpunt breed" + ("." if met is None else
                                       f"; de kans dat het doel gehaald wordt is "
                                       f"{fmt_percent(met, lang, 0)}."))
    return (f"Design diagnosis of the primary outcome ({outcome}): under the simulation's "
            f"assumptions {share} of the {units} are expected to reach it (Monte Carlo "
            f"standard error {se} percentage points); with {n} {units} the exact 95% "
            f"confidence interval is expected to be {width} percentage points wide"
            + ("." if met is None else f"; the probability of meeting the target is "
                                       f"{fmt_percent(met, lang, 0)}."))
