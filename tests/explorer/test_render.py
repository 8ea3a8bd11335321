"""The rankings explorer page (:mod:`sovai.explorer.render`): safe and self-contained."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from sovai.explorer import render_explorer, write_explorer
from tests.explorer.support import _layers


def _payload(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_and_carries_the_views():
    views = {"scale": _layers(), "intensity": _layers()[::-1] * 0.5}
    page = render_explorer(views, names={"AAA": "Aland"}, weights={"a": 2}, world_map=None)
    parser = _Tags()
    parser.feed(page)
    assert not [a for _t, a in parser.tags if "src" in a or "href" in a]  # nothing loaded from anywhere
    assert "@import" not in page and "url(" not in page
    data = _payload(page)
    assert data["view_order"] == ["scale", "intensity"]
    assert data["views"]["intensity"]["countries"] == ["AAA", "BBB", "CCC", "DDD"]  # sorted
    assert data["views"]["intensity"]["scores"][0] == [40.0, 5.0, 15.0]
    assert data["views"]["scale"]["scores"][3] == [None, 40.0, None]
    assert data["weights"] == [2.0, 1.0, 1.0]
    assert "innerHTML" not in page and "insertAdjacentHTML" not in page and "document.write" not in page
    with pytest.raises(ValueError, match=r"views\['intensity'\]: layers"):
        render_explorer({"scale": _layers(), "intensity": _layers()[["b", "a", "c"]]}, world_map=None)


def test_hostile_names_are_not_live_markup(tmp_path):
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    frame = _layers().rename(index={"AAA": evil})
    page = render_explorer(
        frame,
        names={"BBB": evil},
        layer_labels={"a": "</script><b>x</b>"},
        title=evil,
        notes="</script><script>alert(3)</script>",
        meta={"source": evil},
        world_map=None,
    )
    parser = _Tags()
    parser.feed(page)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 2 and scripts[0] == {"type": "application/json", "id": "explorer-data"}
    assert not [t for t, _a in parser.tags if t in ("img", "b")]
    assert not [a for _t, a in parser.tags for k in a if k.startswith("on")]
    data = _payload(page)  # the data block holds the names as data, intact
    assert data["names"]["BBB"] == evil and evil in data["views"]["scores"]["countries"]
    assert data["notes"].startswith("</script>") and data["title"] == evil
    path = write_explorer(tmp_path / "x" / "explorer.html", frame, world_map=None)
    assert path.read_text(encoding="utf-8") == render_explorer(frame, world_map=None)
