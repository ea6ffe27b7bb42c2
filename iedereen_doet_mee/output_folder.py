"""Write a command's output folder without ever touching a file the package did not write.

Every command that writes a folder (the report, the simulator, the analysis pipeline)
goes through :func:`output_folder`. It accepts as the target

- a folder that does not exist yet (it is created, with its parents),
- an empty folder, or
- a folder holding an earlier output of the *same* command, recognised by the marker
  file :data:`MARKER` that this module writes into every output folder. The marker lists
  each file written with its SHA-256; only those files are replaced. Files a user added
  next to them stay where they are.

Anything else is refused with :class:`~iedereen_doet_mee.errors.OutputFolderError`
(exit status 2 from the command line) before any work is done, and nothing is touched:
a non-empty folder without the marker, a marker of another command, a listed file that
was changed or replaced after the package wrote it, a new file whose name is already
taken by a user's file, and a target that is, contains or lies inside one of the
command's inputs (``--out`` equal to ``--data``, ``--out .`` above it, ...). Paths are
compared after resolving symbolic links, so a link to the input is caught too, and a
target that is a link to a folder is written into, leaving the link itself alone.

A command whose output is made for an *audience* (the report: ``public`` or
``internal``) records it in the marker, and an earlier output made for another audience
is refused as well: a public report folder (perhaps synchronised to a website) is never
silently filled with a confidential internal one, nor an internal one replaced by a
public one. A marker without an audience is an output from before audiences existed,
which were all public.

The output is first written to a hidden staging folder and moved into place only when
every step succeeded; a run that fails leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from .errors import OutputFolderError

__all__ = ["MARKER", "check_new_file", "check_output_folder", "output_folder"]

#: Name of the marker file written into every output folder (hidden: it starts with a
#: dot, so it is not read as a table of a trial directory either).
MARKER = ".written-by-iedereen_doet_mee.json"

_WRITER = "iedereen_doet_mee"
#: The audience of an earlier output whose marker names none.
_FORMER_AUDIENCE = "public"
_STAGING_PREFIX = ".idm-staging-"
_OLD_PREFIX = ".idm-replaced-"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refuse(shown: str, why: str, what_to_do: str) -> OutputFolderError:
    return OutputFolderError(f"output folder {shown}: {why}. Nothing was written or deleted. "
                             f"{what_to_do}")


_CHOOSE = "Choose a new or empty folder with --out."


def _is_within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _check_inputs(out: Path, shown: str, inputs: Iterable[str | Path]) -> None:
    for given in inputs:
        source = Path(given).resolve()
        if out == source:
            raise _refuse(shown, f"it is the input {given}", _CHOOSE + " The input stays as it is.")
        if _is_within(source, out):
            raise _refuse(shown, f"it contains the input {given}",
                          _CHOOSE + " Writing there could replace the input.")
        if _is_within(out, source):
            raise _refuse(shown, f"it lies inside the input {given}",
                          "Choose a folder outside the input with --out.")


def _safe_relative(name: object) -> str | None:
    """``name`` as a relative POSIX path without ``..``, or None when it is not one."""
    if not isinstance(name, str) or not name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return None
    return str(path)


def _read_marker(out: Path, shown: str, command: str, audience: str | None
                 ) -> dict[str, str]:
    try:
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        valid = (marker["written_by"] == _WRITER and isinstance(files, dict)
                 and all(_safe_relative(n) == n and isinstance(d, str)
                         for n, d in files.items()))
    except (OSError, ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise _refuse(shown, f"its marker file {MARKER} is damaged",
                      _CHOOSE + " Or remove the folder yourself if it holds nothing you need.")
    if marker.get("command") != command:
        raise _refuse(shown, f"it holds the output of '{marker.get('command')}', not of "
                      f"'{command}'", _CHOOSE)
    earlier = marker.get("audience", _FORMER_AUDIENCE)
    if audience is not None and earlier != audience:
        raise _refuse(shown, f"it holds a '{command}' made for the {earlier} audience, and "
                      f"this one is for the {audience} audience", _CHOOSE + " A folder keeps "
                      "the audience it was first written for, so that a confidential output "
                      "never takes the place of a public one (or the other way round).")
    return files


def check_output_folder(out: str | Path, *, command: str, inputs: Iterable[str | Path] = (),
                        audience: str | None = None) -> dict[str, str] | None:
    """Check that ``command`` may write its output into ``out``; touch nothing.

    Parameters
    ----------
    out : str or Path
        The target folder, as the user gave it.
    command : str
        Name of the command writing it (``"report"``, ``"simulate"``, ...); an earlier
        output is replaced only when its marker names the same command.
    inputs : iterable of str or Path
        The command's input files and folders; ``out`` may not be, contain or lie
        inside any of them.
    audience : str, optional
        Who the output is for (the report: ``"public"`` or ``"internal"``); an earlier
        output for another audience is refused. None: the command has no audiences.

    Returns
    -------
    dict of str to str or None
        ``None`` when ``out`` does not exist; otherwise the files of the earlier output
        (relative path -> SHA-256), empty for an empty folder.

    Raises
    ------
    OutputFolderError
        When the folder may not be written; the message says why and what to do.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_folder(folder / "new", command="report") is None
    True
    >>> _ = (folder / "notes.txt").write_text("mine")
    >>> try:
    ...     check_output_folder(folder, command="report")
    ... except OutputFolderError as exc:
    ...     print(str(exc).split(": ", 1)[1].split(".")[0])
    it holds files the package did not write (notes
    """
    shown = str(out)
    resolved = Path(out).resolve()
    _check_inputs(resolved, shown, inputs)
    if not resolved.exists():
        if Path(out).is_symlink():
            raise _refuse(shown, "it is a symbolic link to a folder that does not exist",
                          _CHOOSE)
        return None
    if not resolved.is_dir():
        raise _refuse(shown, "it is a file, not a folder", _CHOOSE)
    entries = sorted(p.name for p in resolved.iterdir()
                     if not p.name.startswith((_STAGING_PREFIX, _OLD_PREFIX)))
    if not entries:
        return {}
    if MARKER not in entries:
        listed = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
        raise _refuse(shown, f"it holds files the package did not write ({listed})",
                      _CHOOSE + " If it is an earlier output of this package written before "
                      "output folders were marked, remove it yourself.")
    files = _read_marker(resolved, shown, command, audience)
    for name, digest in files.items():
        path = resolved / name
        if path.is_symlink() or (path.exists() and (not path.is_file()
                                                     or _sha256(path) != digest)):
            raise _refuse(shown, f"{name} was changed after the package wrote it",
                          "Move your version elsewhere, or choose another folder with --out.")
    return files


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new hidden folder in ``parent``, with the permissions of the user's umask
    (``tempfile.mkdtemp`` would make it private, and the output folder with it)."""
    for _ in range(100):
        folder = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"no free name for a working folder in {parent}")


