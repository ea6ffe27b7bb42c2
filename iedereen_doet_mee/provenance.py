"""Provenance of generated files: a manifest with seed, design, versions and checksums.

The manifest is JSON with sorted keys and no timestamps, so regenerating the same
files gives the same manifest byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from .data.loading import file_sha256

__all__ = ["DATA_LIBRARIES", "MANIFEST_NAME", "REPORT_LIBRARIES", "build_manifest",
           "environment_versions", "write_manifest"]

#: Libraries whose versions can change generated data bytes (random streams, file writers).
DATA_LIBRARIES = ("numpy", "pandas", "scipy", "pyarrow", "openpyxl")

#: Libraries whose versions can change a report's bytes: the data libraries, the model
#: fits' (last digits of iterative estimates), the figures' and the PDF's.
REPORT_LIBRARIES = (*DATA_LIBRARIES, "statsmodels", "linearmodels", "matplotlib", "typst")

MANIFEST_NAME = "manifest.json"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def environment_versions(libraries: tuple[str, ...] = DATA_LIBRARIES) -> dict[str, str]:
    """Python and library versions that generated files depend on.

    Parameters
    ----------
    libraries : tuple of str
        Distribution names: :data:`DATA_LIBRARIES` (the default, for generated data) or
        :data:`REPORT_LIBRARIES` (for a report).

    Examples
    --------
    >>> sorted(environment_versions())
    ['numpy', 'openpyxl', 'pandas', 'pyarrow', 'python', 'scipy']
    >>> sorted(environment_versions(REPORT_LIBRARIES))[:4]
    ['linearmodels', 'matplotlib', 'numpy', 'openpyxl']
    """
    versions = {"python": platform.python_version()}
    for name in libraries:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_manifest(files: Iterable[Path], **facts: Any) -> dict[str, Any]:
    """A manifest of ``files`` (name -> SHA-256) plus the given facts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_text("x\\n")
    >>> build_manifest([path], seed=1)["files"]
    {'a.csv': '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac'}
    """
    listed = {Path(p).name: file_sha256(p) for p in sorted(files, key=lambda p: Path(p).name)}
    return {**_plain(facts), "files": listed}


def write_manifest(directory: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` as ``directory/manifest.json`` (sorted keys, trailing newline)."""
    path = Path(directory) / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8", newline="\n")
    return path
