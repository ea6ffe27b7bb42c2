"""The report's descriptive tables as text, after disclosure control.

CONSORT counts, the baseline table and the ESF indicators are counts of people; each
goes through :mod:`~iedereen_doet_mee.reporting.disclosure` (primary and secondary
suppression over its published margins) before it is formatted. A threshold of ``None``
(the internal report, see :mod:`~iedereen_doet_mee.reporting.disclosure.audience`)
suppresses nothing: every count is shown, zeros included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ..disclosure import DEFAULT_THRESHOLD, suppress_linked, suppress_statistics
from ..document.texts import Language, fmt_number, fmt_percent, text
from ..document.workbook_sheets import column_label
from ..figures.style import cell_label, label, suppressed_count
from .baseline_suppression import BaselineSuppression, baseline_suppression
from .consort import ALL, COUNT_NAMES, ConsortCounts, shown_counts
from .esf_suppression import ESF_SEXES, esf_columns, esf_suppression

__all__ = ["baseline_text_table", "consort_suppression", "consort_text_table",
           "esf_text_table"]


#: CONSORT counts that add up to ``allocated`` in every cell and margin.
_PARTS_OF_ALLOCATED = (("received_instruments", "no_instruments"),
                       ("analysed", "excluded_from_analysis"))


def consort_suppression(counts: ConsortCounts, threshold: int | None
                        ) -> dict[tuple[str, str, str], str | None]:
    """Which CONSORT counts to hide, and what the diagram may say about them:
    ``"primary"`` (below ``threshold``: shown as ``<threshold``), ``"secondary"`` (hidden
    so that no primary one can be worked out: shown as withheld) or None (shown);
    ``threshold`` None (the internal report): every count None. When telling the small
    counts apart from the others would itself pin one down
    (:attr:`~iedereen_doet_mee.reporting.disclosure.Suppression.reasons_public`), every
    hidden count is ``"secondary"``.

    All recorded counts are protected together by
    :func:`~iedereen_doet_mee.reporting.disclosure.suppress_linked`: each count's cells
    with its band and arm margins and grand total (the margins are treated as published,
    which protects more than the diagram needs), and the relations between counts
    (``received_instruments + no_instruments = allocated`` and ``analysed +
    excluded_from_analysis = allocated`` per cell and margin, ``enrolled`` equal to all
    allocated).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> from iedereen_doet_mee.reporting.tables.consort import consort_counts
    >>> hidden = consort_suppression(consort_counts(simulate_trial(seed=1)), 10)
    >>> hidden[("allocated", ALL, ALL)], hidden[("enrolled_after_as_of", ALL, ALL)]
    (None, 'primary')
    """
    keys = counts.keys()
    if threshold is None:
        return dict.fromkeys(keys)
    table = counts.table
    recorded = table[table["n"].notna()]
    # intention to treat analyses everyone allocated: nobody is excluded from the
    # analysis, by the definition the diagram's note states. Those zeros tell nothing
    # about anyone, so analysed = allocated is no relation to protect (it would hide
    # every allocated count); the diagram and the table leave the row out
    # (shown_counts), its note saying that nobody is excluded
    structural = counts.analysis == "intention_to_treat"
    zeros = {}
    if structural:
        out = recorded["count"] == "excluded_from_analysis"
        zeros = {(n, b, a): "primary" if v < threshold else None for n, b, a, v in zip(
            *(recorded.loc[out, c] for c in ("count", "band", "instruments", "n")),
            strict=True)}
        recorded = recorded[~out]
    labels = list(zip(recorded["count"], recorded["band"], recorded["instruments"],
                      strict=True))
    values = pd.Series(recorded["n"].astype(int).to_numpy(),
                       index=pd.Index(labels, tupleize_cols=False, dtype=object))
    have = set(labels)
    lines: list[tuple[tuple, list[tuple]]] = []
    for name in dict.fromkeys(recorded["count"]):
        for band in counts.strata:  # a band's margin over the arms
            lines.append(((name, band, ALL), [(name, band, a) for a in counts.arms]))
        for arm in counts.arms:  # an arm's margin over the bands
            lines.append(((name, ALL, arm), [(name, b, arm) for b in counts.strata]))
        lines.append(((name, ALL, ALL), [(name, b, ALL) for b in counts.strata]))
        lines.append(((name, ALL, ALL), [(name, ALL, a) for a in counts.arms]))
    for parts in _PARTS_OF_ALLOCATED:
        for band, arm in {(b, a) for _, b, a in labels}:
            members = [(p, band, arm) for p in parts]
            if ("allocated", band, arm) in have and all(m in have for m in members):
                lines.append((("allocated", band, arm), members))
    if structural:
        lines += [(("allocated", b, a), [("analysed", b, a)]) for _, b, a in labels]
    if ("enrolled", ALL, ALL) in have and ("allocated", ALL, ALL) in have:
        lines.append((("enrolled", ALL, ALL), [("allocated", ALL, ALL)]))
    lines = [(t, m) for t, m in lines if t in have and all(x in have for x in m)]
    result = suppress_linked(values, totals=lines, threshold=threshold, reasons_public=True)
    reason = result.reason
    if not result.reasons_public:  # "<10" would give a count away: every one is withheld
        reason = reason.where(reason.isna(), "secondary")
    hidden: dict[tuple[str, str, str], str | None] = dict.fromkeys(keys)
    hidden.update({key: reason[key] for key in labels} | zeros)
    return hidden


def consort_text_table(counts: ConsortCounts,
                       hidden: Mapping[tuple[str, str, str], str | bool | None],
                       lang: Language, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per CONSORT count the diagram shows (:func:`~.consort.shown_counts`), one
    column per cell and the total; a hidden count (``hidden`` from
    :func:`consort_suppression`) reads ``<threshold`` when it is below the threshold
    itself and "afgeschermd" / "withheld" otherwise (``True``, without a reason, too)."""
    table = counts.table
    columns = [(b, a) for b in counts.strata for a in counts.arms] + [(ALL, ALL)]
    shown = {name for _, name in shown_counts(counts)}
    rows = []
    for name in dict.fromkeys(table["count"]):
        if name not in shown and any(name == n for _, n in COUNT_NAMES):
            continue
        row = [label(name, lang, default=name.replace("_", " "))]
        for band, arm in columns:
            try:
                value = counts.count(name, band, arm)
            except KeyError:  # counted for the whole trial only
                row.append("")
                continue
            why = hidden.get((name, band, arm))
            if value is None:  # not in the data model: said, as the diagram says it
                row.append(label("not_recorded", lang))
            elif why:
                why = "primary" if why == "primary" and value < threshold else "secondary"
                row.append(suppressed_count(why, threshold, lang))
            else:
                row.append(str(value))
        rows.append(row)
    header = [""] + [_cell(f"band={b}:instruments={a}", lang) if b != ALL else
                     ("totaal" if lang == "nl" else "total") for b, a in columns]
    return pd.DataFrame(rows, columns=header)


