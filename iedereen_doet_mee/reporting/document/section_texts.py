"""Words of the report's sections on missing data, Holm's adjustment and the interim
forecast, and of the units and horizons under the tables (issue 13, item 5).

Dutch and English pairs, merged into :func:`~.texts.text`'s table; kept in a module
of their own so that the sentences of these sections are found in one place.
"""

from __future__ import annotations

__all__ = ["SECTION_TEXTS"]

SECTION_TEXTS: dict[str, tuple[str, str]] = {
    # -- missing-data bounds (question "missing") ------------------------------------
    "missing_section": ("Uitval: grenzen voor wie uit beeld raakte",
                        "Loss to follow-up: bounds for those lost"),
    "missing_line": (
        "Van wie uit beeld raakte (uitval) is niet bekend of hij of zij uitstroomde naar "
        "regulier werk. De grenzen tellen de uitvallers eerst allemaal als niet "
        "uitgestroomd (slechtste geval) en dan allemaal als wel uitgestroomd (beste "
        "geval); het echte aandeel ligt daartussen, zonder aanname over waarom mensen "
        "uitvielen. De analyse van alleen de volledig gevolgden laat de uitvallers weg en "
        "neemt aan dat zij willekeurig uitvielen. Voor het verschil tussen de groepen telt "
        "de uitval eerst zo ongunstig en dan zo gunstig mogelijk voor de instrumenten.",
        "For those lost to follow-up it is not known whether they left benefit for regular "
        "work. The bounds count everyone lost first as not having left (worst case) and "
        "then as having left (best case); the true share lies in between, whatever the "
        "reason people were lost. Complete cases leave those lost out and assume they were "
        "lost at random. For the difference between the groups the loss counts first as "
        "unfavourable, then as favourable to the instruments as it can."),
    # the public report only: the internal one withholds nothing
    "missing_withheld": ("Rijen waaruit een klein aantal uitvallers terug te rekenen is, zijn "
                         "afgeschermd.", "Rows from which a small number lost could be "
                         "worked out are withheld."),
    # -- Holm's adjustment (question "multiplicity") ----------------------------------
    "holm_section": ("Meervoudig toetsen: Holm-correctie",
                     "Multiple tests: Holm's adjustment"),
    "default_primary": ("uitstroom naar regulier werk", "regular-work outflow"),
    "holm_line": (
        "De secundaire vergelijkingen zijn vooraf vastgelegd en samen getoetst. De "
        "methode van Holm corrigeert hun overschrijdingskansen zo dat de kans op ten "
        "minste één "
        "vals-positieve bevinding in de hele groep hoogstens 5% is: de kleinste "
        "overschrijdingskans wordt vermenigvuldigd met het aantal toetsen, de volgende "
        "met één minder, enzovoort, en een gecorrigeerde kans is nooit kleiner dan de "
        "vorige. De primaire uitkomst ({outcome}) is niet gecorrigeerd.",
        "The secondary comparisons were fixed in advance and are tested as a family. "
        "Holm's method adjusts their p-values so that the chance of at least one false "
        "positive finding in the whole family is at most 5%: the smallest p-value is "
        "multiplied by the number of tests, the next by one fewer, and so on, and an "
        "adjusted p-value is never smaller than the one before. The primary outcome "
        "({outcome}) is not adjusted."),
    "holm_hypothesis": ("vergelijking", "comparison"),
    "holm_raw_p": ("p (ongecorrigeerd)", "p (unadjusted)"),
    "holm_adjusted_p": ("p (Holm)", "p (Holm)"),
    "holm_none": ("Geen secundaire vergelijking had een overschrijdingskans, dus er is "
                  "niets gecorrigeerd.", "No secondary comparison had a p-value, so "
                  "nothing was adjusted."),
    # -- the interim steering forecast ------------------------------------------------
    "steering_section": ("Vooruitblik: haalt het project het doel?",
                         "Forecast: will the project reach its target?"),
    "steering_line": (
        "Deze tussenrapportage geeft de stand op {as_of}. De vooruitblik schat hoe de "
        "uitstroom naar regulier werk zich tot de afsluiting op {cutoff} ontwikkelt: wie "
        "nu nog een uitkering heeft, kan nog uitstromen, en wie nog moet instromen ook. "
        "Het doel is {target} van {n_total} geplande deelnemers, dus {target_count} "
        "uitstromers.",
        "This interim report gives the position on {as_of}. The forecast estimates how "
        "the outflow to regular work develops until the cut-off on {cutoff}: those still "
        "on benefit may still leave, and so may those yet to enrol. The target is "
        "{target} of {n_total} planned participants, so {target_count} leaving."),
    "steering_assumptions": (
        "Aannames: per groep een kans per maand op regulier werk en op ander vertrek, "
        "constant binnen de perioden vanaf {pieces} maanden na instroom en geschat uit de "
        "gegevens tot nu; waar er nog weinig gegevens zijn, leunt de schatting op een "
        "vooraf gekozen verwachting ({work} regulier werk en {other} ander vertrek binnen "
        "24 maanden). Wie nog moet instromen, stroomt gelijkmatig in tot het einde van de "
        "instroomperiode. Wie uit beeld raakte, telt als niet uitgestroomd. {draws} "
        "trekkingen (startwaarde {seed}); de kans heeft een Monte-Carlo-fout van "
        "{mc_error}.",
        "Assumptions: per group a monthly chance of regular work and of another exit, "
        "constant within the periods from {pieces} months after enrolment and estimated "
        "from the data so far; where data are still few, the estimate leans on an "
        "expectation chosen in advance ({work} regular work and {other} other exits within "
        "24 months). Those yet to enrol enrol evenly until the end of the enrolment "
        "period. Those lost to follow-up count as not having left. {draws} draws (seed "
        "{seed}); the probability has a Monte Carlo error of {mc_error}."),
    "steering_not_available": ("Geen vooruitblik: {reason}.", "No forecast: {reason}."),
    "steering_no_target": ("het ontwerp legt geen uitstroomdoel vast",
                           "the design declares no outflow target"),
    "steering_value": ("waarde", "value"),
    "steering_interval": ("{level}%-interval", "{level}% interval"),
    # -- units and horizons under the tables ------------------------------------------
    "units_survival": (
        "Eenheden: de cumulatieve incidentie is het aandeel dat binnen {tau} maanden na "
        "instroom regulier werk vond (ander vertrek als concurrerend risico); de "
        "beperkte gemiddelde tijd tot werk is het gemiddelde aantal maanden tot regulier "
        "werk, gerekend tot {tau} maanden (hoogstens {tau}), het verschil ook in maanden.",
        "Units: the cumulative incidence is the share that found regular work within {tau} "
        "months of enrolment (other exits as competing events); the restricted mean time "
        "to work is the mean number of months until regular work, counted up to {tau} "
        "months (at most {tau}), the difference in months too."),
    "units_wage_value": (
        "Eenheden: groei in {unit} (loonwaardepunten per maand); verschillen en interactie "
        "in {unit}. Het gemengde model geeft twee intervallen (t met "
        "Satterthwaite-vrijheidsgraden en de normale benadering); de binnen-persoonschatter "
        "(vaste effecten) vergelijkt ieder alleen met zichzelf.",
        "Units: growth in {unit} (wage-value points per month); differences and interaction "
        "in {unit}. The mixed model gives two intervals (t with Satterthwaite degrees of "
        "freedom and the normal approximation); the within-person estimator (fixed effects) "
        "compares each person only with themselves."),
    "units_ladder_ordinal": (
        "Eenheden: log-odds (positief = hoger op de ladder bij de laatste meting); "
        "exp(schatting) is de oddsratio.",
        "Units: log-odds (positive = higher on the ladder at the last measurement); "
        "exp(estimate) is the odds ratio."),
    # the unit of wage-value growth: the table's note and the answer on page 1
    "wage_growth_unit": ("procentpunt loonwaarde per maand",
                         "percentage points of wage value per month"),
    # -- means of a bounded answer scale (the employer survey) --------------------------
    "not_computable": ("niet te berekenen", "not computable"),
    "scale_beyond": (
        "Bij {rows} loopt het 95%-BI buiten de schaal van 1 tot {points}: er zijn te weinig "
        "antwoorden (hoogstens {n}) en de t-methode houdt geen rekening met de grenzen van "
        "de schaal. De intervallen zijn niet ingekort; ze laten zien dat het gemiddelde met "
        "zo weinig antwoorden nauwelijks te schatten is.",
        "For {rows} the 95% CI runs past the ends of the 1 to {points} scale: there are too "
        "few answers (at most {n}) and the t interval takes no account of the scale's ends. "
        "The intervals are not cut off; they show that with so few answers the mean can "
        "hardly be estimated."),
    "scale_one_answer": ("Bij {rows} is er maar één antwoord: een interval is dan niet te "
                         "berekenen.", "For {rows} there is only one answer: no interval "
                         "can be computed."),
    "scale_equal_answers": ("Bij {rows} zijn alle antwoorden gelijk: een interval is dan niet "
                            "te berekenen.", "For {rows} every answer is the same: no "
                            "interval can be computed."),
    "answer_scale_beyond": ("Het interval loopt buiten de schaal van 1 tot {points}, omdat er "
                            "te weinig antwoorden zijn.", "The interval runs past the ends of "
                            "the 1 to {points} scale because there are too few answers."),
    "wage_value_table": ("Loonwaarde in de tijd: gemengd model en binnen personen (vaste "
                         "effecten)", "Wage value over time: mixed model and within persons "
                         "(fixed effects)"),
}
