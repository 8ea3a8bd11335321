"""Real-browser check of the HTML report: headless Chromium opens the index, a notebook page and a
profile of a small fake build, and every image must load, every local link must exist, and there
must be no console error and no network request."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from sovai.build import builder

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("SOVAI_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.build.test_builder import FIXED_PACKAGE, make_project

    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium found (/usr/bin/chromium or SOVAI_CHROMIUM): `apt-get install chromium`")
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
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
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri(), wait_until="load")
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
    assert not errors, f"{path.name}: console errors: {errors}"
    network = [u for u in requests if urlparse(u).scheme not in ("file", "data", "about", "blob")]
    assert not network, f"{path.name}: network requests: {network}"
    return {"images": len(images), "links": links}


def test_index_notebook_and_profile_render_offline(site):
    from playwright.sync_api import sync_playwright

    out, chromium = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
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
