"""The report's figures: house style, labels in Dutch and English, deterministic saving.

Every figure of the funder report is a :class:`matplotlib.figure.Figure` built inside
:func:`house_style` (fixed font, sizes and colours) and written by :func:`save_figure`
as SVG and PNG. Nothing here touches matplotlib's global state: no ``pyplot``, no
``matplotlib.use``, no change to ``rcParams`` outside a ``rc_context``. Two runs on the
same input give byte-identical files.

All visible text comes from :data:`LABELS` through :func:`label`, so the report is
Dutch by default and English on request.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Literal

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ...analysis.common import check_option
from ...analysis.results import AnalysisResult
from ...analysis.terms import term_pairs

__all__ = ["CELL_COLOURS", "LABELS", "OKABE_ITO", "Language", "arm_label", "cell_label",
           "cell_styles", "check_result", "house_style", "instrument_arms", "label",
           "mark_unavailable", "missing_label", "new_figure", "suppressed_count", "wage_bands",
           "withheld_rows"]

Language = Literal["nl", "en"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
#: Colours of the design's cells in order (stratum-major, arm-minor): the first band
#: in blues, the second in oranges, the arm with instruments in the darker shade.
CELL_COLOURS: tuple[str, ...] = tuple(OKABE_ITO[c] for c in (
    "sky_blue", "blue", "orange", "vermillion", "bluish_green", "reddish_purple", "yellow"))
_ARM_LINESTYLES = ("--", "-", ":", "-.")
_ARM_MARKERS = ("o", "s", "^", "D")

#: Width of a full-width figure on A4 with 2.5 cm margins, in inches (16 cm).
FULL_WIDTH = 6.3
_DPI = 200
_CREATOR = "iedereen_doet_mee"
_HOUSE_RC: dict[str, object] = {
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "font.size": 8.0,
    "axes.titlesize": 9.0, "axes.labelsize": 8.0, "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5, "legend.fontsize": 7.0, "figure.titlesize": 10.0,
    "axes.spines.top": False, "axes.spines.right": False, "axes.linewidth": 0.6,
    "axes.prop_cycle": mpl.cycler(color=list(CELL_COLOURS)), "axes.unicode_minus": True,
    "axes.formatter.use_locale": False, "legend.frameon": False, "lines.linewidth": 1.4,
    "figure.facecolor": "white", "savefig.facecolor": "white", "figure.dpi": _DPI,
    "savefig.dpi": _DPI, "savefig.bbox": "standard", "image.cmap": "cividis",
    "svg.fonttype": "none", "svg.hashsalt": _CREATOR,
    "path.simplify": True, "text.usetex": False,
}
if "svg.id" in mpl.rcParams:  # matplotlib >= 3.10: no id on the <svg> root element
    _HOUSE_RC["svg.id"] = None

#: Every visible label, by key: (Dutch, English).
LABELS: dict[str, tuple[str, str]] = {
    "overall": ("totaal", "overall"),
    "band": ("loonwaardeband", "wage-value band"),
    "with_instruments": ("met instrumenten", "with instruments"),
    "without_instruments": ("zonder instrumenten", "without instruments"),
    "instruments": ("instrumenten", "instruments"),
    "not_estimable": ("niet schatbaar", "not estimable"),
    "not_available": ("niet beschikbaar", "not available"),
    "withheld": ("afgeschermd", "withheld"),
    "no_events": ("geen uitstroom", "no outflow"),
    "pooled_note": ("Afgeschermd: een punt na elke {k} of meer gebeurtenissen, met rechte lijnen "
                    "ertussen; een lijn stopt waar minder dan {k} personen overblijven.",
                    "Withheld: a point after every {k} or more events, joined by straight "
                    "lines; a line stops where fewer than {k} people remain."),
    "at_risk_note": ("Aantallen onder risico afgerond op {base}.",
                     "Numbers at risk rounded to {base}."),
    "ladder_withheld": ("Grijze vakken zijn afgeschermd: te weinig personen om te tonen, of "
                        "afgeschermd zodat zo'n klein aantal niet terug te rekenen is.",
                        "Grey cells are withheld: too few people to show, or withheld so that "
                        "such a small number cannot be worked out."),
    "ladder_empty": ("Grijze rijen: niemand begon op deze trede.",
                     "Grey rows: nobody started on this rung."),
    "at_risk": ("Aantal onder risico", "Number at risk"),
    "target": ("doel", "target"),
    "months": ("Maanden sinds instroom", "Months since enrolment"),
    "target_title": ("Uitstroom naar regulier werk tegenover het doel van {target}",
                     "Outflow to regular work against the {target} target"),
    "outflow_title": ("Uitstroom naar regulier werk per groep", "Outflow to regular work by group"),
    "declared_title": ("Cumulatief aandeel dat elke uitkomst bereikte (uitkomsten met een "
                       "datum)", "Cumulative share reaching each outcome (outcomes with a "
                       "date)"),
    "declared_axis": ("Cumulatief aandeel", "Cumulative share"),
    "primary_target_title": ("{outcome} tegenover het doel van {target}",
                             "{outcome} against the {target} target"),
    "primary_axis": ("Aandeel dat de primaire uitkomst bereikte",
                     "Share reaching the primary outcome"),
    "target_axis": ("Aandeel uitgestroomd naar regulier werk",
                    "Share that flowed out to regular work"),
    "observed_share": ("waargenomen aandeel (exact interval, Clopper-Pearson)",
                       "observed share (exact interval, Clopper-Pearson)"),
    "km_share": ("Kaplan-Meier, langste schatbare termijn",
                 "Kaplan-Meier, longest estimable horizon"),
    "km_title": ("Cumulatieve uitstroom naar regulier werk (Kaplan-Meier)",
                 "Cumulative outflow to regular work (Kaplan-Meier)"),
    "km_axis": ("Cumulatieve uitstroom naar regulier werk", "Cumulative outflow to regular work"),
    "pointwise": ("puntsgewijs betrouwbaarheidsinterval", "pointwise confidence interval"),
    "simultaneous": ("simultane betrouwbaarheidsband", "simultaneous confidence band"),
    "cif_title": ("Cumulatieve incidentie van regulier werk (andere uitstroom als concurrerend "
                  "risico)",
                  "Cumulative incidence of regular work (other exits as competing risks)"),
    "cif_axis": ("Cumulatieve incidentie", "Cumulative incidence"),
    "wage_title": ("Voorspelde loonwaarde per groep (gemengd model)",
                   "Predicted wage value per group (mixed model)"),
    "wage_axis": ("Loonwaarde (% van het wettelijk minimumloon)",
                  "Wage value (% of the statutory minimum wage)"),
    "measured_only": ("voorspeld alleen over de maanden waarin de groep gemeten is",
                      "predicted only over the months in which the group was measured"),
    "ladder_title": ("Participatieladder: trede bij intake en laatst gemeten trede",
                     "Participation ladder: rung at intake and last measured rung"),
    "ladder_intake": ("Trede bij intake", "Rung at intake"),
    "ladder_last": ("Laatst gemeten trede", "Last measured rung"),
    "row_share": ("Aandeel van de rij", "Share of the row"),
    "share_of_intake": ("Aandeel per trede bij intake", "Share per rung at intake"),
    "rung_1": ("geïsoleerd", "isolated"),
    "rung_2": ("sociale contacten buitenshuis", "social contacts outside the home"),
    "rung_3": ("georganiseerde activiteiten", "organised activities"),
    "rung_4": ("onbetaald werk", "unpaid work"),
    "rung_5": ("betaald werk met ondersteuning", "paid work with support"),
    "rung_6": ("betaald werk zonder ondersteuning", "paid work without support"),
    "effects_title": ("Uitstroom naar regulier werk: met tegenover zonder instrumenten",
                      "Outflow to regular work: with versus without instruments"),
    "effects_title_arms": ("Uitstroom naar regulier werk: {treated} tegenover {control}",
                           "Outflow to regular work: {treated} versus {control}"),
    "risk_difference_arms": ("Verschil in procentpunten:\n{treated} min {control}",
                             "Difference in percentage points:\n{treated} minus {control}"),
    "non_experimental_arms": ("Groepen niet gerandomiseerd: samenhang, geen causaal effect",
                              "Arms not randomised: association, not a causal effect"),
    "difference_arms_named": ("Verschil: {treated} min\n{control} (bootstrap-interval)",
                              "Difference: {treated} minus\n{control} (bootstrap interval)"),
    "cell_shares": ("Aandeel per cel", "Share per cell"),
    "risk_difference": ("Verschil in procentpunten:\nmet min zonder instrumenten",
                        "Difference in percentage points:\nwith minus without instruments"),
    "interaction": ("interactie", "interaction"),
    "minus": ("min", "minus"),
    "hc2": ("kleinste kwadraten, HC2", "least squares, HC2"),
    "gcomputation": ("g-computatie, gecorrigeerd", "g-computation, adjusted"),
    "ipw": ("inverse kansweging (IPW)", "inverse probability weighting (IPW)"),
    "non_experimental": ("Instrumenten niet gerandomiseerd: samenhang, geen causaal effect",
                         "Instruments not randomised: association, not a causal effect"),
    "costs_title": ("Kosten van instrumenten en besparing op uitkeringen",
                    "Instrument costs and benefit savings"),
    "per_arm": ("Gemiddeld per deelnemer", "Mean per participant"),
    "per_arm_household": ("Gemiddeld per huishouden", "Mean per household"),
    "difference_arms": ("Verschil: met min zonder\ninstrumenten (bootstrap-interval)",
                        "Difference: with minus without\ninstruments (bootstrap interval)"),
    "euro_axis": ("Euro per deelnemer", "Euros per participant"),
    "euro_axis_household": ("Euro per huishouden", "Euros per household"),
    "cost": ("kosten instrumenten", "instrument costs"),
    "savings": ("besparing uitkering", "benefit savings"),
    "net": ("nettobesparing", "net savings"),
    "stage_enrolment": ("Instroom", "Enrolment"),
    "stage_allocation": ("Toewijzing", "Allocation"),
    "stage_follow_up": ("Follow-up", "Follow-up"),
    "stage_analysis": ("Analyse", "Analysis"),
    "assessed": ("Beoordeeld op geschiktheid", "Assessed for eligibility"),
    "excluded": ("Uitgesloten", "Excluded"),
    "enrolled": ("Ingestroomd", "Enrolled"),
    "enrolled_after_as_of": ("Ingestroomd na de peildatum, nog niet meegeteld",
                             "Enrolled after the as-of date, not yet counted"),
    "allocated": ("Toegewezen", "Allocated"),
    "received_instruments": ("Kreeg instrumenten", "Received instruments"),
    "no_instruments": ("Kreeg geen instrumenten", "Received no instruments"),
    "lost_to_follow_up": ("Uit beeld geraakt", "Lost to follow-up"),
    "discontinued": ("Project verlaten vóór uitstroom uit de uitkering",
                     "Left the project before leaving benefit"),
    "analysed": ("Geanalyseerd", "Analysed"),
    "excluded_from_analysis": ("Uitgesloten van analyse", "Excluded from analysis"),
    "not_recorded": ("niet vastgelegd", "not recorded"),
    "reasons_not_recorded": ("redenen niet vastgelegd", "reasons not recorded"),
    "as_of": ("Stand op", "As of"),
    "to": ("tot en met", "to"),
    "month_names": ("januari februari maart april mei juni juli augustus september oktober "
                    "november december", "January February March April May June July August "
                    "September October November December"),
    "assigned_note": ("Loonwaardeband is een kenmerk bij intake; instrumenten zijn toegewezen, "
                      "niet gerandomiseerd.",
                      "The wage-value band is a characteristic at intake; instruments were "
                      "assigned, not randomised."),
    "randomised_note": ("Loonwaardeband is een kenmerk bij intake; instrumenten zijn binnen de "
                        "band gerandomiseerd.",
                        "The wage-value band is a characteristic at intake; instruments were "
                        "randomised within band."),
    "design_assigned_note": ("{stratum} is een kenmerk bij intake; de groepen ({arm}) zijn "
                             "toegewezen, niet gerandomiseerd.", "The {stratum} is a "
                             "characteristic at intake; the arms ({arm}) were assigned, not "
                             "randomised."),
    "design_randomised_note": ("{stratum} is een kenmerk bij intake; de groepen ({arm}) zijn "
                               "binnen {stratum} gerandomiseerd.", "The {stratum} is a "
                               "characteristic at intake; the arms ({arm}) were randomised "
                               "within {stratum}."),
    "design_assigned_note_one_stratum": ("De groepen ({arm}) zijn toegewezen, niet "
                                         "gerandomiseerd.", "The arms ({arm}) were "
                                         "assigned, not randomised."),
    "design_randomised_note_one_stratum": ("De groepen ({arm}) zijn gerandomiseerd.",
                                           "The arms ({arm}) were randomised."),
    "primary_itt_note": ("Analyse van de primaire uitkomst ({outcome}) volgens "
                         "intention-to-treat: niemand wordt uitgesloten; wie uit beeld "
                         "raakte, telt mee tot de laatste bekende dag.",
                         "Analysis of the primary outcome ({outcome}) by intention to treat: "
                         "nobody is excluded; people lost to follow-up count up to their last "
                         "known day."),
    "single_arm_note": ("Eén groep: alle deelnemers volgen dezelfde aanpak; er is geen "
                        "vergelijkingsgroep.", "One group: every participant follows the "
                        "same approach; there is no comparison group."),
    "itt_note": ("Analyse van de primaire uitkomst (uitstroom naar regulier werk) volgens "
                 "intention-to-treat: niemand wordt uitgesloten; wie uit beeld raakte, telt mee "
                 "tot de laatste bekende dag.",
                 "Analysis of the primary outcome (outflow to regular work) by intention to treat:"
                 " nobody is excluded; people lost to follow-up count up to their last known "
                 "day."),
    "complete_note": ("Analyse van alleen de volledig gevolgden: wie uit beeld raakte, telt "
                      "niet mee.",
                      "Complete-case analysis: people lost to follow-up are excluded."),
    "chain_title": ("Doorstroom door de stappen van de keten", "Flow through the chain of stages"),
    "chain_enrolled": ("Ingestroomd in het programma", "Enrolled"),
    "chain_no_stage": ("Geen stap begonnen", "Entered no stage"),
    "chain_entered": ("begonnen", "entered"),
    "chain_median": ("mediane duur", "median time"),
    "chain_months": ("mnd", "months"),
    "chain_not_reached": ("niet bereikt", "not reached"),
    "chain_suppressed": ("afgeschermd", "withheld"),
    "chain_moved_on": ("verder in de keten", "moved on in the chain"),
    "chain_stopped_here": ("Niet verder gegaan, op de peildatum:",
                           "Did not move on; on the as-of date:"),
    "chain_in_stage": ("nog in deze stap", "still in this stage"),
    "chain_waiting": ("wacht, geen stap lopend", "waiting, no stage running"),
    "chain_work": ("uitgestroomd naar werk", "flowed out to work"),
    "chain_left": ("programma of uitkering verlaten", "left the programme or benefit"),
    # -- units, and why a part of the report is missing ------------------------------
    "points": ("procentpunt", "percentage points"),
    "no_result": ("geen resultaat", "no result"),
    "question:wage_value": ("gemengd model", "mixed model"),
    "question:wage_value_within": ("binnen personen (vaste effecten)",
                                   "within persons (fixed effects)"),
    "question:ladder": ("aandeel dat minstens één trede steeg",
                        "share moving up one or more rungs"),
    "question:ladder_ordinal": ("ordinaal model (log-odds)", "ordinal model (log-odds)"),
    "no_data": ("geen gegevens", "no data"),
    "no_participants": ("geen deelnemers", "no participants"),
    "no_diagnosis": ("geen ontwerpdiagnose", "no design diagnosis"),
    "missing_table": ("de gegevens bevatten geen tabel {table}",
                      "the trial data have no {table} table"),
    # -- the baseline table: characteristics ("characteristic:<column>"), statistics and
    # the data model's codes ("<column>=<code>"); life-wheel domains "life_wheel:<domain>"
    "characteristic:age": ("Leeftijd bij instroom (jaren)", "Age at enrolment (years)"),
    "characteristic:sex": ("Geslacht", "Sex"),
    "characteristic:education": ("Hoogst voltooide opleiding", "Highest completed education"),
    "characteristic:household": ("Samenstelling huishouden", "Household"),
    "characteristic:jobless_household": ("Huishouden zonder werkende leden",
                                         "Jobless household"),
    "characteristic:labour_status_entry": ("Positie op de arbeidsmarkt bij instroom",
                                           "Labour-market status at entry"),
    "characteristic:migrant_background": ("Migratieachtergrond",
                                          "Migrant or foreign background"),
    "characteristic:disability": ("Beperking", "Disability"),
    "characteristic:months_on_benefit": ("Maanden in de uitkering vóór instroom",
                                         "Months on benefit before enrolment"),
    "characteristic:wage_value_estimate": ("Geschatte loonwaarde bij intake (% van het "
                                           "wettelijk minimumloon)", "Estimated wage value at "
                                           "intake (% of minimum wage)"),
    "characteristic:ladder_rung_intake": ("Trede op de participatieladder bij intake (1-6)",
                                          "Participation-ladder rung at intake (1-6)"),
    "characteristic:life_wheel": ("Levenswiel bij intake: {domain} (1-10)",
                                  "Life wheel at intake: {domain} (1-10)"),
    "life_wheel:health": ("gezondheid", "health"),
    "life_wheel:finances": ("financiën", "finances"),
    "life_wheel:housing": ("wonen", "housing"),
    "life_wheel:family": ("familie en gezin", "family"),
    "life_wheel:social_contacts": ("sociale contacten", "social contacts"),
    "life_wheel:work": ("werk", "work"),
    "life_wheel:leisure": ("vrije tijd", "leisure"),
    "life_wheel:personal_growth": ("persoonlijke ontwikkeling", "personal growth"),
    "statistic:n (%)": ("n (%)", "n (%)"),
    "statistic:mean (SD)": ("gemiddelde (standaardafwijking)", "mean (SD)"),
    "statistic:median [IQR]": ("mediaan [kwartielen]", "median [IQR]"),
    "standardised_difference": ("gestandaardiseerd verschil", "std. difference"),
    "level:missing": ("onbekend", "missing"),
    "level:yes": ("ja", "yes"),
    "level:no": ("nee", "no"),
    "sex=female": ("vrouw", "female"),
    "sex=male": ("man", "male"),
    "sex=other": ("anders", "other"),
    "education=isced_0": ("geen of alleen voorschools onderwijs (ISCED 0)",
                          "early childhood or none (ISCED 0)"),
    "education=isced_1_2": ("basisonderwijs, vmbo of mbo 1 (ISCED 1-2)",
                            "primary or lower secondary (ISCED 1-2)"),
    "education=isced_3_4": ("havo, vwo of mbo 2 tot en met 4 (ISCED 3-4)",
                            "upper or post-secondary (ISCED 3-4)"),
    "education=isced_5_8": ("hbo of wo (ISCED 5-8)", "tertiary (ISCED 5-8)"),
    "household=single": ("alleenstaand", "single"),
    "household=single_parent": ("eenoudergezin", "single parent"),
    "household=couple": ("paar zonder kinderen", "couple without children"),
    "household=couple_with_children": ("paar met kinderen", "couple with children"),
    "household=other": ("anders", "other"),
    "labour_status_entry=unemployed": ("werkloos", "unemployed"),
    "labour_status_entry=inactive": ("inactief", "inactive"),
    "labour_status_entry=employed": ("werkend", "employed"),
    # -- terms of results shown in the report's tables (document/term_words.py) --------
    "divided_by": ("gedeeld door", "divided by"),
    "versus": ("tegenover", "versus"),
    "label_shown": ("In dit rapport", "In this report"),
    "code_name": ("Naam in results.json", "Name in results.json"),
    "code_names_caption": ("Labels en hun namen in results.json en de werkmap",
                           "Labels and their names in results.json and the workbook"),
    "term=pooled": ("alle groepen samen", "all groups pooled"),
    "term=intake_rung": ("trede bij intake", "rung at intake"),
    "term=scale": ("schaal (alle vragen samen)", "scale (all items together)"),
    "term=scale_score": ("schaalscore", "scale score"),
    "term=communication_clear": ("communicatie was duidelijk", "communication was clear"),
    "term=process_clear": ("werkwijze was duidelijk", "the process was clear"),
    "term=support_sufficient": ("ondersteuning was voldoende", "support was sufficient"),
    "term=wage_value_fair": ("loonwaarde was terecht vastgesteld",
                             "wage value was assessed fairly"),
    "term=would_hire_again": ("zou opnieuw een deelnemer aannemen",
                              "would take on a participant again"),
    "term=growth_per_month": ("groei per maand", "growth per month"),
    "term=growth_difference": ("verschil in groei per maand", "difference in growth per month"),
    "term=growth_interaction": ("interactie in groei per maand",
                                "interaction in growth per month"),
    "question=wage_value": ("loonwaarde", "wage value"),
    "question=ladder_ordinal": ("participatieladder, ordinaal model",
                                "participation ladder, ordinal model"),
    # -- instrument kinds, the stages of a chain and practical support ("kind=<code>") -
    "kind=job_coach": ("jobcoach", "job coach"),
    "kind=work_experience": ("werkervaringsplaats", "work experience"),
    "kind=training": ("scholing", "training"),
    "kind=workshop_future_thinking": ("workshop toekomstdenken", "future-thinking workshop"),
    "kind=practical_support": ("praktische ondersteuning", "practical support"),
    "kind=care_coordination": ("zorgcoördinatie", "care coordination"),
    "kind=intake": ("intake", "intake"),
    "kind=talent_assessment": ("talentenonderzoek", "talent assessment"),
    "kind=job_matching": ("bemiddeling naar werk", "job matching"),
    "kind=bus_card": ("buskaart", "bus card"),
    "kind=bicycle": ("fiets", "bicycle"),
    "kind=travel_allowance": ("reiskostenvergoeding", "travel allowance"),
    "kind=childcare": ("kinderopvang", "childcare"),
    "kind=work_clothes": ("werkkleding", "work clothes"),
    "kind=certificate_of_conduct": ("verklaring omtrent het gedrag (VOG)",
                                    "certificate of conduct"),
    # -- why an ESF indicator cannot be counted (tables/esf.py) ------------------------
    "esf:no_study": ("het datamodel legt niet vast of een inactieve deelnemer bij instroom "
                     "onderwijs of een opleiding volgde", "the data model does not record "
                     "whether an inactive participant was in education or training at entry"),
    "esf:no_study_inactive": ("het datamodel legt niet vast of een inactieve deelnemer bij "
                              "instroom onderwijs of een opleiding volgde (nodig voor het "
                              "deel over inactieven)", "the data model does not record "
                              "whether an inactive participant was in education or training "
                              "at entry (needed for its inactive part)"),
    "esf:no_other_disadvantage": ("het datamodel heeft geen kolom voor andere kansarmoede "
                                  "(een nationale definitie)", "the data model has no column "
                                  "for other disadvantage (a national definition)"),
    "esf:no_job_search": ("het datamodel legt niet vast of iemand na vertrek werk zoekt",
                          "the data model does not record job searching after leaving"),
    "esf:no_other_nor_job_search": ("onder 'kansarm' vallen ook andere kansarmen (CO17), die "
                                    "het datamodel niet vastlegt, en ook werk zoeken na "
                                    "vertrek wordt niet vastgelegd", "'disadvantaged' "
                                    "includes other disadvantaged participants (CO17), which "
                                    "the data model does not record, nor job searching after "
                                    "leaving"),
    "esf:no_improvement": ("hiervoor zijn de baan bij instroom en een maat voor verbetering "
                           "nodig (van onzeker naar vast werk, van deeltijd naar voltijd, "
                           "meer verantwoordelijkheid, promotie); het datamodel legt die niet "
                           "vast", "needs the job held at entry and a measure of improvement "
                           "(precarious to stable work, under- to full employment, more "
                           "responsibility, promotion), which the data model does not record"),
    "esf:no_other": ("onder 'kansarm' vallen ook andere kansarmen (CO17), die het datamodel "
                     "niet vastlegt", "'disadvantaged' includes other disadvantaged "
                     "participants (CO17), which the data model does not record"),
    "esf:no_employment_table": ("de gegevens bevatten geen tabel met werk (employment)",
                                "the trial has no employment table"),
    "esf:no_column": ("de tabel met deelnemers heeft geen kolom {name!r}",
                      "the participants table has no column {name!r}"),
}

def label(key: str, lang: Language, *, default: str | None = None) -> str:
    """The text of label ``key`` in ``lang``; ``default`` for a key without a label
    (such as a category another programme's data bring), else a KeyError.

    Examples
    --------
    >>> label("band", "nl"), label("band", "en")
    ('loonwaardeband', 'wage-value band')
    >>> label("household=single_parent", "nl"), label("kind=lunch", "nl", default="lunch")
    ('eenoudergezin', 'lunch')
    """
    check_option("label", "lang", lang, Language)
    if key not in LABELS:
        if default is not None:
            return default
        raise KeyError(f"label: no label {key!r}")
    return LABELS[key][0 if lang == "nl" else 1]


_RANGE = re.compile(r"^\d+(?:\.\d+)?-\d+(?:\.\d+)?$")


def wage_bands(strata: Iterable[str]) -> bool:
    """Whether every stratum is a wage-value band such as ``"40-60"`` (as in "Iedereen
    doet mee"); the report then speaks of wage-value bands, otherwise of the design's own
    ``stratum_label``.

    Examples
    --------
    >>> wage_bands(("40-60", "60-80")), wage_bands(("all",))
    (True, False)
    """
    strata = tuple(strata)
    return bool(strata) and all(_RANGE.match(s) for s in strata)


def instrument_arms(arms: Iterable[str]) -> bool:
    """Whether the arms are instruments yes / no (as in "Iedereen doet mee"); the report
    then speaks of receiving instruments, otherwise of the design's own ``arm_label``.

    Examples
    --------
    >>> instrument_arms(("no", "yes")), instrument_arms(("kompas",))
    (True, False)
    """
    return sorted(arms) == ["no", "yes"]


def _band_text(band: str, lang: Language) -> str:
    return f"{label('band', lang)} {band}%" if _RANGE.match(band) else band


def arm_label(arm: str, lang: Language) -> str:
    """The label of an arm: ``"yes"`` -> "met instrumenten" / "with instruments"; any
    other arm (another programme's, such as ``"kompas"``) by its own name, so no words of
    "Iedereen doet mee" appear in another programme's figures.

    Examples
    --------
    >>> arm_label("yes", "nl"), arm_label("kompas", "nl")
    ('met instrumenten', 'kompas')
    """
    known = {"yes": "with_instruments", "no": "without_instruments"}
    return label(known[arm], lang) if arm in known else arm


def cell_label(term: str, lang: Language, *, separator: str = ", ") -> str:
    """A readable label of a result's term in ``lang``.

    Examples
    --------
    >>> cell_label("band=40-60:instruments=yes", "nl")
    'loonwaardeband 40-60%, met instrumenten'
    >>> cell_label("overall", "en")
    'overall'
    """
    groups = term_pairs(term)
    parts = []
    if "band" in groups:
        parts.append(_band_text(groups["band"], lang))
    for key in ("instruments", "arm"):
        if key in groups:
            parts.append(arm_label(groups[key], lang))
    if not parts:
        return label("overall", lang) if term == "overall" else str(term)
    return separator.join(parts)


def cell_style(band_index: int, arm_index: int, n_arms: int = 2) -> dict[str, object]:
    """Colour, line style and marker of a design cell (stratum ``band_index``, arm ``arm_index``).

    Colours follow :data:`CELL_COLOURS` (a band keeps its hue; the arm with instruments is
    darker); the line style and marker repeat the arm so print in grey still reads.

    Examples
    --------
    >>> cell_style(0, 1)
    {'color': '#0072B2', 'linestyle': '-', 'marker': 's'}
    """
    position = band_index * max(n_arms, 1) + arm_index
    return {"color": CELL_COLOURS[position % len(CELL_COLOURS)],
            "linestyle": _ARM_LINESTYLES[arm_index % len(_ARM_LINESTYLES)],
            "marker": _ARM_MARKERS[arm_index % len(_ARM_MARKERS)]}


def cell_styles(terms: Iterable[str]) -> dict[str, dict[str, object]]:
    """A :func:`cell_style` for each term, bands and arms in sorted order (so every figure
    gives a cell the same colour); terms without a band or arm are black and solid.

    Examples
    --------
    >>> cell_styles(["instruments=yes", "overall"])["overall"]["color"]
    '#000000'
    """
    parsed = {t: term_pairs(t) for t in terms}
    bands = sorted({g["band"] for g in parsed.values() if "band" in g})
    arms = sorted({g["instruments"] for g in parsed.values() if "instruments" in g})
    out = {}
    for term, groups in parsed.items():
        if "band" not in groups and "instruments" not in groups:
            out[term] = {"color": OKABE_ITO["black"], "linestyle": "-", "marker": "o"}
            continue
        band = bands.index(groups["band"]) if "band" in groups else 0
        arm = arms.index(groups["instruments"]) if "instruments" in groups else 1
        out[term] = cell_style(band, arm, max(len(arms), 2))
    return out


def check_result(function: str, result: object, questions: tuple[str, ...]) -> AnalysisResult:
    """``result`` as an AnalysisResult of one of ``questions``, or a ValueError."""
    if not isinstance(result, AnalysisResult) or result.question not in questions:
        got = getattr(result, "question", type(result).__name__)
        raise ValueError(f"{function}: needs the AnalysisResult of question "
                         f"{' or '.join(map(repr, questions))}, got {got!r}")
    return result


#: Key of the extras in which :func:`~iedereen_doet_mee.reporting.parts.as_published`
#: says which rows of a result's table disclosure control withheld (``parts.WITHHELD``).
_WITHHELD = "withheld"


def withheld_rows(result: AnalysisResult) -> np.ndarray:
    """Per row of ``result.table``: whether disclosure control withheld its numbers.

    A result of :func:`~iedereen_doet_mee.reporting.parts.as_published` says so in its
    ``extras["withheld"]``; any other result withholds nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> from iedereen_doet_mee.analysis.results import tidy_row, tidy_table
    >>> table = tidy_table([tidy_row("overall", float("nan"), estimator="proportion_wilson",
    ...                              n=10)])
    >>> result = AnalysisResult("target", "t", table, 10)
    >>> withheld_rows(result).tolist()
    [False]
    >>> hidden = pd.DataFrame({"term": ["overall"], "estimator": ["proportion_wilson"],
    ...                        "withheld": [True]})
    >>> withheld_rows(AnalysisResult("target", "t", table, 10,
    ...                              extras={"withheld": hidden})).tolist()
    [True]
    """
    table = result.table
    marks = result.extras.get(_WITHHELD)
    if marks is None:
        return np.zeros(len(table), dtype=bool)
    if len(marks) != len(table) or not (
            marks["term"].astype(str).to_numpy() == table["term"].astype(str).to_numpy()).all():
        raise ValueError(f"withheld_rows: extras[{_WITHHELD!r}] of result "
                         f"{result.question!r} does not match its table row for row")
    return marks["withheld"].to_numpy(dtype=bool)


def missing_label(withheld: bool, lang: Language) -> str:
    """What a figure writes where a number is missing: "afgeschermd" / "withheld" when
    disclosure control hid it, else "niet schatbaar" / "not estimable".

    Examples
    --------
    >>> missing_label(True, "nl"), missing_label(False, "en")
    ('afgeschermd', 'not estimable')
    """
    return label("withheld" if withheld else "not_estimable", lang)


def suppressed_count(reason: str, threshold: int, lang: Language) -> str:
    """What a table or figure writes for a count that disclosure control hid.

    ``"primary"`` (the count is itself below ``threshold``): ``<threshold``, which is
    true; ``"secondary"`` (hidden only so that another count cannot be worked out, and
    possibly large): "afgeschermd" / "withheld", never a bound it may not meet.

    Examples
    --------
    >>> suppressed_count("primary", 10, "nl"), suppressed_count("secondary", 10, "en")
    ('<10', 'withheld')
    """
    if reason == "primary":
        return f"<{threshold}"
    if reason == "secondary":
        return label("withheld", lang)
    raise ValueError(f"suppressed_count: reason must be 'primary' or 'secondary', got "
                     f"{reason!r}")


def mark_unavailable(ax: Axes, lang: Language, key: str = "not_available") -> None:
    """Write label ``key`` in the middle of an empty panel (without axes)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, label(key, lang), transform=ax.transAxes, ha="center", va="center",
            color="0.35")


def house_style() -> contextlib.AbstractContextManager:
    """A ``matplotlib.rc_context`` with the house style; global settings are left alone.

    Build and save figures inside it (:func:`save_figure` does so itself).
    """
    return mpl.rc_context(_HOUSE_RC)


def new_figure(width: float = FULL_WIDTH, height: float = 3.6, *,
               layout: str | None = "constrained") -> Figure:
    """A blank figure on the Agg canvas, without pyplot (call inside :func:`house_style`)."""
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig
