"""Text alternatives of the report's figures, for readers who cannot see them.

The accessibility standard that Dutch public bodies follow (EN 301 549, which takes in
WCAG 2.1 success criterion 1.1.1, "non-text content") asks for a text alternative of
every image. :func:`alt_text` gives one per figure: the figure's caption followed by a
short description of what is drawn and how to read it, in Dutch or English. The
numbers themselves are in the report's tables, which a screen reader reads.
"""

from __future__ import annotations

from ...analysis.common import check_option
from .style import Language

__all__ = ["DESCRIPTIONS", "alt_text"]

#: A short description of each figure by file stem: (Dutch, English).
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "consort": ("Stroomdiagram: per groep hoeveel deelnemers zijn geïncludeerd, "
                "toegewezen, gevolgd en geanalyseerd.",
                "Flow diagram: per group how many participants were enrolled, allocated, "
                "followed up and analysed."),
    "outflow_target": ("Puntgrafiek: per groep het aandeel dat uitstroomde, met het "
                       "95%-betrouwbaarheidsinterval als horizontale lijn. Afgeschermde "
                       "waarden staan er als tekst.",
                       "Dot plot: per group the share that flowed out, with the 95% "
                       "confidence interval as a horizontal line. Withheld values are "
                       "written as text."),
    "chain_flow": ("Stroomschema: per stap van de keten hoeveel deelnemers begonnen, hoe "
                   "lang zij erin bleven en hoeveel doorgingen naar de volgende stap.",
                   "Flow chart: per stage of the chain how many participants entered, how "
                   "long they stayed and how many moved on to the next stage."),
    "kaplan_meier": ("Trapgrafiek met een paneel per stratum: de cumulatieve uitstroom naar "
                     "regulier werk over de maanden sinds instroom, een lijn per groep, met "
                     "een gearceerd betrouwbaarheidsinterval; onder elk paneel het aantal "
                     "onder risico elke zes maanden.",
                     "Step chart with a panel per stratum: the cumulative outflow to regular "
                     "work over the months since enrolment, a line per group, with a shaded "
                     "confidence interval; under each panel the number at risk every six "
                     "months."),
    "cumulative_incidence": ("Trapgrafiek: het aandeel dat regulier werk vond over de "
                             "maanden sinds instroom, waarbij andere uitstroom een "
                             "concurrerend risico is, per groep met een gearceerd interval.",
                             "Step chart: the share that found regular work over the months "
                             "since enrolment, with other exits as competing risks, per group "
                             "with a shaded interval."),
    "wage_value": ("Lijngrafiek: de voorspelde gemiddelde loonwaarde per groep over de "
                   "maanden waarin de groep gemeten is, met een gearceerd interval.",
                   "Line chart: the predicted mean wage value per group over the months in "
                   "which the group was measured, with a shaded interval."),
    "ladder_transitions": ("Kleurentabel: per trede van de participatieladder bij intake "
                           "het aandeel dat op elke trede eindigde.",
                           "Colour table: per rung of the participation ladder at intake "
                           "the share that ended on each rung."),
    "instrument_effects": ("Links het aandeel uitstroom per cel; rechts het verschil tussen "
                           "de vergeleken groepen per stratum en in totaal, met intervallen, "
                           "op een as rond nul. Afgeschermde waarden staan er als tekst.",
                           "Left the share flowing out per cell; right the difference between "
                           "the groups compared per stratum and overall, with intervals, on "
                           "an axis around zero. Withheld values are written as text."),
    "costs": ("Staafdiagram: gemiddelde kosten, besparing op uitkeringen en nettobesparing "
              "per groep, en het verschil tussen de groepen met intervallen. "
              "Afgeschermde waarden staan er als tekst.",
              "Bar chart: mean costs, benefit savings and net savings per group, "
              "and the difference between the groups with intervals. Withheld values are "
              "written as text."),
    "declared_outcomes": ("Trapgrafiek: per uitkomst het cumulatieve aandeel dat haar "
                          "bereikte over de maanden sinds instroom.",
                          "Step chart: per outcome the cumulative share that reached it over "
                          "the months since enrolment."),
    "power_curves": ("Lijngrafiek: de kans een effect aan te tonen (power), uitgezet tegen de "
                     "grootte van het effect, per aantal deelnemers per cel.",
                     "Line chart: the chance of detecting an effect (power) against the size "
                     "of the effect, per number of participants per cell."),
}


def alt_text(stem: str, caption: str, lang: Language) -> str:
    """The text alternative of figure ``stem``: its caption and a short description.

    A figure without a description (a stem not in :data:`DESCRIPTIONS`) gets its
    caption alone.

    Examples
    --------
    >>> alt_text("wage_value", "Figuur 5. Loonwaarde.", "nl")[:40]
    'Figuur 5. Loonwaarde. Lijngrafiek: de vo'
    >>> alt_text("other", "Figure 1", "en")
    'Figure 1.'
    """
    check_option("alt_text", "lang", lang, Language)
    caption = caption.strip()
    if caption and caption[-1] not in ".!?":
        caption += "."
    description = DESCRIPTIONS.get(stem, ("", ""))[0 if lang == "nl" else 1]
    return " ".join(part for part in (caption, description) if part)
