"""The report's descriptive tables as text, after disclosure control.

CONSORT counts, the baseline table and the ESF indicators are counts of people; each
goes through :mod:`~iedereen_doet_mee.reporting.disclosure` (primary and secondary
suppression over its published margins) before it is formatted. Also the
limitations paragraph built from the design diagnosis.
"""

from __future__ import annotations

import math

import pandas as pd

from ...design.trial_design import TrialDesign
from ...diagnosis.design_diagnosis import SIMULATED_TRIAL_MAX_PARTICIPANTS
from ...diagnosis.estimators import FISHER_EXACT_MAX_PARTICIPANTS
from ..disclosure import suppress_statistics, suppress_table
from ..document.texts import Language, fmt_number, fmt_percent, text
from .consort import ALL, ConsortCounts

__all__ = ["baseline_text_table", "consort_suppression", "consort_text_table",
           "esf_text_table", "limitations"]


def consort_suppression(counts: ConsortCounts, threshold: int
                        ) -> dict[tuple[str, str, str], bool]:
    """Which CONSORT counts to hide: per count, its 2x2 with band and arm margins."""
    hidden: dict[tuple[str, str, str], bool] = {}
    table = counts.table
    for name in dict.fromkeys(table["count"]):
        part = table[table["count"] == name]
        if part["n"].isna().any():
            hidden.update({(name, b, a): False for b, a in zip(part["band"], part["instruments"],
                                                               strict=True)})
            continue
        if set(part["band"]) == {ALL} and set(part["instruments"]) == {ALL}:
            hidden[(name, ALL, ALL)] = bool(int(part["n"].iloc[0]) < threshold)
            continue
        grid = part.pivot(index="band", columns="instruments", values="n").astype(int)
        grid = grid.loc[[*counts.strata, ALL], [*counts.arms, ALL]]
        mask = suppress_table(grid, threshold=threshold, total_row=ALL, total_column=ALL).mask
        for band in grid.index:
            for arm in grid.columns:
                hidden[(name, band, arm)] = bool(mask.loc[band, arm])
    return hidden


def consort_text_table(counts: ConsortCounts, hidden: dict[tuple[str, str, str], bool],
                       lang: Language) -> pd.DataFrame:
    """One row per CONSORT count, one column per cell and the total."""
    table = counts.table
    columns = [(b, a) for b in counts.strata for a in counts.arms] + [(ALL, ALL)]
    rows = []
    for name in dict.fromkeys(table["count"]):
        row = [name.replace("_", " ")]
        for band, arm in columns:
            try:
                value = counts.count(name, band, arm)
            except KeyError:  # counted for the whole trial only
                row.append("")
                continue
            if value is None:
                row.append("-")
            elif hidden.get((name, band, arm), False):
                row.append(text("suppressed", lang))
            else:
                row.append(str(value))
        rows.append(row)
    header = [""] + [f"{b}/{a}" if b != ALL else ("totaal" if lang == "nl" else "total")
                     for b, a in columns]
    return pd.DataFrame(rows, columns=header)


def baseline_text_table(long: pd.DataFrame, threshold: int, lang: Language) -> pd.DataFrame:
    """Cells and overall per characteristic: n (%) or mean (SD), and the standardised
    difference between arms; counts and the percentages that reveal them suppressed."""
    cells = long[long["column_type"].isin(["cell", "overall"])]
    columns = list(dict.fromkeys(cells["column"]))
    smd = long[(long["column_type"] == "smd") | long["statistic"].astype(str).str.contains(
        "standardised")] if "column_type" in long else long.iloc[0:0]
    rows = []
    for (characteristic, level, statistic), part in cells.groupby(
            ["label", "level", "statistic"], sort=False, dropna=False):
        part = part.set_index("column").reindex(columns)
        shown = []
        if str(statistic).startswith("n ("):
            counts = part["count"].astype("Int64").fillna(0).astype(int)
            mask = suppress_table(counts, threshold=threshold).mask
            for column in columns:
                if mask[column]:
                    shown.append(text("suppressed", lang))
                else:
                    share = counts[column] / part.loc[column, "denominator"]
                    shown.append(f"{counts[column]} ({fmt_percent(share, lang, 0)})")
        else:
            people = part["denominator"].astype(float)
            result = suppress_statistics(part["value"].astype(float), people=people,
                                         threshold=threshold)
            for column in columns:
                if result.mask[column]:
                    shown.append(text("suppressed", lang))
                elif statistic == "median [IQR]":
                    shown.append(f"{fmt_number(part.loc[column, 'value'], lang, 1)} "
                                 f"[{fmt_number(part.loc[column, 'q1'], lang, 1)}-"
                                 f"{fmt_number(part.loc[column, 'q3'], lang, 1)}]")
                else:
                    shown.append(f"{fmt_number(part.loc[column, 'value'], lang, 1)} "
                                 f"({fmt_number(part.loc[column, 'sd'], lang, 1)})")
        label = f"{characteristic}: {level}" if isinstance(level, str) and level else \
            f"{characteristic}, {statistic}"
        difference = smd[(smd["label"] == characteristic) & (smd["column"].astype(str).str
                                                            .startswith("smd:instruments"))]
        value = difference["value"].iloc[0] if len(difference) else math.nan
        rows.append([label, *shown, fmt_number(value, lang, 2)])
    smd_name = "gestand. verschil" if lang == "nl" else "std. difference"
    header = [_short(c, lang) for c in columns]
    return pd.DataFrame(rows, columns=["", *header, smd_name])


