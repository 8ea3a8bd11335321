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
( cd "$repo" && "$repo/.venv/bin/python" -m build --outdir "$work/dist" . >/dev/null )
wheel="$(ls "$work"/dist/sovai-*.whl)"
echo "   $(basename "$wheel"): $(du -k "$wheel" | cut -f1) KB; sdist $(du -k "$work"/dist/sovai-*.tar.gz | cut -f1) KB"
"$python" -m zipfile -l "$wheel" > "$work/wheel.txt"
echo "   the wheel ships $(grep -c 'sovai/_data/' "$work/wheel.txt") data files and $(grep -c 'sovai/_notebooks/' "$work/wheel.txt") notebook files"
for f in sovai/_data/categorical/codebook.yaml sovai/_notebooks/07-country-profile.ipynb sovai/py.typed sovai/registry.toml; do
  grep -q "^$f " "$work/wheel.txt" || { echo "FAIL: $f is not in the wheel" >&2; exit 1; }
done
echo "   ($((SECONDS)) s so far)"
echo "== fresh venv in $work/venv (outside the checkout)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -qq --upgrade pip
"$work/venv/bin/python" -m pip install -qq "$wheel"
"$work/venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
cd "$work"
site="$("$work/venv/bin/python" -c 'import sovai, pathlib; print(pathlib.Path(sovai.__file__).parent)')"
before="$(find "$site/_data" "$site/_notebooks" -type f | sort | sha256sum)"
echo "   ($((SECONDS)) s so far)"
export SOVAI_CACHE_DIR="$work/cache"
echo "== sovai --version"
expected="sovai $("$python" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$repo/pyproject.toml")"
got="$("$work/venv/bin/sovai" --version)"
echo "   $got (pyproject.toml: $expected)"
test "$got" = "$expected"
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
echo "== run the copy of 02-rankings in place with its default output_dir (fast): writes course/reports"
( cd "$work/course/notebooks" && "$work/venv/bin/papermill" -k python3 -p fast True --log-level WARNING --no-progress-bar \
    02-rankings.ipynb "$work/course/02-rankings.out.ipynb" )
test -s "$work/course/reports/tables/rankings_overall.csv"
echo "   $work/course/reports/tables/rankings_overall.csv: $(wc -l < "$work/course/reports/tables/rankings_overall.csv") lines"
echo "== the packaged data and notebooks were not written to"
test "$before" = "$(find "$site/_data" "$site/_notebooks" -type f | sort | sha256sum)"
echo "wheel smoke test: OK in $((SECONDS)) s"
