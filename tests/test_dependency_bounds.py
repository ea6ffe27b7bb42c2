"""The two environments CI tests (.ci/run): requirements-lock.txt, and
constraints-lower-bounds.txt, the lowest versions pyproject.toml allows."""

from __future__ import annotations

import os
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOWER_BOUNDS = os.environ.get("IDM_LOWER_BOUNDS_RUN") == "1"


def _pins(path: Path) -> dict[str, Version]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements(groups: tuple[str, ...] = ("test", "cluster", "notebooks")
                  ) -> tuple[list[Requirement], list[Requirement]]:
    """The dependencies and those of the extras ``groups``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [Requirement(r) for group in groups
              for r in project["optional-dependencies"][group]]
    return [Requirement(r) for r in project["dependencies"]], extras


def _lower_bound(requirement: Requirement) -> Version:
    bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{requirement}: give exactly one lower bound (>=)"
    return bounds[0]


def test_the_constraints_are_the_lower_bounds_of_pyproject():
    pins = _pins(ROOT / "constraints-lower-bounds.txt")
    runtime, extras = _requirements()
    for requirement in runtime:
        name = canonicalize_name(requirement.name)
        assert pins.get(name) == _lower_bound(requirement), requirement
    # the one extra that is a library the package calls: dask for --executor dask
    dask = {_lower_bound(r) for r in extras if r.name == "dask"}
    assert dask == {pins["dask"]}
    # dask[distributed] of a dask release requires distributed of the same release
    assert pins["distributed"] == pins["dask"]
    assert set(pins) == {canonicalize_name(r.name) for r in runtime} | {"dask", "distributed"}


def test_the_lock_satisfies_pyproject():
    # the lock is what pip resolves for ".[test]" (tools/update_lock.sh)
    lock = _pins(ROOT / "requirements-lock.txt")
    runtime, extras = _requirements(("test", "cluster"))
    for requirement in runtime + extras:
        name = canonicalize_name(requirement.name)
        assert name in lock and requirement.specifier.contains(lock[name]), requirement


@pytest.mark.skipif(not LOWER_BOUNDS, reason="only in the lower-bound run of .ci/run")
def test_the_lower_bound_run_has_the_lower_bounds_installed():
    for name, version in _pins(ROOT / "constraints-lower-bounds.txt").items():
        assert Version(metadata.version(name)) == version, name
