"""The index page of a build folder (``index.html``): the four claims with their headline
figures, notebooks, country profiles, the figure gallery, tables, data sources, build facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The report's four quantitative claims (DESIGN.md §1), the notebook that checks each, and the
#: figure shown for it on the front page (the notebook's first figure when that one is absent).
CLAIMS = (
    (
        "Drivers and instruments",
        "Countries pursue AI sovereignty for identifiable drivers (security, resilience, economic "
        "competitiveness, cultural-linguistic inclusion) and respond with a recognisable set of instruments.",
        "04-drivers",
        "drivers_coefficients",
    ),
    (
        "Rankings on the AI stack",
        "Countries can be ranked on each layer of the AI technology stack, and capability is dominated by "
        "the United States and China.",
        "02-rankings",
        "rankings_overall",
    ),
    (
        "Concentrated chokepoints",
        "The stack has highly concentrated chokepoints, so full-stack sovereignty is structurally infeasible "
        "for almost every country.",
        "05-chokepoints",
        "chokepoints_ranked",
    ),
    (
        "Managed interdependence",
        "Mapping dependencies by layer, prioritising feasible interventions and diversifying partners is the "
        "better strategy.",
        "06-managed-interdependence",
        "layer_presence",
    ),
)

#: Headlines shown with each claim, in this order (those a build recorded; else the first three).
CLAIM_HEADLINES = {
    "04-drivers": ("drivers_base_coef_log_gdp", "drivers_base_pvalue_holm_log_gdp", "drivers_base_nobs"),
    "02-rankings": ("top_country", "rank_USA", "rank_CHN"),
    "05-chokepoints": ("chokepoints_n_chokepoints", "chokepoints_n_inputs", "chokepoints_gallium_top1_share"),
    "06-managed-interdependence": (
        "interdependence_n_full_stack",
        "interdependence_n_any_layer",
        "interdependence_smallest_cover_size",
    ),
}


def format_value(value: Any) -> str:
    """A headline value for reading: thousands separators, 4 significant digits, no float noise."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) < 1e-3:
            return f"{value:.2e}"
        return f"{value:.4g}"
    return str(value)


def _caption(stem: str) -> str:
    return stem.replace("_", " ").replace("map ", "map: ", 1).capitalize()


