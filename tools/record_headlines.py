"""Maintainer tool: record the headline numbers of a build as the expected values for the tests.

    sovai build --fast --out /tmp/fast && python tools/record_headlines.py /tmp/fast/manifest.json

Writes ``tests/expected/headlines_fast.json`` ({notebook: {name: {value, tolerance, note}}}).
Review the diff before committing: a changed headline is a changed result.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "expected" / "headlines_fast.json"


def main(manifest_path: str) -> None:
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    expected = {}
    for stem, entry in sorted(manifest["notebooks"].items()):
        heads = entry.get("headlines") or {}
        expected[stem] = {
            name: {k: h.get(k) for k in ("value", "tolerance", "note")} for name, h in sorted(heads.items())
        }
    OUT.write_text(json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(len(v) for v in expected.values())} headlines)")


if __name__ == "__main__":
    main(sys.argv[1])
