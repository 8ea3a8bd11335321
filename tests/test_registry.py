"""Registry: resolution order, hash checks, offline errors; the mirror is never written."""

import hashlib
import os
import stat

import pytest

from sovai import registry
from sovai.cli import main
from sovai.errors import DataIntegrityError, MissingDataError

GOOD = b"iso3,value\nUSA,1\n"


def _entry(key="demo/file.csv", data=GOOD):
    return registry.Entry(
        key=key,
        url="https://example.invalid/file.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        licence="CC0",
        citation="demo",
        non_commercial=False,
        licence_flag=False,
        accessed="2026-11-26",
    )


@pytest.fixture
def fake_registry(monkeypatch, tmp_path):
    ent = _entry()
    monkeypatch.setattr(registry, "load_registry", lambda *a, **k: {ent.key: ent})
    mirror = tmp_path / "mirror"
    cache = tmp_path / "cache"
    monkeypatch.setenv("SOVAI_CACHE_DIR", str(cache))
    monkeypatch.setenv("SOVAI_DATA_MIRROR", str(mirror))
    registry._HASH_MEMO.clear()
    return ent, mirror, cache


def _put(root, key, data, readonly=False):
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if readonly:
        path.chmod(stat.S_IRUSR)
        path.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return path


def test_mirror_is_read_in_place_even_read_only(fake_registry):
    ent, mirror, cache = fake_registry
    path = _put(mirror, ent.key, GOOD, readonly=True)
    try:
        assert registry.fetch(ent.key) == path
        assert not cache.exists()  # nothing copied or written
    finally:
        path.parent.chmod(0o755)


@pytest.mark.parametrize("bad", [b"iso3,value\nUSA,2\n", GOOD[:5]], ids=["corrupted", "truncated"])
def test_corrupted_or_truncated_mirror_file_names_file_and_hashes(fake_registry, bad):
    ent, mirror, _ = fake_registry
    path = _put(mirror, ent.key, bad)
    with pytest.raises(
        DataIntegrityError, match=rf"demo/file.csv.*expected {ent.sha256}, found {hashlib.sha256(bad).hexdigest()}"
    ):
        registry.fetch(ent.key)
    assert path.read_bytes() == bad  # raw data never modified


def test_cache_used_when_mirror_lacks_file(fake_registry):
    ent, _, cache = fake_registry
    path = _put(cache, ent.key, GOOD)
    assert registry.fetch(ent.key) == path


def test_bad_cache_file_is_reported_not_replaced(fake_registry):
    ent, _, cache = fake_registry
    path = _put(cache, ent.key, b"garbage")
    with pytest.raises(DataIntegrityError, match="in the cache"):
        registry.fetch(ent.key)
    assert path.read_bytes() == b"garbage"


def _fake_downloader(monkeypatch, content: bytes) -> None:
    """Replace pooch's HTTP downloader by one that 'downloads' ``content``."""
    import pooch

    class FakeDownloader:
        def __init__(self, **kwargs):
            pass

        def __call__(self, url, output_file, pooch_obj):
            with open(output_file, "wb") as fh:
                fh.write(content)

    monkeypatch.setattr(pooch, "HTTPDownloader", FakeDownloader)


def test_download_with_wrong_hash_does_not_poison_cache(fake_registry, monkeypatch):
    ent, _, cache = fake_registry
    _fake_downloader(monkeypatch, b"tampered content")
    with pytest.raises(DataIntegrityError, match="expected"):
        registry.fetch(ent.key, allow_download=True)
    assert not (cache / ent.key).exists()
    assert not any(p.name.startswith(".part-") for p in (cache / "demo").iterdir())


def test_download_success_lands_in_cache(fake_registry, monkeypatch):
    ent, _, cache = fake_registry
    _fake_downloader(monkeypatch, GOOD)
    path = registry.fetch(ent.key, allow_download=True)
    assert path == cache / ent.key and path.read_bytes() == GOOD


def test_missing_file_offline_says_how_to_fetch(fake_registry):
    ent, _, _ = fake_registry
    with pytest.raises(MissingDataError, match="sovai data fetch"):
        registry.fetch(ent.key, allow_download=False)