def png_title(path: Path) -> str:
    """The ``Title`` text chunk of a PNG (written by :func:`sovai.report_io.save_figure`), or ``""``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1 << 16)  # text chunks written by matplotlib come before the image data
    except OSError:
        return ""
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            break
        chunk = data[pos + 8 : pos + 8 + length]
        key, _, value = chunk.partition(b"\0")
        if key == b"Title" and kind == b"tEXt":  # Latin-1 text
            return value.decode("latin-1")
        if key == b"Title" and kind == b"iTXt" and value[:1] == b"\0":  # uncompressed UTF-8 text
            _, _, rest = value[2:].partition(b"\0")  # language tag
            _, _, text = rest.partition(b"\0")  # translated keyword
            return text.decode("utf-8", "replace")
        pos += 12 + length
    return ""


def _headline(h: dict) -> dict[str, str]:
    return {"label": str(h["name"]).replace("_", " "), "value": format_value(h["value"]), "note": h.get("note") or ""}


def index_context(out: Path, manifest: dict, tables: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``index.html`` shows, as plain values for the template (see :func:`render_index`)."""
    out = Path(out)
    nbs = manifest["notebooks"]
    profs = manifest["profiles"]
    fig_dir = out / "figures"
    figures = (
        sorted(p for p in fig_dir.iterdir() if p.is_file() and not p.name.startswith(".")) if fig_dir.is_dir() else []
    )
    stems = sorted({p.stem for p in figures})
    by_notebook: dict[str, list[str]] = {}
    for name, e in sorted(nbs.items()):
        for f in e.get("outputs", []):
            if f.startswith("figures/") and f.endswith(".png") and Path(f).stem in stems:
                by_notebook.setdefault(name, []).append(Path(f).stem)
    owned = {s for v in by_notebook.values() for s in v}
    if set(stems) - owned:
        by_notebook["other"] = sorted(set(stems) - owned)
    captions = {stem: png_title(fig_dir / f"{stem}.png") or _caption(stem) for stem in stems}

    claims = []
    for title, claim, stem, figure in CLAIMS:
        e = nbs.get(stem) or {}
        shown = figure if figure in by_notebook.get(stem, []) else next(iter(by_notebook.get(stem, [])), None)
        recorded = e.get("headlines", {})
        heads = [recorded[n] for n in CLAIM_HEADLINES.get(stem, ()) if n in recorded]
        heads = heads or sorted(recorded.values(), key=lambda h: h["name"])[:3]
        claims.append(
            {
                "title": title,
                "claim": claim,
                "stem": stem,
                "html": e.get("html"),
                "figure": {"src": f"figures/{shown}.png", "caption": captions[shown]} if shown else None,
                "headlines": [_headline(h) for h in heads],
            }
        )
    notebooks = []
    for name, e in sorted(nbs.items()):
        status = str(e.get("status", ""))
        notebooks.append(
            {
                "name": name,
                "title": e.get("title") or name,
                "description": e.get("description") or "",
                "html": e.get("html"),
                "ipynb": e.get("ipynb"),
                "status": status,
                "status_class": "failed" if status.startswith("failed") else "ok",
                "error": e.get("error") or "",
                "headlines": [_headline(h) for h in sorted(e.get("headlines", {}).values(), key=lambda h: h["name"])],
                "params": [(k, json.dumps(v, sort_keys=True)) for k, v in sorted(e.get("params", {}).items())],
            }
        )
    profiles = []
    for name, e in sorted(profs.items(), key=lambda kv: str(kv[1].get("title") or kv[0])):
        label = f"{e['title']} ({name})" if e.get("title") else name
        profiles.append(
            {
                "label": label,
                "search": label.lower(),
                "html": e.get("html"),
                "failed": str(e.get("status", "")).startswith("failed"),
                "other_settings": ", ".join(e.get("differs", [])) if e.get("current") is False else "",
            }
        )
    gallery = []
    for group, group_stems in by_notebook.items():
        e = nbs.get(group, {})
        items = []
        for stem in group_stems:
            variants = [p for p in figures if p.stem == stem]
            items.append(
                {
                    "png": f"figures/{stem}.png" if any(v.suffix == ".png" for v in variants) else None,
                    "caption": captions[stem],
                    "variants": [(f"figures/{v.name}", v.suffix.lstrip(".")) for v in variants],
                }
            )
        gallery.append({"name": group, "title": e.get("title", ""), "html": e.get("html"), "figures": items})
    used: dict[str, set[str]] = {}
    for kind in ("notebooks", "profiles"):
        for name, e in manifest[kind].items():
            for s in e.get("sources", []):
                used.setdefault(s, set()).add(name if kind == "notebooks" else "profiles")
    sources = [
        {**s, "folder": folder, "users": ", ".join(sorted(used.get(folder, ()))) or "—"}
        for folder, s in sorted(manifest["data_sources"].items())
    ]
    build = manifest["build"]
    return {
        "version": manifest["sovai"]["version"],
        "commit": (manifest.get("git_commit") or "n/a")[:12],
        "has_explorer": (out / "explorer.html").exists(),  # written by 02-rankings
        "claims": claims,
        "notebooks": notebooks,
        "profiles": profiles,
        "n_other_profiles": sum(1 for e in profs.values() if e.get("current") is False),
        "gallery": gallery,
        "table_groups": tables,
        "sources": sources,
        "curated": sorted(manifest["inputs"]["data"]),
        "build": {
            "jobs": build["jobs"],
            "fast": build.get("fast"),
            "duration_s": build["duration_s"],
            "timings": [(n, e.get("duration_s", "")) for n, e in sorted(nbs.items())],
            "versions": sorted(manifest["versions"].items()),
        },
    }


def render_index(out: Path, manifest: dict, tables: list[dict[str, Any]] | None = None) -> str:
    """The ``index.html`` page of a build folder: the claims, notebooks, profiles, figures, tables, sources.

    Rendered from ``templates/index.html.j2`` with autoescaping, so every value that comes from
    data or a notebook (headlines, names, errors, file names) is escaped; the page loads nothing
    from the network (one inline script filters the profiles). ``tables``: the groups of
    :func:`sovai.build.site.tables.group_by_notebook` (default: computed here, without XLSX).
    """
    from sovai.build.site.tables import catalogue, group_by_notebook
    from sovai.build.site.templating import render

    if tables is None:
        tables = group_by_notebook(catalogue(out, xlsx=False), manifest)
    return render("index.html.j2", **index_context(out, manifest, tables))
