"""Simulate a trial straight into a trial directory with its manifest."""

from __future__ import annotations

from pathlib import Path

from ..data.writing import TableFormat, write_trial_directory
from ..design.toml_io import design_to_dict
from ..design.trial_design import TrialDesign
from ..provenance import build_manifest, environment_versions, write_manifest
from .parameters import SimulationParameters
from .simulate import DEFAULT_SEED, simulate_trial

__all__ = ["simulate_to_directory"]


def simulate_to_directory(directory: str | Path, *, design: TrialDesign | None = None,
                          parameters: SimulationParameters | None = None,
                          seed: int = DEFAULT_SEED, table_format: TableFormat = "csv",
                          command: str | None = None) -> list[Path]:
    """Simulate a trial and write it, its ``design.toml`` and ``manifest.json``.

    The manifest records the seed, the design, the simulation parameters, the package
    version, the command (when given) and the SHA-256 of every file written.

    Returns
    -------
    list of Path
        Every file written, the manifest last.

    Examples
    --------
    >>> import tempfile
    >>> files = simulate_to_directory(tempfile.mkdtemp(), seed=3)
    >>> [f.name for f in files][-1]
    'manifest.json'
    """
    from .. import __version__

    design = TrialDesign() if design is None else design
    parameters = SimulationParameters() if parameters is None else parameters
    trial = simulate_trial(design, parameters=parameters, seed=seed)
    files = write_trial_directory(trial, directory, table_format=table_format)
    facts = {
        "generator": "iedereen_doet_mee.simulation.simulate_trial",
        "package_version": __version__,
        "seed": seed,
        "table_format": table_format,
        "design": design_to_dict(design),
        "parameters": parameters.to_dict(),
    }
    if command is not None:
        facts["command"] = command
    facts["environment"] = environment_versions()
    manifest = write_manifest(Path(directory), build_manifest(files, **facts))
    return [*files, manifest]
