"""The chain's tables as text: one per stage, the people outside the chain, everyone's
position on the as-of date, and practical support (:func:`chain_text_tables`).

Every number comes from the records of the ``chain`` question after disclosure control
(``results.json``), so the tables show what the file holds: a suppressed number reads
"afgeschermd" / "withheld".
"""

from __future__ import annotations

import pandas as pd

from ..document.texts import Language, fmt_number, fmt_percent, text
from ..figures.chain import stage_label

__all__ = ["chain_stages", "chain_text_tables"]

_COUNT, _PART = "chain_people", "chain_share_clopper_pearson"
_SHARE, _MEDIAN = "proportion_clopper_pearson", "kaplan_meier_median_months"
_AFTER = ("moved_on", "in_stage", "waiting", "work", "left")


class _Rows:
    """The records of one question, looked up by term and estimator."""

    def __init__(self, records: pd.DataFrame, lang: Language) -> None:
        part = records[records["question"] == "chain"]
        self.rows = {(str(r["term"]), str(r["estimator"])): r for _, r in part.iterrows()}
        self.lang = lang

    def has(self, term: str) -> bool:
        return (term, _COUNT) in self.rows or (term, _SHARE) in self.rows

    def hidden(self, term: str, estimator: str) -> bool:
        row = self.rows.get((term, estimator))
        return row is None or bool(row.get("suppressed", False))

    def value(self, term: str, estimator: str, column: str = "estimate") -> float:
        return float(self.rows[(term, estimator)][column])

    def line(self, name: str, term: str, share: str, count: str = _COUNT) -> list[str]:
        """A table row: label, count, share and its interval."""
        lang, gone = self.lang, text("suppressed", self.lang)
        if count == _SHARE:  # the count is the share row's statistic
            number = gone if self.hidden(term, _SHARE) else fmt_number(
                self.value(term, _SHARE, "statistic"), lang, 0)
        else:
            number = gone if self.hidden(term, count) else fmt_number(
                self.value(term, count), lang, 0)
        if self.hidden(term, share):
            return [name, number, gone, gone]
        word = "tot" if lang == "nl" else "to"
        low, high = (fmt_percent(self.value(term, share, c), lang) for c in
                     ("conf_low", "conf_high"))
        return [name, number, fmt_percent(self.value(term, share), lang),
                "-" if low == "-" else f"{low} {word} {high}"]

    def median(self, term: str) -> list[str]:
        lang, gone = self.lang, text("suppressed", self.lang)
        name = text("chain_median_row", lang)
        if self.hidden(term, _MEDIAN):
            return [name, gone, gone, gone]
        n = fmt_number(self.value(term, _MEDIAN, "n"), lang, 0)
        value = self.value(term, _MEDIAN)
        shown = text("chain_not_reached", lang) if value != value else fmt_number(value, lang, 1)
        low = fmt_number(self.value(term, _MEDIAN, "conf_low"), lang, 1)
        high = self.value(term, _MEDIAN, "conf_high")
        upper = text("chain_not_reached", lang) if high != high else fmt_number(high, lang, 1)
        word = "tot" if lang == "nl" else "to"
        return [name, n, shown, "-" if low == "-" else f"{low} {word} {upper}"]


def chain_stages(records: pd.DataFrame) -> list[str]:
    """The chain's stages in order, as the records of the ``chain`` question name them.

    Examples
    --------
    >>> chain_stages(pd.DataFrame({"question": "chain", "estimator": "chain_people",
    ...     "term": ["overall", "stage=intake", "stage=intake:after=left", "stage=matching",
    ...              "stage=none"]}))
    ['intake', 'matching']
    """
    part = records[(records["question"] == "chain") & (records["estimator"] == _COUNT)]
    return [t.split("=", 1)[1] for t in dict.fromkeys(part["term"].astype(str))
            if t.startswith("stage=") and ":" not in t and t != "stage=none"]


def chain_text_tables(records: pd.DataFrame, lang: Language) -> list[tuple[str, pd.DataFrame]]:
    """Captions and text tables of the chain section, from published records.

    Parameters
    ----------
    records : pandas.DataFrame
        The report's records after disclosure control (``question``, ``term``,
        ``estimator``, the tidy numbers and ``suppressed``).
    lang : {"nl", "en"}

    Returns
    -------
    list of (str, pandas.DataFrame)
        One table per stage in chain order, then those who entered no stage, everyone's
        position on the as-of date and (when counted) practical support; empty without
        records of the ``chain`` question.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import chain_flow
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = chain_flow(simulate_trial(TrialDesign(chain=("job_coach", "training")),
    ...                                    seed=1))
    >>> records = result.to_frame().assign(suppressed=False)
    >>> [caption for caption, _ in chain_text_tables(records, "en")][:2]
    ['Stage 1: Job coach', 'Stage 2: Training']
    """
    rows = _Rows(records, lang)
    if not rows.rows:
        return []
    columns = ["", text("chain_col_number", lang), text("chain_col_estimate", lang),
               text("interval", lang)]
    out = []
    for k, stage in enumerate(chain_stages(records)):
        head = f"stage={stage}"
        lines = [rows.line(text("chain_entered_row", lang), head, _SHARE)]
        lines += [rows.line(text(f"chain_after_{a}", lang), f"{head}:after={a}", _PART)
                  for a in _AFTER if rows.has(f"{head}:after={a}")]
        lines.append(rows.median(head))
        out.append((text("chain_stage_table", lang, k=k + 1, stage=stage_label(stage, lang)),
                    pd.DataFrame(lines, columns=columns)))
    lines = [rows.line(text("chain_none_row", lang), "stage=none", _SHARE)]
    lines += [rows.line(text(f"chain_after_{a}", lang), f"stage=none:after={a}", _PART)
              for a in _AFTER if rows.has(f"stage=none:after={a}")]
    out.append((text("chain_none_table", lang), pd.DataFrame(lines, columns=columns)))
    lines = [rows.line(text(f"chain_after_{a}", lang), f"after={a}", _PART)
             for a in _AFTER if rows.has(f"after={a}")]
    out.append((text("chain_position_table", lang), pd.DataFrame(lines, columns=columns)))
    support = [t for t, e in rows.rows if e == _SHARE and t.startswith("support=")]
    if support:
        lines = [rows.line(text("chain_support_any", lang) if t == "support=any" else
                           stage_label(t.split("=", 1)[1], lang), t, _SHARE, _SHARE)
                 for t in support]
        out.append((text("chain_support_table", lang), pd.DataFrame(lines, columns=columns)))
    return out
