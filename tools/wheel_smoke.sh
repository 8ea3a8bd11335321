#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment OUTSIDE the checkout and check
# that sovai works there from the packaged data and notebooks (issue 18). Needs
# SOVAI_DATA_MIRROR (the raw-file mirror). Usage: tools/wheel_smoke.sh [PYTHON]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
: "${SOVAI_DATA_MIRROR:?set SOVAI_DATA_MIRROR to the raw-file mirror}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== build sdist + wheel"
"$python" -m pip --version >/dev/null
( cd "$repo" && rm -rf dist && "$repo/.venv/bin/python" -m build --outdir "$work/dist" . >/dev/null )
wheel="$(ls "$work"/dist/sovai-*.whl)"
echo "   $(basename "$wheel"): $(du -k "$wheel" | cut -f1) KB"
echo "== fresh venv in $work/venv (outside the checkout)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$wheel"
"$work/venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
cd "$work"
export SOVAI_CACHE_DIR="$work/cache"
echo "== sovai --version"
"$work/venv/bin/sovai" --version
echo "== load the codings from the packaged data"
"$work/venv/bin/python" - <<'PY'
import sovai
from sovai import paths
assert not paths.IN_CHECKOUT, paths.DATA_DIR
assert "site-packages" in str(paths.DATA_DIR), paths.DATA_DIR
wide = sovai.load_categorical()
assert wide.shape[0] == 195, wide.shape
print(f"   codings: {wide.shape[0]} countries x {wide.shape[1]} columns from {paths.CATEGORICAL_DIR}")
PY
echo "== validate a file"
cat > "$work/mine.csv" <<'CSV'
iso3,variable,value,source_url,source_title,accessed,note
FRA,national_ai_strategy,true,https://www.gouvernement.fr/en/artificial-intelligence-making-france-a-leader,Gouvernement.fr,2026-11-26,smoke test
CSV
"$work/venv/bin/sovai" validate "$work/mine.csv"
echo "== rank in fast mode (notebook 02 from the package)"
"$work/venv/bin/sovai" build 02-rankings --fast --out "$work/reports" --jobs 1
test -s "$work/reports/tables/rankings_overall.csv"
head -3 "$work/reports/tables/rankings_overall.csv" | cut -c1-100
echo "== one profile in fast mode"
"$work/venv/bin/sovai" profile DEU --fast --out "$work/reports" --jobs 1
ls "$work/reports/profiles/" | head -3
echo "== an editable copy of the notebooks"
"$work/venv/bin/sovai" notebooks copy "$work/course"
ls "$work/course/notebooks" | head -3
echo "wheel smoke test: OK"
