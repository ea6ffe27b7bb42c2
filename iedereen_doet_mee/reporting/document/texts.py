"""Words and number formats of the funder report, in Dutch (default) and English."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from ...dates import parse_iso_date
from ..figures.style import label
from .section_texts import SECTION_TEXTS

__all__ = ["INFINITY", "Language", "fmt_date", "fmt_number", "fmt_p_value", "fmt_percent",
           "fmt_points", "text"]

Language = Literal["nl", "en"]
#: How an infinite number reads (a NaN reads "-").
INFINITY = "\u221e"

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Eindrapportage {name}", "Final report {name}"),
    "interim_title": ("Tussenrapportage {name}", "Interim report {name}"),
    "subtitle": ("Stand per {as_of}; ESF-project, re-integratie van langdurig "
                 "bijstandsgerechtigden", "As of {as_of}; ESF project, re-integration of "
                 "long-term social-assistance recipients"),
    "subtitle_no_esf": ("Stand per {as_of}; re-integratie van langdurig "
                        "bijstandsgerechtigden", "As of {as_of}; re-integration of "
                        "long-term social-assistance recipients"),
    "summary": ("Samenvatting voor de subsidiegever", "Summary for the funder"),
    "consort": ("Deelnemersstroom", "Participant flow"),
    "baseline": ("Kenmerken bij de start", "Characteristics at entry"),
    "esf": ("ESF-indicatoren (Verordening (EU) nr. 1304/2013, bijlage I)",
            "ESF common indicators (Regulation (EU) No 1304/2013, Annex I)"),
    "limitations": ("Beperkingen", "Limitations"),
    "appendix": ("Reproduceerbaarheid", "Reproducibility"),
    "outcomes_unit_person": ("Eenheid: personen. Noemer van elk aandeel: alle deelnemers die "
                             "op de peildatum waren ingestroomd, ook wie (nog) geen meting "
                             "of baan heeft.", "Unit: persons. Denominator of every share: "
                             "every participant enrolled by the as-of date, including those "
                             "without (yet) a measurement or a job."),
    "outcomes_unit_household": ("Eenheid: huishoudens (deelnemers met hetzelfde "
                                "huishoudnummer; wie er geen heeft, telt als eigen "
                                "huishouden). Een huishouden telt mee zodra een van de leden "
                                "de uitkomst bereikt. Noemer: alle huishoudens met een lid "
                                "dat op de peildatum was ingestroomd. De ESF-indicatoren "
                                "tellen personen.", "Unit: households (participants sharing "
                                "a household id; anyone without one is a household of their "
                                "own). A household counts once any member reaches the "
                                "outcome. Denominator: every household with a member "
                                "enrolled by the as-of date. The ESF indicators count "
                                "persons."),
    "outcomes_unit_household_no_esf": ("Eenheid: huishoudens (deelnemers met hetzelfde "
                                       "huishoudnummer; wie er geen heeft, telt als eigen "
                                       "huishouden). Een huishouden telt mee zodra een van "
                                       "de leden de uitkomst bereikt. Noemer: alle "
                                       "huishoudens met een lid dat op de peildatum was "
                                       "ingestroomd.", "Unit: households (participants "
                                       "sharing a household id; anyone without one is a "
                                       "household of their own). A household counts once "
                                       "any member reaches the outcome. Denominator: every "
                                       "household with a member enrolled by the as-of "
                                       "date."),
    "outcome_line": ("{name}: {description}.", "{name}: {description}."),
    "not_available": ("Niet beschikbaar: {reason}.", "Not available: {reason}."),
    "suppressed": ("afgeschermd", "withheld"),
    "table_withheld": ("{caption}: alle {k} schattingen zijn afgeschermd ({ids}); elke "
                       "schatting staat onder haar ID in results.json en in het werkboek.",
                       "{caption}: all {k} estimates are withheld ({ids}); each is listed "
                       "under its ID in results.json and in the workbook."),
    "figure_withheld": ("De figuur '{caption}' is weggelaten: alle getallen die zij zou tonen "
                        "zijn afgeschermd.", "The figure '{caption}' is left out: every "
                        "number it would show is withheld."),
    "bundled_input": ("de meegeleverde gesimuleerde trial (data/synthetic, startwaarde "
                      "20140701)", "the bundled simulated trial (data/synthetic, seed "
                      "20140701)"),
    "audience_internal": ("intern (stuurgroep en financier; niet publiceren)",
                          "internal (steering group and funder; not for publication)"),
    "audience_public": ("openbaar", "public"),
    "nothing_withheld_value": ("geen (niets afgeschermd)", "none (nothing withheld)"),
    "estimates_folded": ("{k} schattingen", "{k} estimates"),
    "folded_note": ("Een groep waarvan alle schattingen zijn afgeschermd, staat op één regel "
                    "met de reeks ID's van die schattingen; elke schatting staat onder haar "
                    "eigen ID in results.json en in het werkboek.",
                    "A group whose estimates are all withheld takes one line, with the range "
                    "of their IDs; each estimate is listed under its own ID in results.json "
                    "and in the workbook."),
    "sex_not_recorded": ("geslacht niet vastgelegd", "sex not recorded"),
    "term": ("onderdeel", "term"),
    "estimator": ("schatter", "estimator"),
    "estimate": ("schatting", "estimate"),
    "interval": ("95%-BI", "95% CI"),
    "p_value": ("p", "p"),
    "n": ("n", "n"),
    "table_note": ("Afgeschermd zijn aantallen onder {threshold} (ook 0), percentages over "
                   "minder dan {threshold} personen en de getallen waaruit die terug te "
                   "rekenen zijn. In de deelnemersstroom en de kenmerken bij de start staat "
                   "<{threshold} voor een aantal onder {threshold} en 'afgeschermd' voor een "
                   "getal dat alleen is weggelaten omdat een ander er anders uit terug te "
                   "rekenen is.", "Withheld are counts below {threshold} (zero included), "
                   "percentages over fewer than {threshold} people and the numbers from "
                   "which they could be recovered. In the participant flow and the "
                   "characteristics at entry, <{threshold} stands for a count below "
                   "{threshold} and 'withheld' for a number left out only because another "
                   "could otherwise be recovered from it."),
    "table_note_internal": ("Niets is afgeschermd: dit is een vertrouwelijke rapportage, "
                            "met ook kleine aantallen en nullen.", "Nothing is withheld: "
                            "this is a confidential report, small counts and zeros "
                            "included."),
    "confidential": ("Vertrouwelijk - niet publiceren", "Confidential - not for publication"),
    "confidential_line": ("Vertrouwelijke rapportage voor de stuurgroep van het project en de "
                          "managementautoriteit van het ESF. Er is niets afgeschermd: alle "
                          "aantallen staan erin, ook kleine aantallen en nullen, zodat "
                          "sommige cijfers over enkele personen gaan. Namen en nummers van "
                          "deelnemers staan er niet in. Niet publiceren en niet doorsturen; "
                          "voor publicatie is er de openbare rapportage.",
                          "Confidential report for the project's steering group and the ESF "
                          "managing authority. Nothing is withheld: every count is shown, "
                          "small counts and zeros included, so some figures are about a few "
                          "people. No participant's name or number appears. Do not publish "
                          "or forward it; the public report is the one to publish."),
    "confidential_line_no_esf": ("Vertrouwelijke rapportage voor de stuurgroep en de "
                                 "subsidiegever van het project. Er is niets afgeschermd: alle "
                                 "aantallen staan erin, ook kleine aantallen en nullen, zodat "
                                 "sommige cijfers over enkele personen gaan. Namen en nummers "
                                 "van deelnemers staan er niet in. Niet publiceren en niet "
                                 "doorsturen; voor publicatie is er de openbare rapportage.",
                                 "Confidential report for the project's steering group and "
                                 "funder. Nothing is withheld: every count is shown, small "
                                 "counts and zeros included, so some figures are about a few "
                                 "people. No participant's name or number appears. Do not "
                                 "publish or forward it; the public report is the one to "
                                 "publish."),
    "non_experimental_arms": ("De groepen ({arm}) zijn door klantmanagers ingedeeld, niet "
                              "door loting. Verschillen tussen {treated} en {control} kunnen "
                              "dus ook komen door wie in welke groep terechtkwam; lees ze als "
                              "samenhang, niet als bewezen effect.",
                              "The arms ({arm}) were formed by caseworkers, not by lot. "
                              "Differences between {treated} and {control} may also come from "
                              "who ended up in which arm; read them as associations, not as "
                              "proven effects."),
    "target_met": ("Het doel van {target} uitstroom naar regulier werk is gehaald.",
                   "The target of {target} outflow to regular work was met."),
    "target_not_met": ("Het doel van {target} uitstroom naar regulier werk is niet gehaald.",
                       "The target of {target} outflow to regular work was not met."),
    "no_target": ("Voor dit project is geen streefwaarde voor de uitstroom vastgelegd; de "
                  "rapportage beschrijft de gerealiseerde uitstroom zonder die aan een "
                  "streefwaarde te toetsen.", "No outflow target was declared for this "
                  "project; the report describes the outflow achieved without testing it "
                  "against a target."),
    "target_line": ("{x} van de {n} deelnemers ({share}) stroomden uit naar regulier werk "
                    "(95%-betrouwbaarheidsinterval {low} tot {high}, Clopper-Pearson).",
                    "{x} of the {n} participants ({share}) left for regular work (95% "
                    "confidence interval {low} to {high}, Clopper-Pearson)."),
    "primary_met": ("Het doel van {target} is gehaald voor de primaire uitkomst: {outcome}.",
                    "The target of {target} was met for the primary outcome: {outcome}."),
    "primary_not_met": ("Het doel van {target} is niet gehaald voor de primaire uitkomst: "
                        "{outcome}.", "The target of {target} was not met for the primary "
                        "outcome: {outcome}."),
    "primary_line": ("Primaire uitkomst, {outcome}: {x} van de {n} {units} ({share}; "
                     "95%-betrouwbaarheidsinterval {low} tot {high}, Clopper-Pearson).",
                     "Primary outcome, {outcome}: {x} of the {n} {units} ({share}; 95% "
                     "confidence interval {low} to {high}, Clopper-Pearson)."),
    "money_annualised": ("Besparing op jaarbasis, zoals het programma die telt: het aantal dat "
                         "de uitkomst '{outcome}' bereikte, maal {eur} uitkering per {unit} per "
                         "jaar (aanname; bron: {source}). Dit is geen gerealiseerde besparing "
                         "en geen effect van het programma: niemand wordt vergeleken met wat er "
                         "zonder het programma was gebeurd.",
                         "Annualised savings as the programme counts them: the number that "
                         "reached '{outcome}', times {eur} of benefit per {unit} a year "
                         "(assumption; source: {source}). This is not a realised saving and not "
                         "an effect of the programme: nobody is compared with what would have "
                         "happened without it."),
    "money_realised": ("Gerealiseerde besparing: maanden zonder uitkering tot de peildatum, "
                       "maal {eur} per maand (aanname; bron: {source}).",
                       "Realised savings: months off benefit up to the as-of date, times {eur} "
                       "a month (assumption; source: {source})."),
    "money_fixed": ("Vaste programmakosten, niet per deelnemer ({name}): {eur} (aanname; bron: "
                    "{source}).", "Fixed programme costs, not per participant ({name}): {eur} "
                    "(assumption; source: {source})."),
    "money_net": ("Netto: elke besparing min de kosten van instrumenten en de vaste "
                  "programmakosten.", "Net: each savings figure minus the cost of instruments "
                  "and the fixed programme costs."),
    "unit_section_household": ("Eenheid: huishoudens. Elk huishouden telt één keer, in de "
                               "groep van het lid dat het eerst instroomde, en bereikt een "
                               "uitkomst zodra een van de leden dat doet; het is gevolgd tot "
                               "de laatste dag dat over een van de leden iets bekend is.",
                               "Unit: households. Each household counts once, in the group "
                               "of the member who enrolled first, and reaches an outcome as "
                               "soon as any member does; it is followed until the last day "
                               "anything is known about any member."),
    "unit_section_household_costs": ("Eenheid: huishoudens. De kosten en besparingen van een "
                                     "huishouden zijn de som van die van de leden; de "
                                     "uitstroom telt zodra een van de leden regulier werk "
                                     "vindt.", "Unit: households. A household's costs and "
                                     "savings are the sum of its members'; its outflow "
                                     "counts once any member finds regular work."),
    "ladder_denominator": ("De aandelen in deze paragraaf gaan alleen over deelnemers bij wie "
                           "na de intake nog een trede is gemeten, en vergelijken de laatst "
                           "gemeten trede met die bij intake, zonder vaste termijn.",
                           "The shares in this section cover only participants with a rung "
                           "measured after intake, and compare the last rung measured with "
                           "the intake rung, without a fixed period."),
    # said only when the design declares a ladder step as an outcome and the report has
    # the section that counts it ({section}: its title, {outcomes}: the outcomes in words)
    "ladder_declared": ("Het ontwerp legt ook een ladderstap als uitkomst vast ({outcomes}); "
                        "die telt wel iedereen die is ingestroomd (zie '{section}').",
                        "The design also declares a ladder step as an outcome ({outcomes}); "
                        "it counts everyone enrolled (see '{section}')."),
    "unit_section_person": ("Eenheid: personen. Loonwaarde, instrumenten en de stappen van "
                            "de keten horen bij een persoon; daarom telt deze paragraaf "
                            "deelnemers, ook al telt het ontwerp huishoudens.",
                            "Unit: persons. Wage value, instruments and the stages of the "
                            "chain belong to a person, so this section counts participants "
                            "even though the design counts households."),
    "unit_person": ("deelnemer", "participant"),
    "unit_household": ("huishouden", "household"),
    "units_person": ("deelnemers", "participants"),
    "units_household": ("huishoudens", "households"),
    "primary_section": ("Primaire uitkomst en het doel van {target}: {outcome}",
                        "Primary outcome and the {target} target: {outcome}"),
    "primary_section_no_target": ("Primaire uitkomst: {outcome}", "Primary outcome: {outcome}"),
    "fig_declared_outcomes": ("Cumulatief aandeel dat elke uitkomst met een datum bereikte, "
                              "met 95%-BI (Kaplan-Meier; wie om een andere reden de uitkering "
                              "verliet, blijft meetellen tot het einde van de waarneming)",
                              "Cumulative share reaching each outcome with a date, with 95% "
                              "CI (Kaplan-Meier; units that left benefit for another reason "
                              "stay in the denominator until the end of observation)"),
    "fig_primary": ("Primaire uitkomst per cel met 95%-BI en het doel: {outcome}",
                    "Primary outcome per cell with 95% CI and the target: {outcome}"),
    "fig_primary_no_target": ("Primaire uitkomst per cel met 95%-BI: {outcome}",
                              "Primary outcome per cell with 95% CI: {outcome}"),
    "posterior_line": ("De kans dat de werkelijke uitstroom minstens {target} is "
                       "(Jeffreys-prior): {prob}.", "The probability that the true outflow "
                       "is at least {target} (Jeffreys prior): {prob}."),
    "interim_line": ("Dit is een tussenstand: deelnemers die nog in het traject zitten, "
                     "kunnen nog uitstromen.", "This is an interim result: participants "
                     "still in the programme may still leave for work."),
    "figure": ("Figuur", "Figure"),
    "effects_section": ("Verschil tussen {treated} en {control} per {stratum}",
                        "Difference between {treated} and {control} by {stratum}"),
    "effects_section_one_stratum": ("Verschil tussen {treated} en {control}",
                                    "Difference between {treated} and {control}"),
    "fig_consort": ("Deelnemersstroom per cel (CONSORT)", "Participant flow per cell (CONSORT)"),
    "fig_outflow_target": ("Uitstroom naar regulier werk per cel met 95%-BI en het doel",
                           "Regular-work outflow per cell with 95% CI and the target"),
    "fig_outflow_target_no_target": ("Uitstroom naar regulier werk per cel met 95%-BI",
                                     "Regular-work outflow per cell with 95% CI"),
    "fig_kaplan_meier": ("Cumulatieve uitstroom naar regulier werk per band en groep "
                         "(Kaplan-Meier) met 95%-betrouwbaarheidsinterval",
                         "Cumulative regular-work outflow by band and group (Kaplan-Meier) "
                         "with 95% confidence interval"),
    "fig_kaplan_meier_groups": ("Cumulatieve uitstroom naar regulier werk per groep "
                                "(Kaplan-Meier) met 95%-betrouwbaarheidsinterval",
                                "Cumulative regular-work outflow by group (Kaplan-Meier) "
                                "with 95% confidence interval"),
    "fig_kaplan_meier_arms": ("Cumulatieve uitstroom naar regulier werk per groep "
                              "(Kaplan-Meier) met 95%-betrouwbaarheidsinterval",
                              "Cumulative regular-work outflow by group (Kaplan-Meier) "
                              "with 95% confidence interval"),
    "fig_kaplan_meier_strata": ("Cumulatieve uitstroom naar regulier werk per {stratum} "
                                "(Kaplan-Meier) met 95%-betrouwbaarheidsinterval",
                                "Cumulative regular-work outflow by {stratum} (Kaplan-Meier) "
                                "with 95% confidence interval"),
    "fig_kaplan_meier_overall": ("Cumulatieve uitstroom naar regulier werk van alle "
                                 "deelnemers samen (Kaplan-Meier) met "
                                 "95%-betrouwbaarheidsinterval; de curven per groep zijn "
                                 "afgeschermd",
                                 "Cumulative regular-work outflow of all participants "
                                 "together (Kaplan-Meier) with 95% confidence interval; the "
                                 "curves by group are withheld"),
    "fig_kaplan_meier_total": ("Cumulatieve uitstroom naar regulier werk (Kaplan-Meier) met "
                               "95%-betrouwbaarheidsinterval",
                               "Cumulative regular-work outflow (Kaplan-Meier) with 95% "
                               "confidence interval"),
    "fig_cumulative_incidence": ("Cumulatieve incidentie van regulier werk, andere uitstroom "
                                 "als concurrerend risico", "Cumulative incidence of "
                                 "regular work with other exits as competing events"),
    "fig_wage_value": ("Voorspelde loonwaarde in de tijd per band en groep",
                       "Predicted wage value over time by band and group"),
    "fig_wage_value_groups": ("Voorspelde loonwaarde in de tijd per groep",
                              "Predicted wage value over time by group"),
    "fig_ladder_transitions": ("Participatieladder: trede bij intake en laatste meting",
                               "Participation ladder: rung at intake and last measurement"),
    "fig_instrument_effects": ("Verschil in uitstroom met en zonder instrumenten per band",
                               "Difference in outflow with and without instruments by band"),
    "fig_instrument_effects_arms": ("Verschil in uitstroom naar regulier werk tussen "
                                    "{treated} en {control}",
                                    "Difference in regular-work outflow between {treated} "
                                    "and {control}"),
    "fig_costs": ("Kosten en besparingen per deelnemer", "Costs and savings per participant"),
    "fig_costs_household": ("Kosten en besparingen per huishouden",
                            "Costs and savings per household"),
    # -- the chain of stages (section "chain") ------------------------------------------
    "fig_chain_flow": ("Doorstroom door de stappen van de keten: wie begon aan elke stap, wie "
                       "verder ging en waar wie niet verder ging op de peildatum staat",
                       "Flow through the chain's stages: who entered each stage, who moved on "
                       "and where those who did not move on are on the as-of date"),
    "chain_intro": ("Het programma werkt als een keten van stappen, in deze volgorde: "
                    "{stages}. Een deelnemer is aan een stap begonnen als er een instrument "
                    "van die soort voor hem of haar is vastgelegd. 'Verder in de keten' "
                    "betekent dat een latere stap begon (niet per se de volgende). Wie niet "
                    "verder ging, staat op de peildatum in een van vier situaties, in deze "
                    "volgorde van voorrang: uitgestroomd naar werk (regulier of gesubsidieerd), "
                    "programma of uitkering verlaten (uitval), nog in de stap, of wachtend "
                    "zonder lopende stap. Aantallen zijn personen over alle groepen; de duur "
                    "van een stap telt de eerste en de laatste dag mee, een lopende stap telt "
                    "tot de peildatum (Kaplan-Meier).",
                    "The programme works as a chain of stages, in this order: {stages}. A "
                    "participant entered a stage when an instrument of that kind is recorded "
                    "for them. 'Moved on' means that a later stage started (not necessarily "
                    "the next one). Who did not move on is, on the as-of date, in one of four "
                    "situations, in this order of precedence: flowed out to work (regular or "
                    "subsidised), left the programme or benefit (drop-out), still in the "
                    "stage, or waiting with no stage running. Counts are persons over all "
                    "groups; a stage's time counts its first and last day, a stage still "
                    "running counts until the as-of date (Kaplan-Meier)."),
    "chain_col_number": ("aantal", "number"),
    "chain_col_estimate": ("aandeel of duur", "share or time"),
    "chain_entered_row": ("begonnen aan deze stap (aandeel van alle deelnemers)",
                          "entered this stage (share of all participants)"),
    "chain_after_moved_on": ("verder in de keten", "moved on in the chain"),
    "chain_after_in_stage": ("nog in deze stap", "still in this stage"),
    "chain_after_waiting": ("wacht, geen stap lopend", "waiting, no stage running"),
    "chain_after_work": ("uitgestroomd naar werk", "flowed out to work"),
    "chain_after_left": ("programma of uitkering verlaten (uitval)",
                         "left the programme or benefit (drop-out)"),
    "chain_median_row": ("mediane duur van de stap in maanden (Kaplan-Meier; aantal: wie "
                         "begon)", "median time in the stage in months (Kaplan-Meier; number: "
                         "who entered)"),
    "chain_not_reached": ("niet bereikt", "not reached"),
    "chain_stage_table": ("Stap {k}: {stage}", "Stage {k}: {stage}"),
    "chain_none_row": ("aan geen enkele stap begonnen (aandeel van alle deelnemers)",
                       "entered no stage (share of all participants)"),
    "chain_none_table": ("Deelnemers die aan geen stap begonnen",
                         "Participants who entered no stage"),
    "chain_position_table": ("Stand op de peildatum: alle deelnemers, naar de laatste stap "
                             "waaraan zij begonnen", "Position on the as-of date: all "
                             "participants, by the furthest stage they entered"),
    "chain_support_table": ("Praktische ondersteuning: deelnemers die haar kregen, per soort "
                            "(aandeel van alle deelnemers)", "Practical support: participants "
                            "who received it, by kind (share of all participants)"),
    "chain_support_any": ("enige praktische ondersteuning", "any practical support"),
    # page 1: the answers first (document/answers.py)
    "firm_withheld": ("te weinig deelnemers om dit te beoordelen",
                      "too few participants to judge this"),
    "firm_no_interval": ("geen interval te berekenen", "no interval could be computed"),
    "firm_not_estimable": ("niet te schatten met deze gegevens",
                           "could not be estimated from these data"),
    "firm_clear": ("duidelijk: het interval sluit nul uit",
                   "clear: the interval excludes zero"),
    "firm_unclear": ("onzeker: het interval omvat nul, dus geen duidelijk verschil",
                     "uncertain: the interval includes zero, so no clear difference"),
    "interval_words": ("95%-BI {low} tot {high}", "95% CI {low} to {high}"),
    "range_words": ("{low} tot {high}", "{low} to {high}"),
    "answer_effects_withheld": ("Verschil in uitstroom naar regulier werk tussen de vergeleken "
                                "groepen: {firm}.", "Difference in outflow to regular work "
                                "between the groups compared: {firm}."),
    "answer_effects": ("Verschil in uitstroom naar regulier werk tussen de vergeleken groepen, "
                       "gecorrigeerd voor kenmerken bij de start: {parts}.",
                       "Difference in outflow to regular work between the groups compared, "
                       "adjusted for characteristics at entry: {parts}."),
    "answer_effects_ipw": ("Verschil in uitstroom naar regulier werk tussen de vergeleken "
                           "groepen, gecorrigeerd voor kenmerken bij de start door weging "
                           "(IPW; het regressiemodel van de g-computatie was met deze gegevens "
                           "niet te schatten): {parts}.",
                           "Difference in outflow to regular work between the groups "
                           "compared, adjusted for characteristics at entry by weighting "
                           "(IPW; the regression model of g-computation could not be "
                           "estimated from these data): {parts}."),
    "answer_effect_part": ("{group} {value} ({interval}; {firm})",
                           "{group} {value} ({interval}; {firm})"),
    "answer_effect_withheld": ("{group}: {firm}", "{group}: {firm}"),
    "answer_wage": ("Ontwikkeling van de loonwaarde: het verschil in groei tussen "
                    "deelnemers met en zonder instrumenten (met min zonder) is {value} {unit} "
                    "({interval}; {firm}).",
                    "Development of wage value: the difference in growth between "
                    "participants with and without instruments (with minus without) is {value} "
                    "{unit} ({interval}; {firm})."),
    "answer_wage_withheld": ("Ontwikkeling van de loonwaarde: {firm}.",
                             "Development of wage value: {firm}."),
    "answer_ladder": ("Participatieladder: van de {n} deelnemers met een latere meting steeg "
                      "{value} minstens één trede ({interval}).",
                      "Participation ladder: of the {n} participants measured again, {value} "
                      "moved up at least one rung ({interval})."),
    "answer_ladder_withheld": ("Participatieladder: {firm}.", "Participation ladder: {firm}."),
    "answer_ladder_arms": ("Ordinaal model (bij gelijke trede bij de start), {groups}: "
                           "{value} log-odds ({interval}; {firm}); een waarde boven nul "
                           "betekent hoger op de ladder.",
                           "Ordinal model, at the same rung at entry, {groups}: {value} "
                           "log-odds, above zero meaning higher on the ladder ({interval}; "
                           "{firm})."),
    "answer_ladder_arms_withheld": ("Het verschil tussen de vergeleken groepen op de ladder: "
                                    "{firm}.", "The difference on the ladder between the "
                                    "groups compared: {firm}."),
    "answer_employers": ("Oordeel van werkgevers: op de vraag of zij opnieuw een deelnemer "
                         "zouden aannemen, gaven {n} werkgevers gemiddeld {value} "
                         "({interval}).",
                         "Employers' view: asked whether they would take on a participant "
                         "again, {n} employers answered {value} on average ({interval})."),
    "answer_employers_one": ("Oordeel van werkgevers: op de vraag of zij opnieuw een deelnemer "
                             "zouden aannemen, antwoordde één werkgever {value}; bij één "
                             "antwoord is geen interval te berekenen.",
                             "Employers' view: asked whether they would take on a participant "
                             "again, one employer answered {value}; with one answer no "
                             "interval can be computed."),
    "answer_employers_equal": ("Oordeel van werkgevers: op de vraag of zij opnieuw een "
                               "deelnemer zouden aannemen, antwoordden alle {n} werkgevers "
                               "{value}; bij gelijke antwoorden is geen interval te berekenen.",
                               "Employers' view: asked whether they would take on a "
                               "participant again, all {n} employers answered {value}; with "
                               "equal answers no interval can be computed."),
    "answer_employers_withheld": ("Oordeel van werkgevers: te weinig werkgevers vulden de "
                                  "vragenlijst in om hun oordeel te tonen.",
                                  "Employers' view: too few employers answered the "
                                  "questionnaire to show their view."),
    "answer_instruments_withheld": ("Instrumenten en duurzame plaatsing: {firm}.",
                                    "Instruments and durable placement: {firm}."),
    "answer_instruments_none": ("Instrumenten en duurzame plaatsing: bij geen van de {k} "
                                "instrumenten verschilt het aandeel duurzame plaatsingen "
                                "duidelijk van dat zonder het instrument.",
                                "Instruments and durable placement: for none of the {k} "
                                "instruments does the share of durable placements differ "
                                "clearly from that without it."),
    "answer_instruments_some": ("Instrumenten en duurzame plaatsing: een duidelijk ander "
                                "aandeel duurzame plaatsingen bij {names}; dit is samenhang, "
                                "geen bewezen effect.",
                                "Instruments and durable placement: a clearly different share "
                                "of durable placements with {names}; an association, not a "
                                "proven effect."),
    "answer_costs": ("Kosten en besparingen: het verschil in nettobesparing per deelnemer "
                     "tussen de groepen met en zonder instrumenten (met min zonder) is {value} "
                     "({interval}; {firm}). Dit is een begrotingseffect; wat er zonder het "
                     "project was gebeurd, is niet bekend.",
                     "Costs and savings: the difference in net saving per participant between "
                     "the groups with and without instruments (with minus without) is {value} "
                     "({interval}; {firm}). This is a budget impact; what would have happened "
                     "without the project is not known."),
    "answer_costs_withheld": ("Kosten en besparingen: {firm}.", "Costs and savings: {firm}."),
    "groups_caption": ("De groepen in één oogopslag", "The groups at a glance"),
    "groups_group": ("Groep", "Group"),
    "groups_total": ("totaal", "total"),
    "groups_n": ("Deelnemers", "Participants"),
    "groups_outflow": ("Uitgestroomd", "Left"),
    "groups_reached": ("Uitkomst bereikt", "Reached the outcome"),
    "groups_share": ("Aandeel", "Share"),
    "groups_interval": ("95%-BI (exact)", "95% CI (exact)"),
    "groups_against": ("Tegenover het doel van {target}", "Against the target of {target}"),
    "against_above": ("boven het doel", "above the target"),
    "against_below": ("onder het doel", "below the target"),
    "against_unclear": ("onzeker", "uncertain"),
    "limits_title": ("Wat dit onderzoek wel en niet kan zeggen",
                     "What this study can and cannot say"),
    "limits_power": ("Met dit aantal deelnemers is de kans om een verschil tussen de groepen "
                     "van de verwachte omvang aan te tonen {power}; pas een verschil van "
                     "ongeveer {mde} in uitstroom is met 80% kans aan te tonen. 'Geen "
                     "duidelijk verschil' betekent dus niet dat er geen verschil is.",
                     "With this number of participants the chance of detecting a difference "
                     "of the expected size between the groups is {power}; only a difference "
                     "of about {mde} in outflow is detected with 80% probability. 'No clear "
                     "difference' therefore does not mean there is no difference."),
    "limits_assigned": ("De groepen zijn niet door loting ingedeeld maar door klantmanagers. "
                        "Verschillen tussen de groepen kunnen dus ook komen door wie in welke "
                        "groep terechtkwam; lees ze als samenhang, niet als bewezen effect.",
                        "The groups were formed by caseworkers, not by lot. Differences "
                        "between them may also come from who ended up in which group; read "
                        "them as associations, not as proven effects."),
    "limits_randomised": ("De groepen zijn door loting ingedeeld; een duidelijk verschil mag "
                          "als effect van de aanpak worden gelezen.",
                          "The groups were formed by lot; a clear difference may be read as "
                          "an effect of the approach."),
    "limits_follow_up": ("Niet iedereen is even lang gevolgd ({cohorts}). Wie laat instroomde, "
                         "had weinig tijd om uit te stromen: de uitstroom van die deelnemers "
                         "is nog niet af.",
                         "Not everyone was followed for as long ({cohorts}). Those who "
                         "enrolled late had little time to leave: their outflow is not "
                         "complete yet."),
    "limits_cohort": ("ingestroomd {period}: {n} deelnemers, {low} tot {high} maanden gevolgd",
                      "enrolled {period}: {n} participants, followed {low} to {high} months"),
    "synthetic_notice": ("Let op: dit rapport is gemaakt met gesimuleerde (synthetische) "
                         "gegevens. De cijfers beschrijven geen echte deelnemers.",
                         "Note: this report was made from simulated (synthetic) data. The "
                         "numbers describe no real participants."),
    "synthetic_subtitle": ("{subtitle}; gesimuleerde gegevens", "{subtitle}; simulated data"),
    # -- the study design as declared (design_section.py): TREND items for a
    # -- non-randomised comparison, the definition of a durable placement, the budget
    # -- framing of the savings
    "design": ("Opzet van het onderzoek", "Study design"),
    "design_assigned": ("Niet-gerandomiseerde vergelijking. De opzet is hieronder beschreven "
                        "volgens het TREND-statement voor niet-gerandomiseerde evaluaties "
                        "(Des Jarlais e.a. 2004, Am J Public Health 94:361-366).",
                        "Non-randomised comparison. The design is described below following "
                        "the TREND statement for non-randomised evaluations (Des Jarlais et "
                        "al. 2004, Am J Public Health 94:361-366)."),
    "design_randomised": ("Gerandomiseerde vergelijking, gestratificeerd naar {stratum} "
                          "(beschreven volgens CONSORT 2010).", "Randomised comparison, "
                          "stratified by {stratum} (described following CONSORT 2010)."),
    "design_single": ("Beschrijvend onderzoek van één groep, zonder vergelijkingsgroep. De opzet "
                      "is hieronder beschreven met de onderdelen van het TREND-statement (Des "
                      "Jarlais e.a. 2004, Am J Public Health 94:361-366) die zonder "
                      "vergelijkingsgroep van toepassing zijn.", "Descriptive study of a single "
                      "group, without a comparison group. The design is described below with "
                      "the items of the TREND statement (Des Jarlais et al. 2004, Am J Public "
                      "Health 94:361-366) that apply without a comparison group."),
    "design_not_factorial_assigned": ("Het is geen factorieel ontwerp: {stratum} is een kenmerk "
                                      "van de deelnemer, geen toegewezen behandeling, en ook "
                                      "de indeling naar {arm} is niet door loting bepaald. De "
                                      "uitkomsten per "
                                      "{stratum} zijn een vergelijking van subgroepen.",
                                      "It is not a factorial design: {stratum} is a "
                                      "characteristic of the participant, not an assigned "
                                      "treatment, and the grouping by {arm} was not decided by "
                                      "lot either. "
                                      "The results by {stratum} compare subgroups."),
    "design_not_factorial_randomised": ("Het is geen factorieel ontwerp: alleen {arm} is door "
                                        "loting toegewezen; {stratum} is een kenmerk van de "
                                        "deelnemer waarbinnen is geloot. De uitkomsten per "
                                        "{stratum} zijn een vergelijking van subgroepen.",
                                        "It is not a factorial design: only {arm} was "
                                        "allocated by lot; {stratum} is a characteristic of "
                                        "the participant within which the lot was drawn. The "
                                        "results by {stratum} compare subgroups."),
    "design_unit_person": ("Eenheid van toewijzing: de individuele deelnemer.",
                           "Unit of assignment: the individual participant."),
    "design_unit_household": ("Eenheid van toewijzing: de individuele deelnemer; de "
                              "uitkomsten worden per huishouden geteld (zie eenheid van "
                              "analyse).", "Unit of assignment: the individual participant; "
                              "the outcomes are counted per household (see unit of "
                              "analysis)."),
    "design_allocation_assigned": ("Toewijzing: niet gerandomiseerd. Klantmanagers hebben de "
                                   "deelnemers over de groepen ({arm}) verdeeld. De groepen "
                                   "kunnen daardoor al bij de start van elkaar verschillen; "
                                   "zie de sectie {baseline}.", "Allocation: not randomised. "
                                   "Caseworkers divided the participants between the groups "
                                   "({arm}). The groups may therefore differ from the start; "
                                   "see the section {baseline}."),
    "design_allocation_randomised": ("Toewijzing: door loting binnen elke {stratum}, in "
                                     "volgorde van instroom, in blokken van wisselende grootte "
                                     "(veelvouden {multiples} van het kleinste blok met de "
                                     "groepen in de geplande verhouding).", "Allocation: by "
                                     "lot within each {stratum}, in order of enrolment, in "
                                     "permuted blocks of varying size (multiples {multiples} "
                                     "of the smallest block holding the groups in their "
                                     "planned ratio)."),
    "design_allocation_single": ("Toewijzing: geen; alle deelnemers kregen dezelfde aanpak "
                                 "({arm}).", "Allocation: none; every participant received "
                                 "the same approach ({arm})."),
    "design_comparison": ("Vergelijking: {treated} tegenover {control}.",
                          "Comparison: {treated} versus {control}."),
    "design_comparison_strata": ("Vergelijking: {treated} tegenover {control}, per {stratum} "
                                 "({strata}) en over alle deelnemers samen.", "Comparison: "
                                 "{treated} versus {control}, by {stratum} ({strata}) and over "
                                 "all participants."),
    "design_comparison_many": ("Vergelijking: de groepen {arms}; vergelijkingen van meer dan "
                               "twee groepen worden (nog) niet geschat.", "Comparison: the "
                               "groups {arms}; comparisons of more than two groups are not "
                               "estimated (yet)."),
    "design_comparison_none": ("Vergelijking: geen vergelijkingsgroep. Wat er zonder de aanpak "
                               "was gebeurd, is niet gemeten.", "Comparison: no comparison "
                               "group. What would have happened without the approach was not "
                               "measured."),
    "design_comparison_none_strata": ("Vergelijking: geen vergelijkingsgroep; de uitkomsten "
                                      "worden beschreven per {stratum} ({strata}). Wat er "
                                      "zonder de aanpak was gebeurd, is niet gemeten.",
                                      "Comparison: no comparison group; the outcomes are "
                                      "described by {stratum} ({strata}). What would have "
                                      "happened without the approach was not measured."),
    "design_primary": ("Primaire uitkomst: {outcome}{horizon}.",
                       "Primary outcome: {outcome}{horizon}."),
    "design_horizon_as_of": (", zoals bekend op de peildatum ({as_of}); wie later instroomde, "
                             "had minder tijd om die te bereiken", ", as known on the as-of "
                             "date ({as_of}); those who enrolled later had less time to reach "
                             "it"),
    "design_bias_assigned": ("Vertekening door de niet-gerandomiseerde toewijzing: de effecten "
                             "zijn gecorrigeerd voor {stratum} en voor de kenmerken bij de "
                             "start ({covariates}), met g-computatie (regressiecorrectie) en met "
                             "weging naar de kans om in de groep {treated} te zitten (IPW). Deze "
                             "schattingen zijn alleen als effect te lezen als er geen andere "
                             "reden voor de indeling is die ook met de uitkomst samenhangt "
                             "(geen ongemeten confounding) en iedereen in beide groepen had "
                             "kunnen komen. De "
                             "exacte toetsen zijn niet gecorrigeerd: zij tonen een samenhang, "
                             "geen effect.", "Bias from the non-randomised allocation: the "
                             "effects are adjusted for {stratum} and for the characteristics "
                             "at entry ({covariates}), by g-computation (regression adjustment) "
                             "and by weighting for the probability of being in the group "
                             "{treated} (IPW). They are effects only if no other reason for "
                             "the allocation also bears on the outcome (no unmeasured "
                             "confounding) and everyone could have been in either group. The "
                             "exact tests are unadjusted: they show an association, not an "
                             "effect."),
    "design_no_covariates": ("geen: de gegevens bevatten er geen",
                             "none: the data hold none"),
    "design_bias_unadjusted": ("Vertekening door de niet-gerandomiseerde toewijzing: er zijn "
                               "geen gecorrigeerde effecten geschat; verschillen tussen de "
                               "groepen zijn geen effecten.", "Bias from the non-randomised "
                               "allocation: no adjusted effects were estimated; differences "
                               "between the groups are not effects."),
    "design_bias_randomised": ("Vertekening: door de loting verschillen de groepen bij de start "
                               "alleen door toeval. De vergelijkingen binnen elke {stratum} "
                               "zijn niet gecorrigeerd; een randomisatietoets herhaalt de "
                               "loting.", "Bias: allocation by lot leaves only chance "
                               "differences between the groups at the start. The comparisons "
                               "within each {stratum} are unadjusted; a randomisation test "
                               "replays the allocation."),
    "design_bias_single": ("Vertekening: zonder vergelijkingsgroep kan een verandering ook "
                           "door de arbeidsmarkt, het verloop van de tijd of de keuze van wie "
                           "meedeed komen; de uitkomsten zijn daarom geen effecten van de "
                           "aanpak.", "Bias: without a comparison group a change may also "
                           "come from the labour market, the passing of time or who took "
                           "part; the outcomes are therefore not effects of the approach."),
    "design_analysis_person": ("Eenheid van analyse: de deelnemer; de noemer van elk aandeel "
                               "is iedereen die op de peildatum was ingestroomd.",
                               "Unit of analysis: the participant; the denominator of every "
                               "share is everyone enrolled by the as-of date."),
    "design_analysis_household": ("Eenheid van analyse: het huishouden; een huishouden telt "
                                  "mee zodra een van de leden de uitkomst bereikt. Waar een "
                                  "onderdeel personen telt, staat dat erbij.",
                                  "Unit of analysis: the household; a household counts once "
                                  "any member reaches the outcome. Where a part counts "
                                  "persons, it says so."),
    "design_missing": ("Ontbrekende gegevens: wie uit beeld raakte, telt als niet geslaagd.",
                       "Missing data: anyone lost to follow-up counts as not reaching the "
                       "outcome."),
    "design_bounds": ("Hoeveel dat uitmaakt, laten grenzen zien voor uitstroom naar regulier "
                      "werk: de ene keer tellen allen die uit beeld raakten als geslaagd, de "
                      "andere keer als niet geslaagd (beste en slechtste geval).",
                      "Bounds show how much this matters for the regular-work outflow: "
                      "once everyone lost counts as reaching it, once as not (best and "
                      "worst case)."),
    "design_bounds_difference": ("Voor het verschil tussen de groepen tellen zij in de "
                                 "gunstigste en in de ongunstigste richting.", "For the "
                                 "difference between the groups they count in the most and in "
                                 "the least favourable direction."),
    "design_complete_cases": ("In de gecorrigeerde analyse tellen alleen deelnemers van wie "
                              "alle kenmerken bij de start bekend zijn.", "The adjusted "
                              "analysis counts only participants whose characteristics at "
                              "entry are all known."),
    "durable_definition": ("Duurzame plaatsing: de eerste baan die een deelnemer na instroom "
                           "begon, loopt {months} na de start nog. Eindigde die baan eerder, "
                           "dan is de plaatsing niet duurzaam; wie geen baan vond, telt ook als "
                           "niet duurzaam. Een baan die op de peildatum korter dan {months} "
                           "liep en nog niet was geëindigd, telt (nog) niet mee.",
                           "Durable placement: the first job a participant started after "
                           "enrolment still ran {months} after it started. A job that ended "
                           "sooner is not a durable placement; anyone without a job counts as "
                           "not durably placed too. A job that had run for less than {months} "
                           "by the as-of date and had not ended does not count (yet)."),
    "budget_impact": ("Dit zijn begrotingscijfers voor de gemeente (budgetimpact), geen "
                      "kosten-batenanalyse. De besparing telt de uitkeringsmaanden die na "
                      "uitstroom niet meer zijn betaald, tot een eventuele terugkeer in de "
                      "uitkering of de peildatum, maal {eur} per maand. Het zijn brutobedragen "
                      "zonder vergelijking met wat er zonder de aanpak was gebeurd: een deel "
                      "van de deelnemers was ook zonder de aanpak uit de uitkering gegaan. De "
                      "besparingen zijn daarom een bovengrens van wat de aanpak de gemeente "
                      "heeft opgeleverd.", "These are budget figures for the municipality (a "
                      "budget impact), not a cost-benefit analysis. The savings count the "
                      "benefit months not paid after exit, up to any return to benefit or the "
                      "as-of date, times {eur} a month. They are gross amounts without a "
                      "counterfactual: some participants would have left benefit without the "
                      "approach too. The savings are therefore an upper bound of what the "
                      "approach saved the municipality."),
}
if set(_TEXT) & set(SECTION_TEXTS):  # pragma: no cover
    raise RuntimeError(f"text keys declared twice: {sorted(set(_TEXT) & set(SECTION_TEXTS))}")
_TEXT.update(SECTION_TEXTS)


def text(key: str, lang: Language, **values: object) -> str:
    """A sentence or label in the report's language, with ``values`` filled in.

    Examples
    --------
    >>> text("target_met", "nl", target="40%")
    'Het doel van 40% uitstroom naar regulier werk is gehaald.'
    """
    nl, en = _TEXT[key]
    return (nl if lang == "nl" else en).format(**values)


def fmt_number(value: float | None, lang: Language, digits: int = 2) -> str:
    """A number with a decimal comma in Dutch and a point in English; '-' when missing
    (None or NaN), '∞' / '-∞' when infinite (an odds ratio or interval bound with a zero
    cell).

    Examples
    --------
    >>> fmt_number(0.1234, "nl"), fmt_number(0.1234, "en", 3), fmt_number(float("nan"), "nl")
    ('0,12', '0.123', '-')
    >>> fmt_number(12345.678, "nl", 1), fmt_number(-0.001, "nl")
    ('12.345,7', '0,00')
    >>> fmt_number(float("inf"), "nl"), fmt_number(float("-inf"), "en")
    ('∞', '-∞')
    """
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return INFINITY if value > 0 else "-" + INFINITY
    shown = f"{value:,.{digits}f}"
    if shown.startswith("-") and not shown.strip("-0.,"):  # -0.00: no sign on a zero
        shown = shown[1:]
    if lang == "nl":
        shown = shown.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return shown


def fmt_percent(share: float | None, lang: Language, digits: int = 1) -> str:
    """A share as a percentage.

    Examples
    --------
    >>> fmt_percent(0.125, "nl"), fmt_percent(0.4, "en", 0)
    ('12,5%', '40%')
    """
    if share is None or not math.isfinite(share):
        return "-"
    return fmt_number(100 * share, lang, digits) + "%"


def fmt_points(difference: float | None, lang: Language, digits: int = 0) -> str:
    """A difference of two shares in percentage points ("procentpunt").

    A difference of 11% and 50% is 39 percentage points, not 39%: "%" would read as a
    share of the 50%.

    Examples
    --------
    >>> fmt_points(0.39, "nl"), fmt_points(-0.052, "en", 1)
    ('39 procentpunt', '-5.2 percentage points')
    """
    if difference is None or not math.isfinite(difference):
        return "-"
    return f"{fmt_number(100 * difference, lang, digits)} {label('points', lang)}"


def fmt_p_value(p: float | None, lang: Language, digits: int = 3) -> str:
    """A p-value or probability with ``digits`` decimals; below what they can show,
    "<0,001" ("<0.001" in English) rather than a zero.

    Examples
    --------
    >>> fmt_p_value(0.00004, "nl"), fmt_p_value(0.0312, "nl"), fmt_p_value(0.0004, "en")
    ('<0,001', '0,031', '<0.001')
    >>> fmt_p_value(0.0, "nl", 2), fmt_p_value(float("nan"), "en")
    ('<0,01', '-')
    """
    if p is None or not math.isfinite(p):
        return "-"
    smallest = 10.0 ** -digits
    if p < smallest / 2:  # would print as 0,000
        return "<" + fmt_number(smallest, lang, digits)
    return fmt_number(p, lang, digits)


def fmt_date(day: dt.date | str, lang: Language) -> str:
    """A date as a reader writes it: "1 juli 2016" in Dutch, "1 July 2016" in English
    (``results.json`` and the workbook's technical sheets keep ISO dates).

    Examples
    --------
    >>> fmt_date("2016-07-01", "nl"), fmt_date(dt.date(2015, 12, 31), "en")
    ('1 juli 2016', '31 December 2015')
    """
    day = parse_iso_date(day)
    return f"{day.day} {label('month_names', lang).split()[day.month - 1]} {day.year}"
