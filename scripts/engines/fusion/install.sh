#!/usr/bin/env bash
# Install the dbt 2.x ("Fusion") CLI from PyPI into .venv-fusion (idempotent).
#
# Only dbt==2.0.0rc196 works offline: it is the newest `dbt` release that PyPI serves as a
# manylinux_2_28_x86_64 wheel (the binary is inside the wheel). Every later `dbt` (2.0.0rc200 ..
# 2.0.9) and every `dbt-oss` 2.x is an sdist whose build backend downloads the wheel from
# public.cdn.getdbt.com (dbt) or github.com releases (dbt-oss) at install time, which fails here.
# See "Which dbt 2.x, and why" in docs/development.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
venv="${FUSION_VENV:-$root/.venv-fusion}"
want="dbt-fusion 2.0.0-preview.196"
if [ -x "$venv/bin/dbt" ] && [ "$("$venv/bin/dbt" --version 2>/dev/null)" = "$want" ]; then
  exit 0
fi
case "$(uname -m)" in
  x86_64) sha=36893934afac6c823110c16ad208094f4ac9e2afe56357780138d018a027b0ee ;;
  *) echo "install.sh: only x86_64 is pinned here (PyPI also has manylinux_2_28_aarch64 for rc196)" >&2; exit 1 ;;
esac
rm -rf "$venv"
"${PYTHON:-python3.11}" -m venv "$venv"
req="$(mktemp)"
echo "dbt==2.0.0rc196 --hash=sha256:$sha" > "$req"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes -r "$req" >&2
rm -f "$req"
"$venv/bin/dbt" --version
