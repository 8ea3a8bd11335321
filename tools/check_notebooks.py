"""Fail if a notebook in the given folder carries outputs or execution counts (keep git reviewable)."""

import json
import sys
from pathlib import Path

bad = []
for nb in sorted(Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks").glob("*.ipynb")):
    cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
    if any(c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count")) for c in cells):
        bad.append(str(nb))
if bad:
    print("Notebooks with outputs (run `make format` or nbstripout):", *bad, sep="\n  ")
    sys.exit(1)
print("notebooks: no outputs")
