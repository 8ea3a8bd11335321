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
