"""A result's term in words: :func:`term_words`.

The analyses name each row of a result by a term in code (``overall``,
``band=40-60:instruments=no``, ``growth_difference[instruments=yes - no | band=40-60]``,
``arm:no``, ``scale_score:60-80 - 40-60``, ``job_coach``). ``results.json`` and the
workbook's technical sheets keep that code; the report shows the words, from the one
label registry (:data:`~iedereen_doet_mee.reporting.figures.style.LABELS`), and its
appendix maps each shown label back to its code (:func:`code_names_table`).
A term the registry does not know is shown with spaces for underscores, never as code.
"""

from __future__ import annotations

import re

import pandas as pd

from ..figures.style import Language, cell_label, label

__all__ = ["code_names_table", "term_words"]

_BAND = re.compile(r"^\d+(?:\.\d+)?-\d+(?:\.\d+)?$")


def _key(term: str) -> str | None:
    """The key of a ``key=value`` term (the first pair's), or None."""
    return term.split("=", 1)[0] if "=" in term and ":" not in term.split("=", 1)[0] else None


def _plain(word: str, lang: Language) -> str:
    """A bare word: an instrument kind, a registered term, else spaces for underscores."""
    for prefix in ("kind=", "term="):
        found = label(prefix + word, lang, default="")
        if found:
            return found
    return word.replace("_", " ").strip()


def term_words(term: str, lang: Language, wording=None) -> str:
    """A term in the words of the report.

    ``wording`` (:class:`~.wording.Wording`) names the strata and arms of a design whose
    strata are not wage-value bands or whose arms are not instruments yes / no.

    Examples
    --------
    >>> term_words("band=40-60:instruments=no", "nl")
    'loonwaardeband 40-60%, zonder instrumenten'
    >>> term_words("growth_difference[instruments=yes - no | band=40-60]", "nl")
    'verschil in groei per maand (met instrumenten min zonder instrumenten, loonwaardeband 40-60%)'
    >>> term_words("scale_score:60-80 - 40-60", "en")
    'scale score (wage-value band 60-80%) minus scale score (wage-value band 40-60%)'
    >>> term_words("job_coach", "nl"), term_words("yes - no", "en")
    ('jobcoach', 'with instruments minus without instruments')
    """
    term = str(term).strip()
    if ": " in term:  # a question and its term (the multiplicity table)
        question, rest = term.split(": ", 1)
        return (f"{label('question=' + question, lang, default=_plain(question, lang))}: "
                f"{term_words(rest, lang, wording)}")
    match = re.fullmatch(r"(\w+)\[(.*)\]", term)
    if match:
        name, inner = match.groups()
        parts = [term_words(p, lang, wording) for p in inner.split(" | ")]
        return f"{label('term=' + name, lang, default=_plain(name, lang))} ({', '.join(parts)})"
    for operator, word in ((" - ", "minus"), (" / ", "divided_by"), (" vs ", "versus")):
        if operator in term:
            left, right = term.split(operator, 1)
            if {left, right} <= {"yes", "no"}:  # the arms of the costs comparison
                left, right = f"instruments={left}", f"instruments={right}"
            if _key(left) and "=" not in right:  # "instruments=yes - no"
                right = f"{_key(left)}={right}"
            if ":" in left and ":" not in right and "=" not in right:  # "scale_score:a - b"
                right = f"{left.split(':', 1)[0]}:{right}"
            return (f"{term_words(left, lang, wording)} {label(word, lang)} "
                    f"{term_words(right, lang, wording)}")
    if ":" in term and "=" not in term:  # "arm:no", "scale_score:60-80"
        name, value = term.split(":", 1)
        if name == "arm" and value in ("yes", "no"):
            return term_words(f"instruments={value}", lang, wording)
        inner = term_words(f"band={value}", lang, wording) if _BAND.match(value) else value
        return f"{_plain(name, lang)} ({inner})"
    if "=" in term or term == "overall":
        if wording is not None and not wording.default_layout and term != "overall":
            return _design_words(term, wording)
        return cell_label(term, lang)
    return _plain(term, lang)


def _design_words(term: str, wording) -> str:
    """A group of a design whose strata are not wage-value bands or whose arms are not
    instruments yes / no, in its own words: "caseload all, approach kompas"."""
    names = {"band": wording.stratum_label, "instruments": wording.arm_label}
    pairs = [pair.split("=", 1) for pair in term.split(":") if "=" in pair]
    return ", ".join(f"{names.get(key, key.replace('_', ' '))} {value}"
                     for key, value in pairs)


def code_names_table(pairs: list[tuple[str, str]], lang: Language) -> pd.DataFrame:
    """The appendix table that maps each label shown to its code name in ``results.json``.

    Examples
    --------
    >>> code_names_table([("totaal", "overall"), ("totaal", "overall")], "nl")
      In dit rapport Naam in results.json
    0         totaal               overall
    """
    frame = pd.DataFrame(pairs, columns=[label("label_shown", lang), label("code_name", lang)])
    return frame.drop_duplicates().reset_index(drop=True)
