#!/usr/bin/env bash
# Regenerate requirements-lock.txt: install ".[test]" into a fresh virtual environment
# and freeze what pip resolved. Review the diff, then check the figures and tables
# (python analyses/build_all.py --check; after review --update-manifest) and run .ci/run,
# whose lower-bound run takes every package but those of constraints-lower-bounds.txt
# from the new lock, in the same change.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
pip install --quiet ".[test]"
{
  echo "# Exact versions CI installs (.ci/run) so that figure bytes are stable; pyproject.toml"
  echo "# keeps ranges for users. Regenerate on purpose with tools/update_lock.sh and review the"
  echo "# figure manifest (analyses/figures.sha256) in the same change. CI's lower-bound run"
  echo "# (constraints-lower-bounds.txt) takes every other package's version from here too."
  pip freeze --exclude-editable | grep -v -i '^iedereen'
} > requirements-lock.txt
echo "wrote requirements-lock.txt ($(grep -c '==' requirements-lock.txt) pinned packages)"
