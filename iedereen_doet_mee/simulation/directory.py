"""Simulate a trial straight into a trial directory with its manifest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..data.writing import TableFormat, write_tables
from ..design.toml_io import design_to_dict
from ..design.trial_design import TrialDesign
from ..output_folder import output_folder
from ..provenance import build_manifest, environment_versions, write_manifest
from ..seeds import DEFAULT_SEED
from .chain_data import chain_assumptions, with_chain
from .design_settings import settings_for_design
from .optional_data import OPTIONAL_DATA, with_optional_data
from .parameters import SimulationParameters
from .trial import simulate_trial

__all__ = ["simulate_to_directory"]


def simulate_to_directory(directory: str | Path, *, design: TrialDesign | None = None,
                          parameters: SimulationParameters | None = None,
                          seed: int = DEFAULT_SEED, table_format: TableFormat = "csv",
                          command: str | None = None,
                          optional_data: Sequence[str] = ()) -> list[Path]:
    """Simulate a trial and write it, its ``design.toml`` and ``manifest.json``.

    The manifest records the seed, the design, the simulation parameters, the package
    version, the command (when given), the optional data added (when any) and the
    SHA-256 of every file written.

    ``optional_data`` names optional data to add to the simulated trial, any of
    ``"households"`` (``participants.household_id``) and ``"activities"`` (the
    ``activities`` table), drawn by
    :func:`~iedereen_doet_mee.simulation.optional_data.with_optional_data` from streams
    of their own; the default adds none, so the tables are those of
    :func:`~iedereen_doet_mee.simulation.simulate_trial`.

    A design that declares a chain (``[chain]``, ``docs/chains.md``) gets instrument
    rows that follow it: :func:`~iedereen_doet_mee.simulation.chain_data.with_chain`
    rewrites the rows of its stages and practical-support kinds on a stream of its own,
    and the manifest records its assumptions (``chain_data``). Other designs are
    written exactly as before.

    ``directory`` may be new, empty or an earlier output of this function (its files
    are replaced; anything else in it is left alone); any other folder is refused with
    :class:`~iedereen_doet_mee.errors.OutputFolderError`
    (:mod:`~iedereen_doet_mee.output_folder`).

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
    from ..version import __version__

    design = TrialDesign() if design is None else design
    unknown = [name for name in optional_data if name not in OPTIONAL_DATA]
    if unknown:  # before any work, so nothing is written
        raise ValueError(f"optional_data: {unknown[0]!r} is not one of {', '.join(OPTIONAL_DATA)}")
    optional = [name for name in OPTIONAL_DATA if name in optional_data]
    parameters = settings_for_design(design, parameters)
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
    if optional:
        facts["optional_data"] = optional
    if design.chain:
        facts["chain_data"] = chain_assumptions(design)
    facts["environment"] = environment_versions()
    with output_folder(directory, command="simulate") as staging:
        trial = with_optional_data(simulate_trial(design, parameters=parameters, seed=seed),
                                   optional, seed=seed)
        trial = with_chain(trial, seed=seed)
        names = write_tables(trial, staging, table_format=table_format)
        manifest = write_manifest(staging, build_manifest([staging / n for n in names], **facts))
    return [Path(directory) / n for n in [*names, manifest.name]]
