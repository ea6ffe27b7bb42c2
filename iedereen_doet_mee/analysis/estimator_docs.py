"""Markdown tables of the estimator registry, generated from :mod:`.estimators` for the docs.

``tools/update_docs.py`` writes :func:`estimators_markdown` into ``docs/estimators.md``
and the test suite fails when that page is stale, so the page lists exactly the
registered estimators.
"""

from __future__ import annotations

from .estimators import DISCLOSURE_KINDS, ESTIMATORS, SCALES, Estimator

__all__ = ["estimators_markdown"]


def _compares_arms(estimator: Estimator) -> str:
    """``yes``, ``no``, or the term prefixes of the rows that compare arms.

    Examples
    --------
    >>> _compares_arms(ESTIMATORS["proportional_odds_logit"])
    'rows whose term starts with `instruments=`'
    """
    if isinstance(estimator.compares_arms, bool):
        return "yes" if estimator.compares_arms else "no"
    prefixes = ", ".join(f"`{p}`" for p in estimator.compares_arms)
    return f"rows whose term starts with {prefixes}"


def _scale(estimator: Estimator) -> str:
    if estimator.digits_shown is None:
        return estimator.scale
    return f"{estimator.scale} ({estimator.digits_shown} digits)"


def _shown(estimator: Estimator) -> str:
    if not estimator.shown:
        return "no (`results.json` only)"
    if estimator.internal_terms:
        terms = ", ".join(f"`{t}`" for t in estimator.internal_terms)
        return f"yes, except terms with {terms}"
    return "yes"


def estimators_markdown() -> str:
    """The registry as Markdown: every estimator, then the disclosure kinds and scales.

    Examples
    --------
    >>> text = estimators_markdown()
    >>> text.count("\\n| `") == len(ESTIMATORS) + len(DISCLOSURE_KINDS) + len(SCALES)
    True
    >>> "| `risk_difference_hc2` |" in text
    True
    """
    lines = [f"{len(ESTIMATORS)} registered estimators, by name.", "",
             "| name | Dutch label | English label | disclosure kind | compares arms | scale "
             "| in the report's tables |", "|---|---|---|---|---|---|---|"]
    for name in sorted(ESTIMATORS):
        e = ESTIMATORS[name]
        lines.append(f"| `{e.name}` | {e.nl} | {e.en} | {e.kind} | {_compares_arms(e)} | "
                     f"{_scale(e)} | {_shown(e)} |")
    lines += ["", "### Disclosure kinds", "",
              "| kind | how disclosure control treats its rows |", "|---|---|"]
    lines += [f"| `{kind}` | {meaning} |" for kind, meaning in DISCLOSURE_KINDS.items()]
    lines += ["", "### Scales", "", "| scale | unit (Dutch) | unit (English) | digits |",
              "|---|---|---|---|"]
    lines += [f"| `{scale}` | {nl} | {en} | {digits} |"
              for scale, (nl, en, digits) in SCALES.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(estimators_markdown(), end="")
