"""Rewrite the generated sections of the docs from the code.

    python tools/update_docs.py          # rewrite
    python tools/update_docs.py --check  # exit 1 when a generated section is stale

A generated section sits between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->``; the test suite runs the check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from iedereen_doet_mee.analysis.estimator_docs import estimators_markdown
from iedereen_doet_mee.data.schema_docs import data_model_markdown
from iedereen_doet_mee.simulation.parameters import parameters_markdown

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {
    ("docs/data-model.md", "tables"): data_model_markdown,
    ("docs/simulation.md", "parameters"): parameters_markdown,
    ("docs/estimators.md", "estimators"): estimators_markdown,
}


def render(text: str, name: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"no generated section {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(2), text)


def main(argv: list[str]) -> int:
    stale = []
    for (file, name), make in SECTIONS.items():
        path = ROOT / file
        text = path.read_text(encoding="utf-8")
        new = render(text, name, make())
        if new != text:
            stale.append(file)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"stale generated sections in: {', '.join(stale)}; "
              "run python tools/update_docs.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
