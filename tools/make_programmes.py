"""Write the programmes of the seed documents as simulated trial directories.

    python tools/make_programmes.py [--out DIR] [--check]

For every programme in :data:`PROGRAMMES` this reads its design,
``tools/programmes/<name>.toml`` (sources and assumptions commented line by line), and
writes a seeded simulation of it into ``data/programmes/<name>/`` through the
package's own writer, :func:`iedereen_doet_mee.simulation.simulate_to_directory`: the
tables, the design as ``design.toml``, ``manifest.json`` (seed, design, every
simulation value, versions, checksums) and the marker of an output folder. A
programme folder may be new, empty or an earlier output of this command; a folder
holding anything the package did not write is refused and nothing is touched
(``iedereen_doet_mee.output_folder``). ``data/programmes/README.md`` says what each
programme is, which figures it published and how the simulation was tuned to them.

``--out DIR`` writes the programme folders into ``DIR`` instead (``DIR/<name>/``).
``--check`` writes them into a temporary folder and compares them with
``data/programmes/``: every file byte for byte, except that the manifest's record of
library versions may differ (it documents the run; a version that changes bytes
shows up in the data files). Exit status 0 when identical, 1 listing every
difference, 2 for a refused output folder or an invalid design.

The simulation values in each design's ``[simulation]`` table were tuned once, by
``tools/tune_programmes.py``, so that the simulated data reproduce the published
figures in :data:`PROGRAMMES` in expectation; nothing is searched here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from iedereen_doet_mee import read_design
from iedereen_doet_mee.errors import DesignError, OutputFolderError
from iedereen_doet_mee.output_folder import MARKER
from iedereen_doet_mee.simulation import simulate_to_directory

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "tools" / "programmes"
OUT = ROOT / "data" / "programmes"
COMMAND = "python tools/make_programmes.py"


@dataclasses.dataclass(frozen=True)
class Published:
    """One figure a programme published, and the row of the package's analysis that
    gives the same figure for the simulated data.

    ``term`` is a term of :func:`iedereen_doet_mee.analysis.declared_outcome_shares`
    (its ``estimate`` is the share, ``n`` the denominator); ``share`` is the published
    share as this project reads it, ``quote`` what the source says.
    """

    term: str
    share: float
    quote: str


@dataclasses.dataclass(frozen=True)
class Programme:
    """A programme: its seed, the optional data it needs and its published figures."""

    name: str
    seed: int
    optional_data: tuple[str, ...] = ()
    published: tuple[Published, ...] = ()

    @property
    def design_file(self) -> Path:
        return DESIGNS / f"{self.name}.toml"


PROGRAMMES: dict[str, Programme] = {p.name: p for p in (
    Programme("schiedam", seed=20080901, published=(
        Published("outcome=left_benefit", 134 / 569,
                  "134 klanten ... uitstromen op een totale caseload van momenteel 569"),
        Published("outcome=left_for_work", 73 / 569,
                  "uitstroom als gevolg van werkaanvaarding (73 klanten)"),
        Published("outcome=left_benefit:reason=work", 73 / 134, "73 klanten = 54%"),
        Published("outcome=ladder_step_up", 236 / 569,
                  "42% (236 klanten) één of meer voorwaartse stappen op de "
                  "re-integratieladder"),
    )),
    Programme("arnhem", seed=20080801, optional_data=("activities",), published=(
        Published("outcome=step_forward", 0.25,
                  "één op de vier van hen al binnen een half jaar een flinke stap vooruit"),
        Published("outcome=work_16h", 70 / 472,
                  "Bijna 15% heeft een betaalde baan van minstens 16 uur gevonden "
                  "(read as 70 of 472, 14.8%)"),
        Published("outcome=education", 0.10, "10% is een opleiding gaan volgen"),
    )),
    # no outcome figures published: the number of households is the only figure
    Programme("leeuwarden", seed=20100407, optional_data=("households", "activities")),
    # no figures published at all; the design declares a chain, so the folder holds
    # instrument rows that follow it (simulate_to_directory adds them)
    Programme("maastricht", seed=20210101, optional_data=("activities",)),
)}


def write_programmes(out: Path = OUT, names: tuple[str, ...] | None = None) -> list[Path]:
    """Simulate every programme (or those named) into ``out/<name>/``; the files written."""
    written: list[Path] = []
    for name in names or tuple(PROGRAMMES):
        programme = PROGRAMMES[name]
        written += simulate_to_directory(
            Path(out) / name, design=read_design(programme.design_file), seed=programme.seed,
            command=COMMAND, optional_data=programme.optional_data)
    return written


def _without_environment(path: Path) -> dict:
    facts = json.loads(path.read_text(encoding="utf-8"))
    facts.pop("environment", None)
    return facts


def compare_programmes(built: Path, committed: Path = OUT) -> list[str]:
    """Every difference between two folders of programme folders, one line each.

    Data files and designs compare byte for byte; ``manifest.json`` without its record
    of library versions; the output-folder marker by the files it lists and their
    checksums, the manifest's aside.
    """
    problems: list[str] = []
    for name in PROGRAMMES:
        new, old = Path(built) / name, Path(committed) / name
        if not old.is_dir():
            problems.append(f"{name}: missing in {committed}")
            continue
        new_files = {p.name for p in new.iterdir()}
        old_files = {p.name for p in old.iterdir()}
        problems += [f"{name}/{f}: not made by the command" for f in sorted(old_files - new_files)]
        problems += [f"{name}/{f}: missing" for f in sorted(new_files - old_files)]
        for file in sorted(new_files & old_files):
            if file == "manifest.json":
                same = _without_environment(new / file) == _without_environment(old / file)
            elif file == MARKER:
                listed = [{k: v for k, v in json.loads((d / file).read_text("utf-8"))[
                    "files"].items() if k != "manifest.json"} for d in (new, old)]
                same = listed[0] == listed[1]
            else:
                same = (new / file).read_bytes() == (old / file).read_bytes()
            if not same:
                problems.append(f"{name}/{file}: differs")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder of the programme folders (default data/programmes)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temporary folder and compare with data/programmes")
    args = parser.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                write_programmes(Path(tmp))
                problems = compare_programmes(Path(tmp), args.out)
            for line in problems:
                print(line)
            print(f"{len(problems)} difference(s); regenerate with '{COMMAND}' and commit "
                  "the result" if problems else "data/programmes is what the command makes")
            return 1 if problems else 0
        for path in write_programmes(args.out):
            print(path)
    except (DesignError, OutputFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
