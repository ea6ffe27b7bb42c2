"""The report as plain blocks, rendered to HTML and to PDF by separate modules.

A :class:`Report` is a title, a provenance header and sections; a section holds
paragraphs, tables (already formatted as text, already through disclosure control)
and figures (by file stem). Keeping the content apart from its rendering means the
HTML and the PDF show the same numbers.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

__all__ = ["Figure", "Paragraph", "Report", "Section", "Table"]


@dataclasses.dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; ``strong`` renders it emphasised (key findings)."""

    text: str
    strong: bool = False


@dataclasses.dataclass(frozen=True)
class Table:
    """A table of text cells with a caption; the first column labels the rows."""

    caption: str
    frame: pd.DataFrame
    note: str = ""

    def __post_init__(self) -> None:
        if not all(isinstance(v, str) for v in self.frame.to_numpy().ravel()):
            raise TypeError(f"Table {self.caption!r}: cells must be formatted text")


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure saved as ``<stem>.svg`` and ``<stem>.png`` in the report's figure folder."""

    stem: str
    caption: str


Block = Paragraph | Table | Figure


@dataclasses.dataclass(frozen=True)
class Section:
    """A numbered section of the report."""

    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclasses.dataclass(frozen=True)
class Report:
    """Title, language, provenance lines and sections; ``marking`` (e.g. "Confidential -
    not for publication") is shown on every page and in the title when given."""

    title: str
    subtitle: str
    lang: str
    sections: tuple[Section, ...]
    provenance: tuple[tuple[str, str], ...]
    marking: str | None = None