def check_new_file(path: str | Path, *, option: str) -> None:
    """Refuse to write the single file ``path`` when something is already there.

    A lone file carries no marker, so the package cannot tell its own earlier output
    from a user's file of the same name; it never replaces either.

    Raises
    ------
    OutputFolderError
        When ``path`` exists, or its folder does not.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> check_new_file(pathlib.Path(tempfile.mkdtemp()) / "plot.svg", option="--plot")
    """
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise OutputFolderError(f"{option} {path}: the file already exists and the package "
                                "does not replace files it cannot tell are its own. Choose "
                                "another name, or remove the file yourself.")
    if not target.resolve().parent.is_dir():
        raise OutputFolderError(f"{option} {path}: the folder does not exist")


def _marker_bytes(command: str, files: dict[str, str], audience: str | None) -> bytes:
    marker = {"written_by": _WRITER, "command": command,
              **({} if audience is None else {"audience": audience}),
              "note": "Written by the package: the files listed here are replaced when the "
                      "same command writes this folder again; other files are left alone.",
              "files": dict(sorted(files.items()))}
    return (json.dumps(marker, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _staged_files(staging: Path) -> dict[str, str]:
    files = {}
    for path in sorted(staging.rglob("*")):
        if path.is_file() and path.name != MARKER:
            files[path.relative_to(staging).as_posix()] = _sha256(path)
    return files


def _remove_empty_parents(out: Path, names: Iterable[str]) -> None:
    """Remove folders left empty by moving the earlier output's files away."""
    folders = {p for n in names for p in (out / n).parents if _is_within(p, out) and p != out}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: a user's file is in it
            folder.rmdir()


def _move_into(staging: Path, out: Path, shown: str, previous: dict[str, str]) -> None:
    """Replace the earlier output's files in the existing folder ``out`` by the staged ones."""
    new = [*_staged_files(staging), MARKER]
    for name in new:
        if (out / name).exists() and name not in previous and name != MARKER:
            raise _refuse(shown, f"{name} is already there and was not written by the package",
                          "Move it elsewhere, or choose another folder with --out.")
    old = _new_folder(out, _OLD_PREFIX)
    moved_old: list[str] = []
    moved_new: list[str] = []
    try:
        for name in [*previous, MARKER]:
            if (out / name).exists():
                (old / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(out / name, old / name)
                moved_old.append(name)
        for name in new:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out / name)
            moved_new.append(name)
    except BaseException:
        for name in reversed(moved_new):
            os.replace(out / name, staging / name)
        for name in reversed(moved_old):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(old / name, out / name)
        raise
    finally:
        if not moved_old or len(moved_new) == len(new):
            shutil.rmtree(old, ignore_errors=True)
    _remove_empty_parents(out, set(previous) - set(new))


@contextlib.contextmanager
def output_folder(out: str | Path, *, command: str, inputs: Iterable[str | Path] = (),
                  audience: str | None = None) -> Iterator[Path]:
    """Write ``command``'s output into ``out`` safely; yields the staging folder to fill.

    Checks ``out`` first (:func:`check_output_folder`). The body writes every file into
    the staging folder it is given. When the body returns, the files move into ``out``
    with the marker :data:`MARKER` listing them (and ``audience``, when given),
    replacing the earlier output of the same command and audience; when it raises,
    ``out`` is left exactly as it was and the staging folder is removed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> for text in ("first", "second"):
    ...     with output_folder(target, command="example") as staging:
    ...         _ = (staging / "a.txt").write_text(text)
    >>> (target / "a.txt").read_text(), sorted(p.name for p in target.iterdir())
    ('second', ['.written-by-iedereen_doet_mee.json', 'a.txt'])
    """
    inputs = tuple(inputs)
    previous = check_output_folder(out, command=command, inputs=inputs, audience=audience)
    target = Path(out).resolve()
    parent = target if previous is not None else target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(parent, _STAGING_PREFIX)
    except OSError as exc:
        raise _refuse(str(out), f"it cannot be written ({exc.strerror})",
                      "Choose a folder you may write in with --out.") from None
    try:
        yield staging
        (staging / MARKER).write_bytes(_marker_bytes(command, _staged_files(staging),
                                                     audience))
        # checked again: the folder may have changed while the command was working
        previous = check_output_folder(out, command=command, inputs=inputs,
                                       audience=audience)
        if previous is None:
            os.replace(staging, target)
        else:
            _move_into(staging, target, str(out), previous)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
