"""Names a package exports but imports only on first use (PEP 562).

``import iedereen_doet_mee`` and the reporting subpackages stay fast because the heavy
modules (pandas models, matplotlib, typst) load only when one of their names is used.
Each such package declares a table ``name -> submodule`` and takes its module
``__getattr__`` and ``__dir__`` from :func:`lazy_exports`, so the mechanism lives in
one place.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: Mapping[str, str], namespace: dict[str, Any]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` for names loaded on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    table : mapping of str to str
        Public name -> submodule (relative to ``package``) that defines it.
    namespace : dict
        The package's ``globals()``, listed by ``__dir__`` beside the lazy names.

    Examples
    --------
    >>> getattr_, dir_ = lazy_exports("json", {"JSONDecodeError": "decoder"}, {})
    >>> getattr_("JSONDecodeError").__name__
    'JSONDecodeError'
    >>> dir_()
    ['JSONDecodeError']
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'json' has no attribute 'nothing'
    """
    def module_getattr(name: str) -> Any:
        if name in table:
            return getattr(importlib.import_module(f"{package}.{table[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def module_dir() -> list[str]:
        return sorted({*namespace, *table})

    return module_getattr, module_dir
