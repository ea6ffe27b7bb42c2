"""iedereen_doet_mee: declare, simulate, analyse, diagnose and report re-integration trials.

The first user is the ESF trial "Iedereen doet mee" (ISD Brabantse Wal with
WVS-groep). Importing the package has no side effects: no I/O, logging or
environment reads.
"""

from importlib.metadata import PackageNotFoundError, version

from .design import TrialDesign, allocate, read_design, write_design

try:
    __version__ = version("iedereen_doet_mee")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["TrialDesign", "__version__", "allocate", "read_design", "write_design"]
