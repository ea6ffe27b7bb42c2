"""The installed version of the package, read once from its metadata.

Examples
--------
>>> from iedereen_doet_mee.version import __version__
>>> isinstance(__version__, str)
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("iedereen_doet_mee")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
