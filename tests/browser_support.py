"""One way for the real-browser tests to find and start headless Chromium and watch a page.

:func:`require_chromium` skips the test when Chromium or the playwright package is missing;
:func:`watch` opens a page with listeners that collect console errors, page errors and every
requested URL, so each test asserts "no console error, no network request" the same way.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: URL schemes that never leave the machine.
LOCAL_SCHEMES = ("file", "data", "about", "blob")


def off_machine(urls) -> list[str]:
    """The URLs among ``urls`` that would leave the machine."""
    return [u for u in urls if urlparse(u).scheme not in LOCAL_SCHEMES]


def find_chromium() -> str | None:
    """``$SOVAI_CHROMIUM``, ``/usr/bin/chromium`` or ``chromium`` on the PATH, whichever exists first."""
    for candidate in (os.environ.get("SOVAI_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_chromium():
    """The Chromium path and ``playwright.sync_api``; skip the calling test if either is missing."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium found (/usr/bin/chromium or SOVAI_CHROMIUM): `apt-get install chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    return chromium, sync_api


def launch(playwright, chromium: str):
    """A headless Chromium browser started with :data:`CHROMIUM_ARGS`."""
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)


@dataclass
class WatchedPage:
    """A page and what it reported: console and page errors, and every URL it requested."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def network(self) -> list[str]:
        """Requested URLs that would leave the machine."""
        return off_machine(self.requests)


def watch(browser, path: Path, **page_options) -> WatchedPage:
    """Open ``path`` (``file://``) in a new page whose errors and requests are collected from the start."""
    page = browser.new_page(**page_options)
    watched = WatchedPage(page)
    page.on("console", lambda msg: watched.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    page.on("request", lambda req: watched.requests.append(req.url))
    page.goto(Path(path).as_uri(), wait_until="load")
    return watched
