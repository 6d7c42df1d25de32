#!/usr/bin/env bash
# Idempotent set-up used by `npm test`, `npm run plan` and CI: node_modules, the Python venv (dbt-core)
# and .venv-fusion (dbt 2.x: the `dbt==2.0.0rc196` wheel, see scripts/engines/fusion/install.sh and docs/development.md, "dbt engines").
# A no-op (well under a second) when both are current, so every entry point can call it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$(stamp_of package-lock.json)" ]; then
  echo "setup: installing node packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  stamp_of package-lock.json > node_modules/.setup-stamp
fi

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi

if [ ! -f .venv/.setup-stamp ] || [ "$(cat .venv/.setup-stamp)" != "$(stamp_of requirements-dev.txt)" ]; then
  echo "setup: creating the Python venv (.venv) from requirements-dev.txt" >&2
  rm -rf .venv
  "$python_bin" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt >&2
  stamp_of requirements-dev.txt > .venv/.setup-stamp
fi

# dbt 2.x ("Fusion") in its own venv: its wheel and dbt-core both install bin/dbt. A no-op when current.
PYTHON="$python_bin" bash scripts/engines/fusion/install.sh >/dev/null