def test_download_failure_is_missing_data_error(fake_registry, monkeypatch):
    ent, _, _ = fake_registry
    import pooch

    class Failing:
        def __init__(self, **kwargs):
            pass

        def __call__(self, *a):
            raise ConnectionError("no network")

    monkeypatch.setattr(pooch, "HTTPDownloader", Failing)
    with pytest.raises(MissingDataError, match="SOVAI_DATA_MIRROR"):
        registry.fetch(ent.key, allow_download=True)


def test_verify_cli_reports_mismatch(fake_registry, capsys):
    ent, mirror, _ = fake_registry
    _put(mirror, ent.key, b"bad")
    assert main(["data", "verify"]) == 1
    err = capsys.readouterr().err
    assert "demo/file.csv" in err and ent.sha256 in err


def test_unknown_key_lists_folder_entries():
    with pytest.raises(KeyError, match="not in the registry"):
        registry.entry("worldbank_wdi/NOPE.csv")


# --- the real registry and mirror ---------------------------------------------------------------


def test_real_mirror_verifies():
    if not os.environ.get("SOVAI_DATA_MIRROR"):
        pytest.skip("SOVAI_DATA_MIRROR not set")
    registry._HASH_MEMO.clear()
    assert registry.verify() == []
    assert main(["data", "verify"]) == 0


def test_registry_entries_are_pinned_and_complete():
    reg = registry.load_registry()
    assert len(reg) >= 270
    for e in reg.values():
        assert e.url.startswith("https://"), e.key
        if "raw.githubusercontent.com" in e.url:
            commit = e.url.split("/")[5]
            assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit), e.key
        assert len(e.sha256) == 64 and e.size > 0 and e.licence and e.citation
    assert reg["eto_chip_explorer/provision.csv"].non_commercial
    assert reg["telegeography_submarine_cables/api/v3/cable/all.json"].non_commercial


def test_every_mirror_data_file_in_a_used_folder_is_registered():
    mirror = os.environ.get("SOVAI_DATA_MIRROR")
    if not mirror:
        pytest.skip("SOVAI_DATA_MIRROR not set")
    from pathlib import Path

    reg = registry.load_registry()
    root = Path(mirror)
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or path.suffix == ".md" or path.name == "LICENSE" or "/" not in rel:
            continue
        if rel.startswith("telegeography_submarine_cables/api/v3/cable/") and not rel.endswith(
            ("all.json", "cable-geo.json")
        ):
            continue  # per-cable files are deliberately not used (country files carry the lists)
        assert rel in reg, f"{rel} is in the mirror but not pinned"


def test_source_line_flags_non_commercial():
    line = registry.source_line("eto_chip_explorer", "worldbank_wdi")
    assert "non-commercial" in line and "World Development Indicators" in line


def test_data_list_cli(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "NON-COMMERCIAL" in out and "files pinned" in out


def test_bad_usage_exit_code_2():
    assert main(["data", "nonsense"]) == 2
    assert main([]) == 2


def test_parsed_registry_is_kept_on_disk_and_an_edit_parses_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOVAI_CACHE_DIR", str(tmp_path / "cache"))
    toml = tmp_path / "registry.toml"
    toml.write_text(
        '["demo/file.csv"]\nurl = "https://example.invalid/f"\nsha256 = "ab"\nsize = 1\nlicence = "CC0"\n'
        'citation = "demo"\nnon_commercial = false\nlicence_flag = false\naccessed = "2026-12-03"\n'
    )
    first = registry.load_registry.__wrapped__(toml)
    stored = list((tmp_path / "cache" / "registry").glob("*.pkl"))
    assert len(stored) == 1 and first["demo/file.csv"].sha256 == "ab"
    monkeypatch.setattr(registry.tomllib, "loads", lambda text: pytest.fail("parsed although stored"))
    assert registry.load_registry.__wrapped__(toml) == first
    monkeypatch.undo()
    monkeypatch.setenv("SOVAI_CACHE_DIR", str(tmp_path / "cache"))
    toml.write_text(toml.read_text().replace('"ab"', '"cd"'))  # an edit: a new key, parsed again
    assert registry.load_registry.__wrapped__(toml)["demo/file.csv"].sha256 == "cd"
    stored[0].write_bytes(b"not a pickle")  # an unreadable stored copy is parsed around, not trusted
    toml.write_text(toml.read_text().replace('"cd"', '"ab"'))
    assert registry.load_registry.__wrapped__(toml) == first