def baseline_text_table(long: pd.DataFrame, threshold: int | None, lang: Language, *,
                        compared: bool = True,
                        protection: BaselineSuppression | None = None) -> pd.DataFrame:
    """Cells and overall per characteristic: n (%) or mean (SD), and the standardised
    difference between arms. ``compared=False`` (a single-arm design: no arms to
    compare) leaves out the column of standardised differences.

    The counts of a characteristic are protected together
    (:func:`~.baseline_suppression.baseline_suppression`): a count below ``threshold``
    reads ``<threshold``, one hidden so that another cannot be worked out "afgeschermd" /
    "withheld", as does a mean, median or standardised difference that would reveal a
    hidden count or rests on fewer than ``threshold`` people. ``threshold`` None (the
    internal report) hides nothing. ``protection``: the result of
    :func:`~.baseline_suppression.baseline_suppression` for ``long``, when the caller
    has it already (the ESF table needs it too); computed when None.
    """
    cells = long[long["column_type"].isin(["cell", "overall"])]
    columns = list(dict.fromkeys(cells["column"]))
    smd = long[(long["column_type"] == "smd") | long["statistic"].astype(str).str.contains(
        "standardised")] if "column_type" in long else long.iloc[0:0]
    if threshold is None:
        protection = None
    elif protection is None:
        protection = baseline_suppression(long, threshold, compared=compared)
    withheld = suppressed_count("secondary", threshold or DEFAULT_THRESHOLD, lang)
    rows = []
    for (characteristic, level, statistic), part in cells.groupby(
            ["label", "level", "statistic"], sort=False, dropna=False):
        code = str(part["characteristic"].iloc[0])  # the participants column
        part = part.set_index("column").reindex(columns)
        shown = []
        if str(statistic).startswith("n ("):
            counts = part["count"].astype("Int64").fillna(0).astype(int)
            for column in columns:
                why = None if protection is None else protection.reason.get(
                    (code, level, column))
                if why is not None:
                    shown.append(suppressed_count(why, threshold, lang))
                else:
                    share = counts[column] / part.loc[column, "denominator"]
                    shown.append(f"{counts[column]} ({fmt_percent(share, lang, 0)})")
        else:
            # a mean or median over the known values: its people are those values
            people = part["count"].astype(float)
            hidden = [False] * len(columns) if threshold is None else suppress_statistics(
                part["value"].astype(float), people=people, threshold=threshold).mask.tolist()
            for column, gone in zip(columns, hidden, strict=True):
                if gone:
                    shown.append(withheld)
                elif statistic == "median [IQR]":
                    shown.append(f"{fmt_number(part.loc[column, 'value'], lang, 1)} "
                                 f"[{fmt_number(part.loc[column, 'q1'], lang, 1)}-"
                                 f"{fmt_number(part.loc[column, 'q3'], lang, 1)}]")
                else:
                    shown.append(f"{fmt_number(part.loc[column, 'value'], lang, 1)} "
                                 f"({fmt_number(part.loc[column, 'sd'], lang, 1)})")
        difference = smd[(smd["label"] == characteristic) & (smd["column"].astype(str).str
                                                            .startswith("smd:instruments"))]
        name = _characteristic(code, characteristic, lang)
        value = difference["value"].iloc[0] if len(difference) else math.nan
        gone = protection is not None and code in protection.smd_withheld
        rows.append([_row_label(name, code, level, statistic, lang),
                     *shown, withheld if gone else fmt_number(value, lang, 2)])
    smd_name = label("standardised_difference", lang)
    header = [_cell(c, lang) for c in columns]
    table = pd.DataFrame(rows, columns=["", *header, smd_name])
    return table if compared else table.drop(columns=[smd_name])


