"""Real-browser check of the HTML report: headless Chromium opens the index, a notebook page and a
profile of a small fake build, and every image must load, every local link must exist, and there
must be no console error and no network request."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from sovai.build import builder
from tests.browser_support import launch, require_chromium, watch

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.build.test_builder import FIXED_PACKAGE, make_project

    chromium, _ = require_chromium()
    mp = pytest.MonkeyPatch()
    mp.setattr(builder, "package_fingerprint", lambda: dict(FIXED_PACKAGE))
    try:
        proj = make_project(tmp_path_factory.mktemp("site"), profile=True)
        code = builder.build(
            out=proj.out,
            notebooks_dir=proj.nb,
            params_dirs=[proj.params],
            data_dir=proj.data,
            profiles=["DEU"],
            jobs=2,
            quiet=True,
        )
    finally:
        mp.undo()
    assert code == 0
    return proj.out, chromium


def _check_page(browser, path: Path) -> dict:
    watched = watch(browser, path)
    page = watched.page
    images = page.evaluate(
        "() => Array.from(document.images).map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0}))"
    )
    links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    page.close()
    broken = [i["src"] for i in images if not i["ok"]]
    assert not broken, f"{path.name}: images that did not load: {broken}"
    missing = []
    for href in links:
        url = urlparse(href)
        if url.scheme == "file":
            target = Path(unquote(url.path))
            if not target.exists():
                missing.append(href)
    assert not missing, f"{path.name}: links to missing files: {missing}"
    assert not watched.errors, f"{path.name}: console errors: {watched.errors}"
    network = watched.network()
    assert not network, f"{path.name}: network requests: {network}"
    return {"images": len(images), "links": links}


def test_index_notebook_and_profile_render_offline(site):
    from playwright.sync_api import sync_playwright

    out, chromium = site
    with sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            index = _check_page(browser, out / "index.html")
            tables = _check_page(browser, out / "tables.html")  # the data dictionary, with downloads
            xlsx = {unquote(urlparse(h).path) for h in tables["links"] if h.endswith(".xlsx")}
            assert str(out / "tables" / "xlsx" / "alpha.xlsx") in xlsx
            # screenshots for review (not compared): the front page and the tables page
            shots = out / ".cache" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            for name in ("index", "tables"):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto((out / f"{name}.html").as_uri(), wait_until="load")
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                page.close()
                assert (shots / f"{name}.png").stat().st_size > 1000
            assert index["images"] >= 1  # the figure gallery (thumbnails of the PNGs)
            local = {unquote(urlparse(h).path) for h in index["links"] if h.startswith("file:")}
            for rel in ("html/01-alpha.html", "profiles/DEU.html", "tables/alpha.csv", "manifest.json"):
                assert str(out / rel) in local, rel
            for rel in ("html/01-alpha.html", "profiles/DEU.html"):
                page = _check_page(browser, out / rel)
                assert page["images"] >= 1
                assert str(out / "index.html") in {unquote(urlparse(h).path) for h in page["links"]}  # back link
            # the country search on the index filters the profile list
            page = browser.new_page()
            page.goto((out / "index.html").as_uri(), wait_until="load")
            page.fill("#country-filter", "zzz")
            hidden = page.evaluate(
                "() => Array.from(document.querySelectorAll('ul.profiles li')).map(li => li.style.display)"
            )
            page.fill("#country-filter", "deu")
            shown = page.evaluate(
                "() => Array.from(document.querySelectorAll('ul.profiles li')).map(li => li.style.display)"
            )
            page.close()
            assert hidden == ["none"] and shown == [""]
        finally:
            browser.close()