def _short(column: str, lang: Language) -> str:
    """``band=40-60:instruments=yes`` as ``40-60/yes``; ``overall`` in the language."""
    if column == "overall":
        return "totaal" if lang == "nl" else "total"
    return "/".join(part.split("=", 1)[-1] for part in column.split(":"))


def esf_text_table(esf: pd.DataFrame, threshold: int, lang: Language
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ESF indicators as text (for the report) and with suppressed counts as None
    (for ``indicators.xlsx``); indicators the data cannot support say why."""
    name = "indicator_nl" if lang == "nl" else "indicator"
    # without a sex column the counts are totals only (the ESF breakdown is then missing)
    by_sex = bool(esf["men"].notna().any()) if len(esf) else False
    sexes = ["men", "women"] + (["sex_other_or_unknown"]
                                if esf["sex_other_or_unknown"].fillna(0).sum() > 0 else [])
    sexes = sexes if by_sex else []
    no_sex = "" if by_sex else text("sex_not_recorded", lang)
    rows, sheet = [], []
    for _, r in esf.iterrows():
        if not r["available"]:
            reason = text("not_available", lang, reason=r["reason"])
            rows.append([r["code"], r[name], "-", "-", "-", reason])
            sheet.append({"code": r["code"], "indicator": r[name], **dict.fromkeys(
                [*sexes, "total"]), "available": False, "reason": r["reason"]})
            continue
        counts = pd.Series({s: int(r[s]) for s in sexes} | {"total": int(r["total"])})
        mask = suppress_table(counts, threshold=threshold,
                              total="total" if sexes else None).mask
        shown = {k: (text("suppressed", lang) if mask[k] else str(v)) for k, v in counts.items()}
        rows.append([r["code"], r[name], shown.get("men", "-"), shown.get("women", "-"),
                     shown["total"], no_sex])
        sheet.append({"code": r["code"], "indicator": r[name],
                      **{k: (None if mask[k] else int(v)) for k, v in counts.items()},
                      "available": True, "reason": None})
    header = ["code", "indicator", "mannen" if lang == "nl" else "men",
              "vrouwen" if lang == "nl" else "women", "totaal" if lang == "nl" else "total",
              ""]
    return pd.DataFrame(rows, columns=header), pd.DataFrame(sheet)


def limitations(diagnosis, mde: pd.Series | None, design: TrialDesign,
                lang: Language, unavailable: str | None = None) -> tuple[str, ...]:
    """Power and the probability of meeting the target (from the design diagnosis), the
    allocation method and multiplicity, as paragraphs; ``unavailable`` says why the
    design was not diagnosed."""
    if diagnosis is None:
        head = text("not_available", lang, reason=unavailable or "no diagnosis")
        return (("Ontwerpdiagnose (onderscheidend vermogen). " if lang == "nl" else
                 "Design diagnosis (power). ") + head,
                *_allocation_and_multiplicity(design, lang))

    def value(key: str, diagnosand: str) -> float:
        try:
            return diagnosis.value(key, diagnosand)
        except KeyError:
            return math.nan

    sims = diagnosis.settings["sims"]
    power = value("overall|risk_difference_block_weighted", "power")
    fisher = value("pooled|fisher_exact_two_sided", "power")
    met, _ = diagnosis.target_met
    if lang == "nl":
        lines = [f"Onderscheidend vermogen (ontwerpdiagnose, {sims} gesimuleerde trials onder "
                 f"de standaardaannames, met gelote instrumenten): de kans om een effect "
                 f"van instrumenten aan te tonen "
                 f"is {fmt_percent(power, lang, 0)} (gewogen risicoverschil) en "
                 f"{fmt_percent(fisher, lang, 0)} (exacte toets van Fisher); de kans dat het "
                 f"project het doel haalt is {fmt_percent(met, lang, 0)}.",
                 *_allocation_and_multiplicity(design, lang)]
    else:
        lines = [f"Power (design diagnosis, {sims} simulated trials under the default "
                 f"assumptions, with randomised instruments): the probability of showing an "
                 f"effect of instruments is "
                 f"{fmt_percent(power, lang, 0)} (block-weighted risk difference) and "
                 f"{fmt_percent(fisher, lang, 0)} (Fisher's exact test); the probability that "
                 f"the project meets its target is {fmt_percent(met, lang, 0)}.",
                 *_allocation_and_multiplicity(design, lang)]
    if mde is not None and mde["status"] == "found":
        low, high = fmt_percent(mde["mde_low"], lang, 0), fmt_percent(mde["mde_high"], lang, 0)
        closed = fmt_percent(mde["closed_form_mde"], lang, 0)
        if lang == "nl":
            lines.insert(1, f"Kleinste aantoonbare effect (80% onderscheidend vermogen, "
                         f"gewogen risicoverschil, ontwerp zoals uitgevoerd): "
                         f"{fmt_percent(mde['mde'], lang, 0)} (Monte-Carlo-interval {low} tot "
                         f"{high}); de formule voor volledige follow-up en loting (Cohen's h) "
                         f"geeft {closed}.")
        else:
            lines.insert(1, f"Minimum detectable effect (80% power, block-weighted risk "
                         f"difference, the design as run): {fmt_percent(mde['mde'], lang, 0)} "
                         f"(Monte Carlo interval {low} to {high}); the formula for full "
                         f"follow-up and randomisation (Cohen's h) gives {closed}.")
    elif mde is not None:
        lines.insert(1, ("Kleinste aantoonbare effect: " if lang == "nl" else
                         "Minimum detectable effect: ") + str(mde["status"]) + ".")
    if "method" in diagnosis.settings:
        lines.append(_large_trial_line(lang))
    if mde is not None and "null_rejection_assigned" in mde:
        rate = fmt_percent(mde["null_rejection_assigned"], lang, 0)
        lines.insert(2, f"Bij toewijzing door klantmanagers (zoals uitgevoerd) verwerpt de "
                     f"ongecorrigeerde vergelijking zonder enig effect van instrumenten in {rate} "
                     f"van de gesimuleerde trials (in plaats van 5%): selectie, geen effect. "
                     f"Daarom zijn de vergelijkingen gecorrigeerd voor kenmerken bij de start "
                     f"en als verband gelabeld." if lang == "nl" else
                     f"With assignment by caseworkers (as run), the unadjusted comparison "
                     f"rejects in {rate} of simulated trials without any effect of instruments "
                     f"(instead of 5%): selection, not effect. The comparisons are therefore "
                     f"adjusted for baseline characteristics and labelled associations.")
    return tuple(lines)


def _allocation_and_multiplicity(design: TrialDesign, lang: Language) -> tuple[str, str]:
    """The limitations' paragraphs on allocation and on multiple testing."""
    randomised = design.allocation == "randomised"
    if lang == "nl":
        return ("Toewijzing: " + ("door loting binnen loonwaardeband (gestratificeerde "
                                  "permuterende blokken)." if randomised else
                                  "door klantmanagers, niet geloot; vergelijkingen tussen de "
                                  "groepen zijn gecorrigeerd voor kenmerken bij de start maar "
                                  "blijven verbanden."),
                "Meervoudig toetsen: de secundaire vergelijkingen zijn volgens Holm "
                "gecorrigeerd; de primaire uitkomst (uitstroom naar regulier werk) niet.")
    return ("Allocation: " + ("randomised within wage-value band (stratified permuted "
                              "blocks)." if randomised else "by caseworkers, not randomised; "
                              "comparisons of the groups are adjusted for baseline "
                              "characteristics but remain associations."),
            "Multiplicity: the secondary comparisons are Holm-adjusted; the primary outcome "
            "(regular-work outflow) is not.")


def _large_trial_line(lang: Language) -> str:
    """How the diagnosis of a large trial differs (cell counts drawn, Fisher replaced)."""
    most, exact = SIMULATED_TRIAL_MAX_PARTICIPANTS, FISHER_EXACT_MAX_PARTICIPANTS
    if lang == "nl":
        return (f"Grote trial: boven {fmt_number(most, lang, 0)} deelnemers per trial trekt de "
                "ontwerpdiagnose de aantallen per cel uit binomiale verdelingen met de "
                "berekende kans op waargenomen uitstroom per cel, in plaats van elke deelnemer "
                "te simuleren; de exacte toets van Fisher is in tabellen boven "
                f"{fmt_number(exact, lang, 0)} deelnemers vervangen door de chi-kwadraattoets "
                "met Yates-correctie.")
    return (f"Large trial: above {fmt_number(most, lang, 0)} participants per trial the design "
            "diagnosis draws the counts per cell from binomial distributions with the computed "
            "chance of observed outflow of each cell instead of simulating every participant; "
            "Fisher's exact test is replaced by the chi-square test with Yates' correction in "
            f"tables of more than {fmt_number(exact, lang, 0)} participants.")
