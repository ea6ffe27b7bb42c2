"""Build the funder report in both languages and for both audiences, and turn every
page into an image to look at.

    python tools/look_at_report.py --out look [--data DIR] [--design FILE] [--fast]
        [--lang nl en] [--audience public internal] [--dpi 100] [--screen 1600]

For each language (``nl``, ``en``) and audience (``public``, ``internal``) the script

1. builds the report with :func:`iedereen_doet_mee.reporting.build.build_report` into
   ``<out>/<lang>-<audience>/report/``;
2. renders every page of ``report.pdf`` to ``pdf/page-NN.png`` with ``pdftoppm``
   (Debian package ``poppler-utils``);
3. opens ``report.html`` in headless Chromium (Debian package ``chromium``) 1280 pixels
   wide, measures the page's height, takes one screenshot of the whole page
   (``html/full.png``) and cuts it into screens of ``--screen`` pixels
   (``html/screen-NN.png``), which an image viewer shows at a readable size.

``<out>/index.md`` lists every file with what it is. Look at every image before
calling a change to the report done: tests read the text, not what overlaps, is cut
off or stays empty.

The output folder is written as the package writes its own (see
:mod:`iedereen_doet_mee.output_folder`): a new or empty folder, or an earlier output of
this script, whose files are replaced; any other folder is refused and nothing is
touched. Exit status: 0 done, 2 bad options, a missing ``pdftoppm`` or ``chromium``
(checked before anything is built) or an output folder that may not be written, 1 a
step failed.

Notes
-----
``--fast`` builds with 100 posterior draws, 100 bootstrap resamples and 50 diagnosis
simulations (the defaults are 2000 each): the same pages and words, with numbers that
differ in their last digits from a report built with the defaults. Chromium runs with a
throw-away profile in a temporary folder.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

#: Width of the browser window for the HTML screenshots, in CSS pixels.
WIDTH = 1280
#: Seconds a single pdftoppm or chromium run may take.
TIMEOUT = 300
FAST = {"n_draws": 100, "n_bootstrap": 100, "diagnosis_sims": 50}
_HEIGHT = re.compile(r'data-look-height="(\d+)"')
_MEASURE = ('<script>document.body.setAttribute("data-look-height", '
            'String(document.documentElement.scrollHeight));</script>')


class LookError(Exception):
    """A tool is missing or a step failed; the message says which and what to do."""


def find_tools(pdftoppm: str = "pdftoppm", chromium: str = "chromium") -> dict[str, str]:
    """The full paths of ``pdftoppm`` and ``chromium``.

    Raises
    ------
    LookError
        Naming every missing program and the Debian package that has it.

    Examples
    --------
    >>> try:
    ...     find_tools(pdftoppm="no-such-program-pdftoppm")
    ... except LookError as exc:
    ...     print(str(exc).splitlines()[1])
    - pdftoppm (no-such-program-pdftoppm) is not installed: apt-get install poppler-utils
    """
    packages = {"pdftoppm": "poppler-utils", "chromium": "chromium"}
    found, missing = {}, []
    for name, program in (("pdftoppm", pdftoppm), ("chromium", chromium)):
        path = shutil.which(program)
        if path is None:
            missing.append(f"- {name} ({program}) is not installed: apt-get install "
                           f"{packages[name]}")
        else:
            found[name] = path
    if missing:
        raise LookError("look_at_report needs programs that are not on PATH (nothing was "
                        "built or written):\n" + "\n".join(missing))
    return found


def _run(command: list[str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise LookError(f"{what}: no answer after {TIMEOUT} s") from None
    if done.returncode != 0:
        raise LookError(f"{what} failed (exit status {done.returncode}):\n"
                        f"{done.stderr.strip()[-2000:]}")
    return done


def render_pdf_pages(pdf: Path, folder: Path, *, pdftoppm: str = "pdftoppm",
                     dpi: int = 100) -> list[Path]:
    """Render every page of ``pdf`` to ``folder/page-NN.png`` (NN from 01); returns
    them in page order."""
    folder.mkdir(parents=True, exist_ok=True)
    _run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(folder / "page")],
         f"pdftoppm on {pdf}")
    pages = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    named = []
    for number, page in enumerate(pages, start=1):  # pdftoppm pads to the page count
        target = folder / f"page-{number:02d}.png"
        page.rename(target)
        named.append(target)
    return named


def _chromium(chromium: str, profile: Path, *options: str) -> list[str]:
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--force-device-scale-factor=1", f"--user-data-dir={profile}",
            "--virtual-time-budget=5000", *options]


def page_height(html: Path, chromium: str, scratch: Path) -> int:
    """The height in CSS pixels of ``html`` laid out ``WIDTH`` pixels wide, measured by a
    script in a copy of the page (the report itself has none)."""
    copy = scratch / "measure.html"
    source = html.read_text(encoding="utf-8")
    copy.write_text(source.replace("</body>", _MEASURE + "</body>", 1), encoding="utf-8")
    done = _run(_chromium(chromium, scratch / "profile", f"--window-size={WIDTH},1000",
                          "--dump-dom", copy.as_uri()), f"chromium measuring {html}")
    found = _HEIGHT.search(done.stdout)
    if found is None:
        raise LookError(f"chromium did not report the height of {html}")
    return int(found.group(1))


def screenshot_html(html: Path, folder: Path, *, chromium: str = "chromium",
                    screen: int = 1600) -> list[Path]:
    """A screenshot of the whole of ``html`` (``folder/full.png``) and the same cut into
    screens ``screen`` pixels high (``folder/screen-NN.png``); returns all of them,
    the full one first."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        scratch = Path(work)
        height = page_height(html, chromium, scratch)
        full = folder / "full.png"
        _run(_chromium(chromium, scratch / "profile", f"--window-size={WIDTH},{height}",
                       f"--screenshot={full}", html.resolve().as_uri()),
             f"chromium screenshot of {html}")
    shots = [full]
    with Image.open(full) as image:
        for number, top in enumerate(range(0, image.height, screen), start=1):
            part = folder / f"screen-{number:02d}.png"
            image.crop((0, top, image.width, min(top + screen, image.height))).save(part)
            shots.append(part)
    return shots


