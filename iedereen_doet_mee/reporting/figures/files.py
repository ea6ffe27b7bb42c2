"""Figures to files, byte for byte the same in every run: :func:`save_figure`.

SVG keeps text as text and gets renumbered element ids (matplotlib derives some from
memory addresses); PNG carries no software or time stamp; both are drawn inside the
house style of :mod:`~iedereen_doet_mee.reporting.figures.style`.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .style import _CREATOR, _DPI, house_style, new_figure  # noqa: F401 (doctests)

__all__ = ["figure_bytes", "save_figure", "stable_svg_ids"]

_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


_SVG_ID = re.compile(rb'\bid="([^"]+)"')


def stable_svg_ids(svg: bytes, prefix: str) -> bytes:
    """Renumber the element ids of a matplotlib SVG in order of appearance.

    matplotlib derives some ids (clip paths) from the ``repr`` of transform objects,
    which holds their memory address, so they differ from run to run; renumbered ids
    are the same in every run, and the prefix keeps them unique when several figures
    are inlined in one HTML page.

    Examples
    --------
    >>> stable_svg_ids(b'<clipPath id="p9f3a"/><g clip-path="url(#p9f3a)"/>', "fig")
    b'<clipPath id="fig-1"/><g clip-path="url(#fig-1)"/>'
    """
    mapping: dict[bytes, bytes] = {}
    for match in _SVG_ID.finditer(svg):
        mapping.setdefault(match.group(1), f"{prefix}-{len(mapping) + 1}".encode())
    if not mapping:
        return svg
    pattern = re.compile(rb'(id="|#)(' + b"|".join(re.escape(k) for k in
                                                   sorted(mapping, key=len, reverse=True))
                         + rb')(?=[")])')
    return pattern.sub(lambda m: m.group(1) + mapping[m.group(2)], svg)


def figure_bytes(fig: Figure, suffix: str, *, id_prefix: str) -> bytes:
    """The figure as SVG or PNG bytes, the same in every run (see :func:`save_figure`).

    Examples
    --------
    >>> with house_style():
    ...     fig = new_figure(2, 1)
    ...     _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> figure_bytes(fig, "svg", id_prefix="x") == figure_bytes(fig, "svg", id_prefix="x")
    True
    """
    if suffix not in ("svg", "png"):
        raise ValueError(f"figure_bytes: suffix {suffix!r} is not allowed; use 'svg' or 'png'")
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    metadata = {"Date": None, "Creator": _CREATOR} if suffix == "svg" else {"Software": None}
    with house_style():
        if fig.get_layout_engine() is not None:
            # lay out at the PNG's dpi (hinted text is wider there than at 100 dpi) and
            # freeze: constrained layout is not idempotent to the last bit (a second
            # draw moves axes by ~1e-13, which changes the SVG clip ids)
            fig.set_dpi(_DPI)
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=suffix, dpi=_DPI, metadata=metadata)
    data = buffer.getvalue()
    return stable_svg_ids(data, id_prefix) if suffix == "svg" else data


def save_figure(fig: Figure, directory: str | Path, stem: str) -> dict[str, str]:
    """Write ``stem.svg`` and ``stem.png`` deterministically; return their SHA-256.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (built inside :func:`house_style`).
    directory : str or Path
        Where to write; created when absent.
    stem : str
        File name without suffix: letters, digits, ``_``, ``.`` and ``-``.

    Returns
    -------
    dict of str to str
        File name -> SHA-256 of its bytes (hexadecimal), SVG first.

    Notes
    -----
    The SVG keeps text as text (``svg.fonttype = 'none'``, font DejaVu Sans), uses a
    fixed hash salt for its element ids and carries no date; the creator is
    ``iedereen_doet_mee`` without a version. The PNG is rendered by Agg at a fixed
    200 dpi and carries no software or time stamp. A figure with a layout engine is
    laid out once, at 200 dpi, and its layout is then fixed (the engine removed), so
    saving it again gives the same bytes. So the same figure gives the same bytes in
    any run on the same matplotlib and FreeType; both are written inside
    :func:`house_style`, whatever the caller's settings.

    Examples
    --------
    >>> import tempfile
    >>> with house_style():
    ...     fig = new_figure(2, 1)
    ...     _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     sorted(save_figure(fig, out, "line"))
    ['line.png', 'line.svg']
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"save_figure: fig must be a matplotlib Figure, got "
                         f"{type(fig).__name__}")
    if not isinstance(stem, str) or not _STEM.match(stem):
        raise ValueError(f"save_figure: stem {stem!r} is not allowed; use letters, digits, "
                         "'_', '.' and '-' (no path separators), starting with a letter or digit")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for suffix in ("svg", "png"):
        data = figure_bytes(fig, suffix, id_prefix=stem)
        name = f"{stem}.{suffix}"
        (out / name).write_bytes(data)
        written[name] = hashlib.sha256(data).hexdigest()
    return written
