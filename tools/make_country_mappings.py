"""Maintainer tool: write explicit per-source spelling → ISO3 mappings (OWID-style).

For each name-based source it collects every spelling in the pinned raw file, resolves it with the
current rules (existing mapping first, then aliases and reference names) and writes
``data/countries/<source>.countries.json`` with every spelling, sorted. Review the diff: an
explicit file documents exactly how each spelling was read, and a stale entry is reported by
``sovai.countries.unused_mapping_entries`` (tests fail on it).

    SOVAI_DATA_MIRROR=../shared/data/raw python tools/make_country_mappings.py
"""

from __future__ import annotations

import json

from sovai import countries, paths
from sovai.sources import names_by_source


def main() -> None:
    for source, names in names_by_source().items():
        path = paths.COUNTRIES_DIR / f"{source}.countries.json"
        existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        comment = existing.get(
            "_comment", f"Spellings used by the {source} source → ISO3 (null = not a country; dropped)."
        )
        mapping = dict(zip(names, countries.to_iso3(names, source=source), strict=True))
        out = {"_comment": comment, **{k: mapping[k] for k in sorted(mapping)}}
        path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(mapping)} spellings")


if __name__ == "__main__":
    main()
