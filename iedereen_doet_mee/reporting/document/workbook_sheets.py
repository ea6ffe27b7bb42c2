"""The sheets of ``indicators.xlsx``: headers in the report's language, number formats,
withheld cells marked, provenance and a map of every label to its code name.

:func:`workbook_sheets` composes, from what the report publishes (the protected ESF
table and result records, the provenance of ``results.json``):

* ``esf_indicators`` (when the ESF funds the programme): the common indicators by sex;
* ``results``: the records of ``results.json`` with each estimator's registered label
  and the unit of its scale;
* ``provenance``: package, design, as-of date, seed, library versions and input
  checksums;
* ``labels``: every header, estimator label, unit and ESF indicator name shown,
  next to its code name.

Headers come from :data:`COLUMN_LABELS`; number formats from the scale of each
record's estimator (:data:`SCALE_FORMATS`, with :data:`DESIGN_SCALES` for the design
records). Values keep full precision. A cell withheld by disclosure control holds the
text of :data:`WITHHELD`, never an empty cell that looks like a missing value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from ...analysis.estimators import SCALES, estimator_info
from ..records import DESIGN_ESTIMATORS, record_labels
from .workbook import Sheet

__all__ = ["COLUMN_LABELS", "DESIGN_SCALES", "SCALE_FORMATS", "WITHHELD", "record_scales",
           "workbook_sheets"]

Language = Literal["nl", "en"]

#: The header of every column the workbook shows, in Dutch and English.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    # ESF indicators
    "code": ("code", "code"),
    "indicator": ("indicator", "indicator"),
    "men": ("mannen", "men"),
    "women": ("vrouwen", "women"),
    "sex_other_or_unknown": ("anders of onbekend", "other or unknown"),
    "total": ("totaal", "total"),
    "available": ("beschikbaar", "available"),
    "reason": ("reden niet beschikbaar", "reason not available"),
    # result records
    "id": ("ID", "ID"),
    "question": ("onderzoeksvraag", "research question"),
    "outcome": ("uitkomst", "outcome"),
    "term": ("onderdeel", "term"),
    "estimate": ("schatting", "estimate"),
    "std_error": ("standaardfout", "standard error"),
    "statistic": ("toetsgrootheid of aantal", "statistic or count"),
    "p_value": ("p-waarde", "p-value"),
    "conf_low": ("ondergrens interval", "interval, lower bound"),
    "conf_high": ("bovengrens interval", "interval, upper bound"),
    "estimator": ("schatter (codenaam)", "estimator (code name)"),
    "n": ("n", "n"),
    "suppressed": ("afgeschermd", "withheld"),
    "label": ("schatter", "estimator"),
    "unit": ("eenheid", "unit"),
    # provenance and labels
    "item": ("onderdeel", "item"),
    "key": ("codenaam", "code name"),
    "value": ("waarde", "value"),
    "sheet": ("blad", "sheet"),
    "kind": ("soort", "kind"),
    "shown": ("getoond als", "shown as"),
}

#: The text of a cell withheld by disclosure control.
WITHHELD: tuple[str, str] = ("afgeschermd", "withheld")

#: Excel number format of each scale of :data:`~iedereen_doet_mee.analysis.estimators.
#: SCALES`: shares as percentages with one decimal, euros without decimals, p-values
#: with three, counts as whole numbers (a non-whole count, such as a predicted number,
#: with one decimal).
SCALE_FORMATS: dict[str, str] = {
    "share": "0.0%", "share_difference": "0.0%", "probability": "0.0%",
    "ratio": "0.00", "log_odds": "0.00", "p_value": "0.000",
    "months": "0.00", "month_difference": "0.00", "eur": "#,##0",
    "points_per_month": "0.00", "points": "0.0", "score": "0.00", "count": "#,##0",
}
_COUNT, _PART_COUNT, _P, _DECIMAL = "#,##0", "#,##0.0", "0.000", "0.00"

#: The scale of each design record's estimator (:data:`~iedereen_doet_mee.reporting.
#: records.DESIGN_ESTIMATORS`), which the estimator registry does not hold.
DESIGN_SCALES: dict[str, str] = {
    "risk_difference_block_weighted:power": "probability",
    "fisher_exact_two_sided:power": "probability",
    "binomial_exact_one_sided_target_met:power": "probability",
    "probability_target_met": "probability",
    "risk_difference_block_weighted:mde_80_simulated": "share_difference",
    "risk_difference_block_weighted:mde_80_closed_form": "share_difference",
    "primary_outcome_expected_share": "share",
    "primary_outcome_expected_ci_width": "share_difference",
    "primary_outcome_probability_target_met": "probability",
    "risk_difference_block_weighted:null_rejection_assigned": "probability",
}
if set(DESIGN_SCALES) != set(DESIGN_ESTIMATORS):  # pragma: no cover
    raise RuntimeError("DESIGN_SCALES must give a scale to every DESIGN_ESTIMATORS name")

_PROVENANCE: dict[str, tuple[str, str]] = {
    "package": ("pakket", "package"), "git_commit": ("git-commit", "git commit"),
    "design": ("ontwerp", "design"), "as_of": ("peildatum", "as-of date"),
    "seed": ("startwaarde van de toevalsgenerator", "random seed"),
    "input": ("invoer", "input"), "suppress_below": ("drempel voor afscherming",
                                                     "disclosure threshold"),
    "audience": ("rapport voor", "report for"),
}
_KINDS: dict[str, tuple[str, str]] = {
    "column": ("kolom", "column"), "estimator": ("schatter", "estimator"),
    "unit": ("eenheid", "unit"), "esf": ("ESF-indicator", "ESF indicator"),
    "provenance": ("herkomst", "provenance"),
}


def _pick(pair: tuple[str, str], lang: Language) -> str:
    return pair[0] if lang == "nl" else pair[1]


def column_label(name: str, lang: Language) -> str:
    """The header of column ``name`` in ``lang``.

    Examples
    --------
    >>> column_label("women", "nl"), column_label("p_value", "en")
    ('vrouwen', 'p-value')
    """
    if name not in COLUMN_LABELS:
        raise KeyError(f"column {name!r} has no label in {__name__}.COLUMN_LABELS; "
                       "declare it there (nl, en)")
    return _pick(COLUMN_LABELS[name], lang)


def record_scales(records: pd.DataFrame) -> pd.Series:
    """The scale of each record's estimator: from the estimator registry, or
    :data:`DESIGN_SCALES` for a design record (question ``design_diagnosis``).

    Examples
    --------
    >>> frame = pd.DataFrame({"question": ["target", "design_diagnosis"],
    ...                       "estimator": ["proportion_wilson", "probability_target_met"]})
    >>> record_scales(frame).tolist()
    ['share', 'probability']
    """
    def one(question: str, estimator: str) -> str:
        if question == "design_diagnosis":
            return DESIGN_SCALES[estimator]
        return estimator_info(estimator).estimator.scale

    return pd.Series([one(str(q), str(e)) for q, e in
                      zip(records["question"], records["estimator"], strict=True)],
                     index=records.index, name="scale", dtype=object)


def _whole(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and \
        bool(np.isfinite(value)) and float(value) == int(value)


def _results(records: pd.DataFrame, lang: Language) -> tuple[Sheet, pd.DataFrame]:
    """The results sheet and the estimator labels and units shown (for ``labels``)."""
    scales = record_scales(records)
    frame = records.assign(label=record_labels(records, lang),
                           unit=[SCALES[s][0 if lang == "nl" else 1] for s in scales])
    formats = pd.DataFrame(None, index=frame.index, columns=frame.columns, dtype=object)
    scale_format = scales.map(SCALE_FORMATS)
    for column in ("estimate", "std_error", "conf_low", "conf_high"):
        whole = frame[column].map(_whole)
        # a count scale holds a predicted number at times: one decimal then
        formats[column] = scale_format.where((scales != "count") | whole, _PART_COUNT)
    formats["statistic"] = frame["statistic"].map(lambda v: _COUNT if _whole(v) else _DECIMAL)
    formats["p_value"], formats["n"] = _P, _COUNT
    withheld = frame["suppressed"].astype(bool).to_numpy()
    frame = frame.astype({"estimate": object, "n": object})
    marker = _pick(WITHHELD, lang)
    frame.loc[withheld, "estimate"] = marker
    frame.loc[withheld, "n"] = marker
    shown = pd.concat([
        pd.DataFrame({"kind": "estimator", "shown": frame["label"], "code": frame["estimator"]}),
        pd.DataFrame({"kind": "unit", "shown": frame["unit"], "code": scales})])
    headers = [column_label(c, lang) for c in frame.columns]
    return Sheet(frame.reset_index(drop=True), headers,
                 formats.reset_index(drop=True)), shown


def _esf(esf: pd.DataFrame, lang: Language) -> Sheet:
    """The ESF sheet: a count withheld (None where the indicator is available) says so."""
    frame = esf.reset_index(drop=True).astype(object)
    counts = [c for c in ("men", "women", "sex_other_or_unknown", "total") if c in frame]
    available = frame["available"].astype(bool)
    formats = pd.DataFrame(None, index=frame.index, columns=frame.columns, dtype=object)
    marker = _pick(WITHHELD, lang)
    for column in counts:
        formats[column] = _COUNT
        frame[column] = frame[column].where(~(available & frame[column].isna()), marker)
    return Sheet(frame, [column_label(c, lang) for c in frame.columns], formats)


def _text_table(frame: pd.DataFrame, lang: Language) -> Sheet:
    """A descriptive table of the report (CONSORT flow, baseline) as it is printed: the
    same words and protected cells ("<10", "afgeschermd"); a cell that is a whole count
    becomes a number, so a reader can add it up in the spreadsheet."""
    out = frame.reset_index(drop=True).astype(object)
    formats = pd.DataFrame(None, index=out.index, columns=out.columns, dtype=object)
    for column in out.columns:
        whole = out[column].map(lambda v: isinstance(v, str) and v.isdigit())
        out[column] = out[column].where(~whole, out[column].map(
            lambda v: int(v) if isinstance(v, str) and v.isdigit() else v))
        formats[column] = formats[column].where(~whole, _COUNT)
    headers = [str(c).strip() or column_label("item", lang) for c in out.columns]
    return Sheet(out, headers, formats)


def provenance_label(key: str, lang: Language) -> str:
    """A provenance item's name in words (the report's appendix, the workbook's sheet).

    Examples
    --------
    >>> provenance_label("as_of", "nl"), provenance_label("sha256 design.toml", "en")
    ('peildatum', 'SHA-256 of design.toml')
    """
    if key in _PROVENANCE:
        return _pick(_PROVENANCE[key], lang)
    for prefix, words in (("version ", ("versie", "version")),
                          ("sha256 ", ("SHA-256 van", "SHA-256 of"))):
        if key.startswith(prefix):
            return f"{_pick(words, lang)} {key[len(prefix):]}"
    return key  # an item added to the provenance later shows its code name


def _labels(sheets: dict[str, Sheet], shown: Iterable[tuple[str, pd.DataFrame]],
            lang: Language) -> Sheet:
    rows = []
    for name, sheet in sheets.items():
        for code, header in zip(sheet.frame.columns, sheet.headers or (), strict=True):
            rows.append((name, "column", header, str(code)))
    for name, part in shown:
        rows += [(name, k, s, str(c)) for k, s, c in part[["kind", "shown", "code"]]
                 .itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=["sheet", "kind", "shown", "code"]).drop_duplicates()
    frame["kind"] = frame["kind"].map(lambda k: _pick(_KINDS[k], lang))
    columns = ["sheet", "kind", "shown", "code"]
    headers = [column_label(c, lang) for c in ("sheet", "kind", "shown", "key")]
    return Sheet(frame[columns].reset_index(drop=True), headers)


def workbook_sheets(records: pd.DataFrame, esf: pd.DataFrame | None,
                    provenance: Iterable[tuple[str, str]], lang: Language,
                    tables: Mapping[str, pd.DataFrame] | None = None
                    ) -> dict[str, Sheet]:
    """The sheets of ``indicators.xlsx`` for :func:`~.workbook.write_workbook`.

    Parameters
    ----------
    records : pandas.DataFrame
        The published records, the columns of ``results.json`` (``suppressed`` last).
    esf : pandas.DataFrame or None
        The protected ESF table (:func:`~iedereen_doet_mee.reporting.tables.as_text.
        esf_text_table`, second frame: a withheld count is None); None leaves the sheet
        out (a programme the ESF does not fund).
    provenance : iterable of (str, str)
        The provenance of ``results.json``: code name and value.
    lang : {"nl", "en"}
    tables : mapping of str to pandas.DataFrame, optional
        The report's descriptive tables as printed (``consort``, ``baseline``: protected
        text tables), one sheet each after the results, so every number of the report
        is in the workbook: a result by its record's ID, a descriptive count by its
        table, row and column.

    Examples
    --------
    >>> records = pd.DataFrame({
    ...     "question": ["target", "target"], "outcome": ["regular_work"] * 2,
    ...     "term": ["overall", "band=<40"], "estimate": [0.11, None],
    ...     "std_error": [0.03, None], "statistic": [11.0, None], "p_value": [None] * 2,
    ...     "conf_low": [0.06, None], "conf_high": [0.19, None],
    ...     "estimator": ["proportion_wilson"] * 2, "n": [100, None],
    ...     "suppressed": [False, True]})
    >>> sheets = workbook_sheets(records, None, [("seed", "1")], "en")
    >>> list(sheets)
    ['results', 'provenance', 'labels']
    >>> results = sheets["results"]
    >>> results.headers[3], results.frame.loc[1, "estimate"], results.formats.loc[0, "estimate"]
    ('estimate', 'withheld', '0.0%')
    >>> sheets["provenance"].frame.values.tolist()
    [['random seed', 'seed', '1']]
    """
    sheets: dict[str, Sheet] = {}
    if esf is not None:
        sheets["esf_indicators"] = _esf(esf, lang)
    sheets["results"], shown = _results(records, lang)
    for name, frame in (tables or {}).items():
        sheets[name] = _text_table(frame, lang)
    items = [(str(k), str(v)) for k, v in provenance]
    sheets["provenance"] = Sheet(
        pd.DataFrame({"item": [provenance_label(k, lang) for k, _ in items],
                      "key": [k for k, _ in items], "value": [v for _, v in items]},
                     dtype=object),
        [column_label(c, lang) for c in ("item", "key", "value")])
    parts = [("results", shown)]
    if esf is not None:
        parts.append(("esf_indicators", pd.DataFrame({
            "kind": "esf", "shown": esf["indicator"].astype(str),
            "code": esf["code"].astype(str)})))
    parts.append(("provenance", pd.DataFrame({
        "kind": "provenance", "shown": sheets["provenance"].frame["item"],
        "code": sheets["provenance"].frame["key"]})))
    sheets["labels"] = _labels(dict(sheets), parts, lang)
    return sheets
