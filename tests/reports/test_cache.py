"""sovai.reports.cache: results shared between the kernels of a build."""

from sovai.reports import cache


def test_cached_result_computes_once_per_inputs(tmp_path, monkeypatch):
    calls = []

    def compute(a, b=1):
        calls.append((a, b))
        return {"sum": a + b}

    monkeypatch.delenv("SOVAI_BUILD_CACHE", raising=False)
    assert cache.cached_result("x", compute, 1) == {"sum": 2}
    assert cache.cached_result("x", compute, 1) == {"sum": 2}
    assert len(calls) == 2  # outside a build: no caching
    monkeypatch.setenv("SOVAI_BUILD_CACHE", str(tmp_path))
    monkeypatch.setenv("SOVAI_BUILD_INPUTS_KEY", "k1")
    monkeypatch.setattr(cache, "_MEMO", {})
    assert cache.cached_result("x", compute, 1, b=2) == {"sum": 3}
    assert cache.cached_result("x", compute, 1, b=2) == {"sum": 3}  # memory
    monkeypatch.setattr(cache, "_MEMO", {})
    assert cache.cached_result("x", compute, 1, b=2) == {"sum": 3}  # pickle (a new kernel)
    assert len(calls) == 3
    monkeypatch.setenv("SOVAI_BUILD_INPUTS_KEY", "k2")  # inputs changed: computed again
    assert cache.cached_result("x", compute, 1, b=2) == {"sum": 3}
    assert len(calls) == 4


def test_a_reused_result_reports_the_files_its_computation_read(tmp_path, monkeypatch):
    """A kernel that takes a result from memory or from the pickle lists the same input files
    as the kernel that computed it (the notebook's sources in the manifest)."""
    from sovai import provenance

    data = tmp_path / "mirror" / "wdi" / "x.csv"
    data.parent.mkdir(parents=True)
    data.write_text("a\n1\n")
    seen: list[str] = []
    monkeypatch.setattr(provenance, "_frames", [])
    provenance.install(seen.append, [str(tmp_path / "mirror")])
    monkeypatch.setenv("SOVAI_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOVAI_BUILD_INPUTS_KEY", "k1")
    monkeypatch.setattr(cache, "_MEMO", {})

    def compute():
        provenance.saw(str(data))  # what the kernel's audit hook reports for an open()
        return data.read_text()

    try:
        assert cache.cached_result("read", compute) == "a\n1\n"
        assert seen == [str(data)]
        seen.clear()
        assert cache.cached_result("read", compute) == "a\n1\n"  # from memory
        assert seen == [str(data)]
        seen.clear()
        monkeypatch.setattr(cache, "_MEMO", {})
        assert cache.cached_result("read", compute) == "a\n1\n"  # from the pickle (another kernel)
        assert seen == [str(data)]
    finally:
        provenance.uninstall()
