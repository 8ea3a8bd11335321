"""Real-browser check of the rankings explorer: headless Chromium opens the page from ``file://``;
no console error, no network request, the table reorders when a slider moves, the top 5 and the
shown scores equal :func:`sovai.explorer.aggregate` for two weight settings and both views,
search finds a country, headers sort, hostile names stay text. Screenshots go to a temporary
folder and, if ``SOVAI_SCREENSHOT_DIR`` is set, there too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sovai import explorer as E
from tests.browser_support import launch, off_machine, require_chromium, watch

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
LAYERS = ["minerals", "energy", "compute", "models"]
SCALE = pd.DataFrame(
    {
        "minerals": [90.0, 85.0, 20.0, 30.0, 10.0, 60.0, 70.0, 40.0, 55.0, 88.0],
        "energy": [80.0, 75.0, 50.0, 45.0, 40.0, 65.0, 35.0, np.nan, 52.0, 30.0],
        "compute": [95.0, 60.0, 70.0, 55.0, 65.0, 30.0, 20.0, 10.0, np.nan, 40.0],
        "models": [99.0, 70.0, 80.0, 60.0, 75.0, 20.0, 15.0, np.nan, 50.0, np.nan],
    },
    index=["USA", "CHN", "DEU", "FRA", "JPN", "BRA", "IND", "KEN", "NGA", "ZAF"],
)
INTENSITY = SCALE.assign(minerals=SCALE["minerals"][::-1].to_numpy(), models=100.0 - SCALE["models"])
NAMES = {"USA": "United States", "CHN": "China", "DEU": "Germany", "FRA": "France", "JPN": "Japan",
         "BRA": "Brazil", "IND": "India", "KEN": "Kenya", "NGA": EVIL, "ZAF": "South Africa"}  # fmt: skip
WEIGHTS = {"minerals": 1.0, "energy": 1.0, "compute": 2.0, "models": 1.0}
SHARE = 0.75  # 3 of 4 layers


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    chromium, sync_api = require_chromium()
    out = tmp_path_factory.mktemp("explorer")
    path = E.write_explorer(
        out / "explorer.html",
        {"scale": SCALE, "intensity": INTENSITY},
        weights=WEIGHTS,
        min_layers_share=SHARE,
        names=NAMES,
        notes=EVIL,
        meta={"source": EVIL},
        top_n=5,
        digits=2,
        world_map="110m",
    )
    with sync_api.sync_playwright() as p:
        browser = launch(p, chromium)
        watched = watch(browser, path, viewport={"width": 1280, "height": 1000})
        try:
            yield watched.page, watched.errors, watched.requests, out
        finally:
            browser.close()


def _table(page) -> list[tuple[str, str, str]]:
    """(rank, iso3, overall score) per row as shown."""
    return [tuple(r) for r in page.evaluate(
        "() => Array.from(document.querySelectorAll('#body tr')).map(tr => "
        "[tr.children[0].textContent, tr.children[2].textContent, tr.children[3].textContent])"
    )]  # fmt: skip


def _expected(frame: pd.DataFrame, weights: dict) -> list[tuple[str, str, str]]:
    score = E.aggregate(frame, weights, min_layers_share=SHARE)
    rank = E.rank(score)
    df = pd.DataFrame({"score": score, "rank": rank}).dropna().rename_axis("iso3").reset_index()
    df = df.sort_values(["rank", "iso3"], kind="mergesort")
    return [(str(int(r)), c, f"{s:.2f}") for c, s, r in zip(df["iso3"], df["score"], df["rank"])]


def _check_shown(page, frame, weights):
    shown = _table(page)
    want = _expected(frame, weights)
    ranked = [row for row in shown if row[0] != "\u2013"]
    assert [r[1] for r in ranked[:5]] == [r[1] for r in want[:5]]
    assert [r[0] for r in ranked] == [r[0] for r in want]
    for (_, c, s), (_, c2, s2) in zip(ranked, want):
        assert c == c2 and abs(float(s) - float(s2)) <= 0.0051, (c, s, s2)
    bars = page.evaluate("() => Array.from(document.querySelectorAll('#bars .bar')).map(b => b.dataset.iso3)")
    assert bars == [r[1] for r in want[:5]]
    return shown


def _set_slider(page, layer: str, value: str) -> None:
    page.evaluate(
        "([l, v]) => { const e = document.querySelector(`input[data-layer='${l}']`); e.value = v;"
        " e.dispatchEvent(new Event('input', {bubbles: true})); }",
        [layer, value],
    )


def _shots(page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / name), full_page=True)
    extra = os.environ.get("SOVAI_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / name, Path(extra) / name)


def test_explorer_in_a_real_browser(browser_page):
    page, errors, requests, out = browser_page
    assert page.evaluate("() => document.querySelectorAll('input[type=range]').length") == len(LAYERS)
    # 1. initial weights: the page equals Python
    first = _check_shown(page, SCALE, WEIGHTS)
    assert len(first) == len(SCALE)  # unranked countries are listed too (rank shown as a dash)
    _shots(page, out, "explorer-initial.png")
    # 2. move sliders: the table reorders and still equals Python
    _set_slider(page, "compute", "0")
    _set_slider(page, "minerals", "1.75")
    moved = {**WEIGHTS, "compute": 0.0, "minerals": 1.75}
    second = _check_shown(page, SCALE, moved)
    assert [r[1] for r in second] != [r[1] for r in first]
    # ZAF lacks models: 3 of 4 layers before; with compute at 0 it has 2 of the 3 weighted layers
    assert dict((c, r) for r, c, _ in first)["ZAF"] != "\u2013"
    assert dict((c, r) for r, c, _ in second)["ZAF"] == "\u2013"
    _shots(page, out, "explorer-moved.png")
    # 3. the other view, same weights
    page.select_option("#view", "intensity")
    _check_shown(page, INTENSITY, moved)
    page.click("#equal")
    _check_shown(page, INTENSITY, dict.fromkeys(LAYERS, 1.25))  # the mean of the nominal weights
    page.click("#reset")
    _check_shown(page, INTENSITY, WEIGHTS)
    # 4. search by name and by code
    page.fill("#search", "germ")
    want = dict((c, r) for r, c, _ in _expected(INTENSITY, WEIGHTS))
    res = page.evaluate("() => [document.getElementById('search-result').dataset.iso3,"
                        " document.getElementById('search-result').dataset.rank,"
                        " document.getElementById('search-result').textContent]")  # fmt: skip
    assert res[0] == "DEU" and res[1] == want["DEU"] and res[2].startswith("Germany (DEU): rank " + want["DEU"])
    assert page.evaluate("() => document.querySelector('#body tr.hit').dataset.iso3") == "DEU"
    page.fill("#search", "ken")
    assert "not ranked" in page.text_content("#search-result")  # KEN: 2 of 4 layers
    _shots(page, out, "explorer-search.png")
    page.fill("#search", "")
    # 5. sorting by clicking headers
    page.click("#head th[data-key=iso3]")
    assert [r[1] for r in _table(page)] == sorted(SCALE.index)
    page.click("#head th[data-key=iso3]")
    assert [r[1] for r in _table(page)] == sorted(SCALE.index, reverse=True)
    page.click("#head th[data-key=l1]")  # energy, highest first, missing last
    energy = page.evaluate(
        "() => Array.from(document.querySelectorAll('#body tr')).map(tr => tr.children[5].textContent)"
    )
    vals = [float(v) for v in energy if v != "\u2013"]
    assert vals == sorted(vals, reverse=True) and energy[-1] == "\u2013"
    # 6. the map: one path per Natural Earth country, hover titles with the value
    n_paths = page.evaluate("() => document.querySelectorAll('#map svg path').length")
    assert n_paths > 150
    title = page.evaluate("() => document.querySelector('#map path[data-iso3=DEU] title').textContent")
    assert title.startswith("Germany: ") and "rank" in title
    # 7. hostile names stayed text; nothing ran, nothing was fetched, no error
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('script').length") == 2
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert EVIL in page.text_content("#body")
    assert not errors, f"console errors: {errors}"
    network = off_machine(requests)
    assert not network and len(requests) == 1, requests  # the page itself only
