"""The blocks of the chain section: what the chain is, then its tables.

:func:`chain_blocks` turns the published records of the ``chain`` question into a
paragraph that names the stages in order and defines what is counted, and the tables
of :func:`~iedereen_doet_mee.reporting.tables.chain.chain_text_tables`; the flow figure
follows them as every section's figures do.
"""

from __future__ import annotations

import pandas as pd

from ..figures.chain import stage_label
from ..tables.chain import chain_stages, chain_text_tables
from .blocks import Block, Paragraph, Table
from .texts import Language, text

__all__ = ["chain_blocks"]


def chain_blocks(records: pd.DataFrame, lang: Language, note: str) -> list[Block]:
    """The paragraph and tables of the chain section (empty without its records).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import chain_flow
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> result = chain_flow(simulate_trial(TrialDesign(chain=("job_coach", "training")),
    ...                                    seed=1))
    >>> blocks = chain_blocks(result.to_frame().assign(suppressed=False), "en", "")
    >>> blocks[0].text.split(": ")[1].split(".")[0], len(blocks)
    ('Job coach, Training', 6)
    """
    tables = chain_text_tables(records, lang)
    if not tables:
        return []
    stages = ", ".join(stage_label(s, lang) for s in chain_stages(records))
    intro = Paragraph(text("chain_intro", lang, stages=stages))
    return [intro, *(Table(caption, frame, note=note) for caption, frame in tables)]