def _cell(column: str, lang: Language) -> str:
    """A cell's column head as the figures name it (``band=40-60:instruments=yes`` ->
    "loonwaardeband 40-60%, met instrumenten"); ``overall`` in the language."""
    if column == "overall":
        return "totaal" if lang == "nl" else "total"
    return cell_label(column, lang)


def _characteristic(column: str, fallback: str, lang: Language) -> str:
    """A baseline characteristic in ``lang`` (registry ``characteristic:<column>``);
    ``fallback`` (the table's own label) for one the registry does not know."""
    if column.startswith("life_wheel_"):
        domain = column.removeprefix("life_wheel_")
        words = label(f"life_wheel:{domain}", lang, default=domain.replace("_", " "))
        return label("characteristic:life_wheel", lang).format(domain=words)
    return label(f"characteristic:{column}", lang, default=fallback)


def _row_label(name: str, column: str, level: object, statistic: object,
               lang: Language) -> str:
    """A baseline row: "Geslacht: vrouw" for a level, "Leeftijd ..., gemiddelde (sd)" for
    a statistic; codes of the data model in words (registry ``<column>=<code>``)."""
    if isinstance(level, str) and level:
        words = label(f"{column}={level}", lang, default=label(f"level:{level}", lang,
                                                                default=level))
        return f"{name}: {words}"
    return f"{name}, {label(f'statistic:{statistic}', lang, default=str(statistic))}"


def esf_text_table(esf: pd.DataFrame, threshold: int | None, lang: Language, *,
                   baseline: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ESF indicators as text (for the report) and with suppressed counts as None
    (for ``indicators.xlsx``); indicators the data cannot support say why.

    The counts are protected together (:func:`~.esf_suppression.esf_suppression`): an
    indicator is withheld when it is below ``threshold`` and when the participants not
    in it (all participants minus the indicator, ...) would be fewer; with ``baseline``
    (the baseline table's overall column as published,
    :func:`~.esf_suppression.baseline_overall`) a count that table withholds is
    withheld here too. ``threshold`` None (the internal report) hides nothing.
    """
    name = "indicator_nl" if lang == "nl" else "indicator"
    # without a sex column the counts are totals only (the ESF breakdown is then missing)
    columns = esf_columns(esf)
    sexes = columns[:-1]
    no_sex = "" if sexes else text("sex_not_recorded", lang)
    available = esf.loc[esf["available"].astype(bool), "code"]
    mask = pd.DataFrame(False, index=available, columns=columns) if threshold is None \
        else esf_suppression(esf, threshold, baseline=baseline)
    rows, sheet = [], []
    for _, r in esf.iterrows():
        if not r["available"]:
            why = r["reason_nl"] if lang == "nl" and "reason_nl" in r else r["reason"]
            rows.append([r["code"], r[name], *["-"] * (len(ESF_SEXES) + 1),
                         text("not_available", lang, reason=why)])
            sheet.append({"code": r["code"], "indicator": r[name], **dict.fromkeys(
                [*sexes, "total"]), "available": False, "reason": why})
            continue
        counts = pd.Series({s: int(r[s]) for s in sexes} | {"total": int(r["total"])})
        hidden = mask.loc[r["code"]]
        shown = {k: (text("suppressed", lang) if hidden[k] else str(v))
                 for k, v in counts.items()}
        # TOTAL is no ESF code but the package's name of the row: the report leaves it out
        code = "" if r["code"] == "TOTAL" else r["code"]
        rows.append([code, r[name], *(shown.get(c, "-") for c in ESF_SEXES),
                     shown["total"], no_sex])
        sheet.append({"code": r["code"], "indicator": r[name],
                      **{k: (None if hidden[k] else int(v)) for k, v in counts.items()},
                      "available": True, "reason": None})
    header = ["code", "indicator", *(column_label(c, lang) for c in ESF_SEXES),
              column_label("total", lang), "toelichting" if lang == "nl" else "note"]
    return pd.DataFrame(rows, columns=header), pd.DataFrame(sheet)