def look_at_one(settings, target: Path, tools: dict[str, str], *, dpi: int, screen: int,
                ) -> list[tuple[str, str]]:
    """Build one report into ``target/report`` and render it; returns (file relative to
    ``target``'s parent, what it is) for the index."""
    from iedereen_doet_mee.reporting.build import build_report

    name = target.name
    report = build_report(settings)
    entries = [(f"{name}/report/", f"the report itself ({settings.lang}, "
                f"{settings.audience}): report.html, report.pdf, results.json, "
                "indicators.xlsx, figures/")]
    pages = render_pdf_pages(report / "report.pdf", target / "pdf",
                             pdftoppm=tools["pdftoppm"], dpi=dpi)
    entries += [(f"{name}/pdf/{p.name}", f"report.pdf page {i} of {len(pages)} "
                 f"({dpi} dpi)") for i, p in enumerate(pages, start=1)]
    shots = screenshot_html(report / "report.html", target / "html",
                            chromium=tools["chromium"], screen=screen)
    entries.append((f"{name}/html/full.png", f"report.html, the whole page {WIDTH} px wide"))
    entries += [(f"{name}/html/{p.name}", f"report.html, screen {i} of {len(shots) - 1} "
                 f"(pixels {(i - 1) * screen} to {i * screen} from the top)")
                for i, p in enumerate(shots[1:], start=1)]
    return entries


def _index(entries: Sequence[tuple[str, str]], command: str) -> str:
    lines = ["# Pages of the funder report, to look at", "", f"Made by `{command}`.", "",
             "| file | what it is |", "|---|---|"]
    lines += [f"| `{file}` | {what} |" for file, what in entries]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python tools/look_at_report.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (new, empty, or an earlier output of this script)")
    parser.add_argument("--data", type=Path, help="trial directory (default: the bundled "
                        "synthetic trial)")
    parser.add_argument("--design", type=Path, help="design file (default: the data's or "
                        "'Iedereen doet mee')")
    parser.add_argument("--as-of", help="as-of date (ISO), as the report's --as-of")
    parser.add_argument("--lang", nargs="+", choices=["nl", "en"], default=["nl", "en"])
    parser.add_argument("--audience", nargs="+", choices=["public", "internal"],
                        default=["public", "internal"])
    parser.add_argument("--fast", action="store_true", help="100 draws, 100 bootstrap "
                        "resamples, 50 diagnosis simulations (overrides the three below)")
    parser.add_argument("--n-draws", type=int, default=2000)
    parser.add_argument("--n-bootstrap", type=int, default=2000)
    parser.add_argument("--diagnosis-sims", type=int, default=2000)
    parser.add_argument("--dpi", type=int, default=100, help="PDF pages (default 100)")
    parser.add_argument("--screen", type=int, default=1600,
                        help="height of one HTML screen in pixels (default 1600)")
    parser.add_argument("--pdftoppm", default="pdftoppm", help="program (default pdftoppm)")
    parser.add_argument("--chromium", default="chromium", help="program (default chromium)")
    return parser


def main(argv: list[str] | None = None, *, log: Callable[[str], None] = print) -> int:
    """Run the script; returns its exit status."""
    args = _parser().parse_args(argv)
    if args.dpi < 20 or args.screen < 100:
        log("look_at_report: --dpi must be at least 20 and --screen at least 100")
        return 2
    try:
        tools = find_tools(args.pdftoppm, args.chromium)
    except LookError as exc:
        log(str(exc))
        return 2
    from iedereen_doet_mee.errors import OutputFolderError
    from iedereen_doet_mee.output_folder import output_folder
    from iedereen_doet_mee.reporting.build import ReportSettings

    counts = FAST if args.fast else {"n_draws": args.n_draws, "n_bootstrap": args.n_bootstrap,
                                     "diagnosis_sims": args.diagnosis_sims}
    inputs = [p for p in (args.data, args.design) if p is not None]
    command = "python tools/look_at_report.py " + " ".join(argv or sys.argv[1:])
    try:
        with output_folder(args.out, command="look_at_report", inputs=inputs) as staging:
            entries = []
            for lang in args.lang:
                for audience in args.audience:
                    target = staging / f"{lang}-{audience}"
                    log(f"look_at_report: {lang} {audience}")
                    settings = ReportSettings(data=args.data, design=args.design,
                                              out=target / "report", as_of=args.as_of,
                                              lang=lang, audience=audience, **counts)
                    entries += look_at_one(settings, target, tools, dpi=args.dpi,
                                           screen=args.screen)
            (staging / "index.md").write_text(_index(entries, command), encoding="utf-8")
    except OutputFolderError as exc:
        log(f"look_at_report: {exc}")
        return 2
    except (LookError, OSError, ValueError) as exc:
        log(f"look_at_report: {exc}")
        return 1
    log(f"look_at_report: {len(entries)} entries listed in {args.out / 'index.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
