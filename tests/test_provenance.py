"""sovai.provenance: the input files of cached results are reported on every reuse."""

from __future__ import annotations

import pytest

from sovai import provenance


@pytest.fixture
def sink(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(provenance, "_frames", [])
    provenance.install(seen.append, ["/mirror/", "/data/"])
    yield seen
    provenance.uninstall()


def test_a_cache_hit_reports_the_reads_of_the_computation(sink):
    calls = []

    @provenance.cache
    def load(name: str) -> str:
        calls.append(name)
        provenance.saw(f"/mirror/{name}/file.csv")
        provenance.saw("/usr/lib/python3/os.py")  # not an input file: never reported
        return name.upper()

    assert load("wdi") == "WDI"
    assert load("wdi") == "WDI"
    assert calls == ["wdi"]  # computed once
    assert sink == ["/mirror/wdi/file.csv"] * 3  # read, then reported again (miss and hit)
    assert load.cache_info().hits == 1
    load.cache_clear()
    assert load.cache_info().currsize == 0


def test_nested_caches_pass_reads_to_the_outer_result(sink):
    @provenance.cache
    def inner() -> int:
        provenance.saw("/data/a.csv")
        return 1

    @provenance.lru_cache(maxsize=4)
    def outer() -> int:
        provenance.saw("/mirror/b/b.csv")
        return inner() + 1

    inner()  # cached before outer is computed: outer's computation sees it only as a hit
    assert outer() == 2
    sink.clear()
    assert outer() == 2
    assert sorted(set(sink)) == ["/data/a.csv", "/mirror/b/b.csv"]


def test_equal_capture_frames_are_closed_by_identity(sink):
    with provenance.capture() as first:
        with provenance.capture() as second:  # both empty: equal sets
            pass
        provenance.saw("/data/x")
    assert first == {"/data/x"} and second == set()
    assert provenance._frames == []


def test_outside_a_build_nothing_is_tracked():
    assert not provenance.tracking()

    @provenance.cache
    def f(x: int) -> int:
        provenance.saw("/mirror/x")
        return x * 2

    assert f(2) == 4 and f(2) == 4
    assert f.cache_info().hits == 1


def test_note_keys_reports_raw_files_where_they_are_read_from(tmp_path, monkeypatch):
    seen: list[str] = []
    (tmp_path / "girai").mkdir()
    (tmp_path / "girai" / "g.xlsx").write_bytes(b"x")
    monkeypatch.setenv("SOVAI_DATA_MIRROR", str(tmp_path))
    provenance.install(seen.append, [str(tmp_path)])
    try:
        provenance.note_keys(["girai/g.xlsx", "girai/absent.xlsx"])
    finally:
        provenance.uninstall()
    assert seen == [str(tmp_path / "girai" / "g.xlsx")]
