"""The index page of a build folder (``index.html``): the four claims with their headline
figures, notebooks, country profiles, the figure gallery, tables, data sources, build facts."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sovai.build.notebooks import DESCRIPTIONS

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}h3{margin:.8rem 0 .4rem}
nav.top a{margin-right:1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:.85rem}.ok{color:#176b2c}.failed{color:#b00020;font-weight:600}
.claims{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.claim{border:1px solid #ddd;border-radius:6px;padding:.8rem}.claim img{width:100%;height:auto;border:1px solid #eee}
.claim h3{font-size:1rem}.claim p{margin:.3rem 0}
.gallery{display:flex;flex-wrap:wrap;gap:1rem}.gallery figure{margin:0;width:21rem}.gallery img{width:21rem;height:auto;border:1px solid #ddd}
.gallery figcaption{font-size:.85rem}.flag{background:#fff3cd;padding:0 .3rem;border-radius:3px;font-size:.8rem}
.nc{background:#f8d7da}.muted{color:#666;font-size:.85rem}.headline b{font-variant-numeric:tabular-nums}
ul.profiles{columns:16rem;padding-left:1.2rem}details summary{cursor:pointer}
"""

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

_FILTER_JS = """
document.getElementById('country-filter').addEventListener('input', function (ev) {
  var q = ev.target.value.toLowerCase();
  document.querySelectorAll('ul.profiles li').forEach(function (li) {
    li.style.display = li.getAttribute('data-search').indexOf(q) >= 0 ? '' : 'none';
  });
});
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


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


def _headline_html(h: dict) -> str:
    note = f" <span class='muted'>({_e(h['note'])})</span>" if h.get("note") else ""
    label = str(h["name"]).replace("_", " ")
    return f"<span class='headline'>{_e(label)}: <b>{_e(format_value(h['value']))}</b>{note}</span>"


def _params_html(params: dict) -> str:
    return "<br>".join(f"<code>{_e(k)} = {_e(json.dumps(v, sort_keys=True))}</code>" for k, v in sorted(params.items()))


def _status_html(e: dict) -> str:
    status = e.get("status", "")
    cls = "failed" if status.startswith("failed") else "ok"
    err = f"<br><span class='muted'>{_e(e['error'])}</span>" if e.get("error") else ""
    return f"<span class='{cls}'>{_e(status)}</span>{err}"


def _caption(stem: str) -> str:
    return stem.replace("_", " ").replace("map ", "map: ", 1).capitalize()


#: One-line descriptions of the main tables (shown in the index; others are listed by name).
TABLE_DESCRIPTIONS = {
    "rankings_overall.csv": "overall rank and score per country with the Monte Carlo median and 5-95% rank band, layers and indicators observed",
    "rankings_layers.csv": "score, rank and observed indicators per country and layer (long form)",
    "rankings_layer_scores.csv": "layer scores and ranks per country (wide form)",
    "rankings_over_time.csv": "rank, score and layer scores per country and year (same indicators and settings)",
    "rankings_sensitivity.csv": "Sobol' first-order and total indices of each uncertain choice (top-40 mean rank shift)",
    "rankings_sensitivity_country.csv": "Sobol' indices per country: which choice moves which country",
    "rankings_imputed.csv": "every imputed cell with its method",
    "drivers_models.csv": "every coefficient of every driver model with robust SE, raw and Holm/BH-adjusted p-values",
    "drivers_fit_statistics.csv": "N, log-likelihood, AIC, BIC and pseudo-R2 per model",
    "drivers_dropped.csv": "countries left out of each model and the missing outcome or covariate",
    "drivers_bootstrap.csv": "country-bootstrap intervals of the base model's coefficients",
    "driver_proxies.csv": "each driver proxy: what it stands for, what it cannot show, source and years used",
    "chokepoints.csv": "concentration (HHI, top-1/top-3 shares) of every stack input with market size and vintage",
    "minimum_coalition.csv": "the smallest coalitions holding at least the cover share of every chokepoint",
    "diversification.csv": "a country's supplier mix before and after diversifying to partners, capacity-limited",
    "full_stack.csv": "countries holding a meaningful world share on every measured layer, at several thresholds",
    "codings_wide.csv": "the categorical codings: one row per country, one column per variable (missing = not coded)",
    "codings_long.csv": "every coded value with its source, access date, note and evidence grade",
    "codings_coverage.csv": "how many countries are coded true / false / not coded per variable",
    "data_licences.csv": "every raw source with its licence and flags (non-commercial, unclear)",
}


def render_index(out: Path, manifest: dict) -> str:
    """The ``index.html`` page of a build folder: the claims, notebooks, profiles, figures, tables, sources.

    Every value that comes from data or a notebook (headlines, names, errors, file names) is
    escaped; the page loads nothing from the network (one inline script filters the profiles).
    """
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
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Is AI sovereignty possible? — sovai reconstruction</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Is AI sovereignty possible? An open-data reconstruction</h1>",
        "<p class='muted'>A reconstruction from open data and cited codings of the analysis in Brookings/CEPS (2026), "
        "<em>Is AI sovereignty possible? Balancing autonomy and interdependence</em> (the report's own appendix "
        "tables are not public). "
        f"sovai {_e(manifest['sovai']['version'])}, git commit <code>{_e((manifest.get('git_commit') or 'n/a')[:12])}</code>. "
        "Full provenance: <a href='manifest.json'>manifest.json</a>.</p>",
        "<nav class='top'><a href='#claims'>The four claims</a><a href='#notebooks'>Notebooks</a>"
        "<a href='#profiles'>Country profiles</a><a href='#figures'>Figures</a><a href='#tables'>Tables</a>"
        "<a href='#sources'>Data sources</a><a href='#build'>Build</a>"
        "<a href='methods.html'>Methods</a><a href='codebook.html'>Codebook</a></nav>",
    ]
    if (out / "explorer.html").exists():  # written by 02-rankings
        parts.append(
            "<p><b><a href='explorer.html'>Rankings explorer</a></b>: change the layer weights and the view; "
            "the ranking, the chart and the map update at once (aggregated exactly as notebook 02 does).</p>"
        )
    # the claims
    parts.append("<h2 id='claims'>The report's four claims, checked</h2><div class='claims'>")
    for i, (title, claim, stem, figure) in enumerate(CLAIMS, 1):
        e = nbs.get(stem)
        parts.append(f"<div class='claim'><h3>{i}. {_e(title)}</h3><p>{_e(claim)}</p>")
        if e and e.get("html"):
            shown = figure if figure in by_notebook.get(stem, []) else next(iter(by_notebook.get(stem, [])), None)
            if shown:
                parts.append(
                    f"<a href='{_e(e['html'])}'><img src='figures/{_e(shown)}.png' alt='{_e(_caption(shown))}'></a>"
                )
            recorded = e.get("headlines", {})
            heads = [recorded[n] for n in CLAIM_HEADLINES.get(stem, ()) if n in recorded]
            heads = heads or sorted(recorded.values(), key=lambda h: h["name"])[:3]
            parts.append("".join(f"<p>{_headline_html(h)}</p>" for h in heads))
            parts.append(f"<p><a href='{_e(e['html'])}'>Read notebook {_e(stem)} →</a></p>")
        else:
            parts.append(
                f"<p class='muted'>Notebook {_e(stem)} not built yet (<code>sovai build {_e(stem)}</code>).</p>"
            )
        parts.append("</div>")
    parts.append("</div>")
    # notebooks
    parts.append("<h2 id='notebooks'>Notebooks</h2>")
    if nbs:
        parts.append("<table><tr><th>notebook</th><th>status</th><th>headline numbers</th><th>settings</th></tr>")
        for name, e in sorted(nbs.items()):
            title, desc = e.get("title") or name, e.get("description") or DESCRIPTIONS.get(name, "")
            link = f"<a href='{_e(e['html'])}'>{_e(name)} — {_e(title)}</a>" if e.get("html") else _e(name)
            files = f" <span class='muted'>(<a href='{_e(e['ipynb'])}'>ipynb</a>)</span>" if e.get("ipynb") else ""
            heads = "<br>".join(
                _headline_html(h) for h in sorted(e.get("headlines", {}).values(), key=lambda h: h["name"])
            )
            params = e.get("params", {})
            settings = (
                f"<details><summary>{len(params)} parameters</summary>{_params_html(params)}</details>"
                if params
                else ""
            )
            parts.append(
                f"<tr><td>{link}{files}<br><span class='muted'>{_e(desc)}</span></td><td>{_status_html(e)}</td>"
                f"<td>{heads}</td><td>{settings}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No notebooks built yet.</p>")
    # profiles
    parts.append("<h2 id='profiles'>Country profiles</h2>")
    if profs:
        others = [n for n, e in profs.items() if e.get("current") is False]
        parts.append(
            "<p><label>Find a country: <input id='country-filter' type='search' placeholder='name or ISO3'></label>"
            + (
                f" <span class='muted'>{len(others)} profile(s) were built with other settings than the current ones "
                "and are marked; rebuild them with <code>sovai profile ISO3</code>.</span>"
                if others
                else ""
            )
            + "</p>"
        )
        items = []
        for name, e in sorted(profs.items(), key=lambda kv: str(kv[1].get("title") or kv[0])):
            label = f"{e['title']} ({name})" if e.get("title") else name
            link = f"<a href='{_e(e['html'])}'>{_e(label)}</a>" if e.get("html") else _e(label)
            extra = " <span class='failed'>(failed)</span>" if str(e.get("status", "")).startswith("failed") else ""
            if e.get("current") is False:
                extra += f" <span class='flag'>built with other settings: {_e(', '.join(e.get('differs', [])))}</span>"
            items.append(f"<li data-search='{_e(label.lower())}'>{link}{extra}</li>")
        parts.append("<ul class='profiles'>" + "".join(items) + "</ul>")
        parts.append(f"<script>{_FILTER_JS}</script>")
    else:
        parts.append("<p>No profiles built yet (<code>sovai profile ISO3</code>).</p>")
    # figures, grouped by notebook
    parts.append("<h2 id='figures'>Figures</h2>")
    if stems:
        for group, group_stems in by_notebook.items():
            e = nbs.get(group, {})
            heading = f"<a href='{_e(e['html'])}'>{_e(group)}</a>" if e.get("html") else _e(group)
            parts.append(f"<h3>{heading}</h3><div class='gallery'>")
            for stem in group_stems:
                variants = [p for p in figures if p.stem == stem]
                links = " ".join(f"<a href='figures/{_e(v.name)}'>{_e(v.suffix.lstrip('.'))}</a>" for v in variants)
                img = (
                    f"<a href='figures/{_e(stem)}.png'><img src='figures/{_e(stem)}.png' alt='{_e(_caption(stem))}'></a>"
                    if any(v.suffix == ".png" for v in variants)
                    else ""
                )
                parts.append(f"<figure>{img}<figcaption>{_e(_caption(stem))} — {links}</figcaption></figure>")
            parts.append("</div>")
    else:
        parts.append("<p>No figures yet.</p>")
    # tables, grouped by notebook
    parts.append("<h2 id='tables'>Tables</h2>")
    tab_dir = out / "tables"
    tables = (
        sorted(p for p in tab_dir.rglob("*") if p.is_file() and not p.name.startswith(".")) if tab_dir.is_dir() else []
    )
    if tables:
        writer = {f: name for name, e in nbs.items() for f in e.get("outputs", [])}
        groups: dict[str, list[Path]] = {}
        for p in tables:
            groups.setdefault(writer.get(p.relative_to(out).as_posix(), "other"), []).append(p)
        parts.append("<p class='muted'>CSV files (UTF-8, sorted rows); open them in a spreadsheet or pandas.</p>")
        for group in sorted(groups):
            described = [p for p in groups[group] if p.name in TABLE_DESCRIPTIONS]
            others = [p for p in groups[group] if p.name not in TABLE_DESCRIPTIONS]
            parts.append(f"<p><b>{_e(group)}</b></p><ul>")
            parts.extend(
                f"<li><a href='{_e(p.relative_to(out).as_posix())}'>{_e(p.relative_to(tab_dir).as_posix())}</a>: "
                f"{_e(TABLE_DESCRIPTIONS[p.name])}</li>"
                for p in described
            )
            if others:
                rest = ", ".join(
                    f"<a href='{_e(p.relative_to(out).as_posix())}'>{_e(p.relative_to(tab_dir).as_posix())}</a>"
                    for p in others
                )
                parts.append(f"<li class='muted'>also: {rest}</li>")
            parts.append("</ul>")
    else:
        parts.append("<p>No tables yet.</p>")
    # data sources
    parts.append("<h2 id='sources'>Data sources, attributions and licences</h2>")
    used: dict[str, list[str]] = {}
    for kind in ("notebooks", "profiles"):
        for name, e in manifest[kind].items():
            for s in e.get("sources", []):
                used.setdefault(s, []).append(name if kind == "notebooks" else "profiles")
    parts.append(
        "<p class='muted'>Every pinned raw file is listed in the manifest with its sha256. "
        "<span class='flag nc'>NON-COMMERCIAL</span> sources may not be used commercially; "
        "<span class='flag'>licence unclear</span> sources have no clear licence — check before reuse.</p>"
    )
    parts.append("<table><tr><th>source</th><th>citation</th><th>licence</th><th>files</th><th>used by</th></tr>")
    for folder, s in sorted(manifest["data_sources"].items()):
        flags = ""
        if s["non_commercial"]:
            flags += " <span class='flag nc'>NON-COMMERCIAL</span>"
        if s["licence_flag"]:
            flags += " <span class='flag'>licence unclear</span>"
        users = ", ".join(sorted(set(used.get(folder, [])))) or "—"
        parts.append(
            f"<tr><td><code>{_e(folder)}</code></td><td>{_e(s['citation'])}</td><td>{_e(s['licence'])}{flags}</td>"
            f"<td>{s['files']}</td><td>{_e(users)}</td></tr>"
        )
    parts.append("</table>")
    curated = sorted(manifest["inputs"]["data"])
    if curated:
        parts.append(
            "<details><summary class='muted'>Curated data compiled by this project (with per-row citations)</summary><p class='muted'>"
            + ", ".join(f"<code>data/{_e(c)}</code>" for c in curated)
            + "</p></details>"
        )
    build = manifest["build"]
    timings = ", ".join(f"{_e(n)} {_e(e.get('duration_s', ''))} s" for n, e in sorted(nbs.items()))
    parts.append(
        f"<h2 id='build'>Build</h2><p class='muted'>jobs {build['jobs']}; fast mode {_e(build.get('fast'))}; "
        f"notebook execution time in this build {build['duration_s']} s ({timings}); "
        + ", ".join(f"{_e(k)} {_e(v)}" for k, v in sorted(manifest["versions"].items()))
        + "</p>"
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)
