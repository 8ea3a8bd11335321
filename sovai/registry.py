"""Raw-file registry: where each pinned raw file lives, and how to get a verified copy.

Resolution order for :func:`fetch` (DESIGN.md §3):

1. the mirror folder named by ``SOVAI_DATA_MIRROR`` (or ``mirror=``): read **in place** after a
   sha256 check; nothing is ever written there;
2. the user cache (``SOVAI_CACHE_DIR`` or the platform cache folder);
3. a download of the pinned URL (pooch) into a temporary file, verified, then renamed into the
   cache. A download that fails verification is discarded, so the cache is never poisoned.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from sovai import paths
from sovai.errors import DataIntegrityError, MissingDataError
from sovai.provenance import cache


@dataclass(frozen=True)
class Entry:
    """One pinned raw file."""

    key: str
    url: str
    sha256: str
    size: int
    licence: str
    citation: str
    non_commercial: bool
    licence_flag: bool
    accessed: str

    @property
    def folder(self) -> str:
        """Source folder (the first path component of the key)."""
        return self.key.split("/", 1)[0]


@cache
def load_registry(path: Path = paths.REGISTRY_FILE) -> dict[str, Entry]:
    """Read ``registry.toml`` into ``{key: Entry}``.

    Parsing the 190 kB file takes 0.43 s in Python's ``tomllib``, paid by every process (each
    notebook kernel, test worker and CLI run; measured 2026-12-03), so the parsed entries are kept
    in ``SOVAI_CACHE_DIR/registry/`` under a hash of the file's bytes and of the entry's fields: any
    edit parses it again.
    """
    from sovai.atomic import stored_pickle

    data = Path(path).read_bytes()
    try:
        digest = hashlib.sha256(data + ",".join(f.name for f in fields(Entry)).encode()).hexdigest()[:20]
        stored: Path | None = paths.cache_dir() / "registry" / f"{digest}.pkl"
    except Exception:  # noqa: BLE001 - no usable cache folder: parse every time
        stored = None

    def parse() -> dict[str, Entry]:
        return {key: Entry(key=key, **spec) for key, spec in tomllib.loads(data.decode("utf-8")).items()}

    def valid(reg: object) -> bool:
        return isinstance(reg, dict) and all(isinstance(e, Entry) for e in reg.values())

    return stored_pickle(stored, parse, valid=valid)[0]


def inputs_digest(keys: Iterable[str] = (), files: Iterable[Path] = (), extra: str = "") -> str:
    """A short hash of computation inputs: raw files by their pinned sha256, project files by content.

    The key of sovai's disk caches (the derived codings layer, the validated codings): any re-pinned
    raw file, edited project file or code file (pass its path) gives a new key.
    """
    h = hashlib.sha256()
    for key in keys:
        h.update(f"{key}={entry(key).sha256}\n".encode())
    for f in files:
        h.update(f.name.encode() + b"\0" + Path(f).read_bytes())
    h.update(extra.encode())
    return h.hexdigest()[:20]


def entry(key: str) -> Entry:
    """Return the registry entry for ``key`` or raise ``KeyError`` listing near matches."""
    reg = load_registry()
    if key not in reg:
        folder = key.split("/", 1)[0]
        near = [k for k in reg if k.startswith(folder + "/")][:10]
        raise KeyError(f"{key!r} is not in the registry ({paths.REGISTRY_FILE}); entries in that folder: {near}")
    return reg[key]


_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """sha256 of a file, memoised on (path, size, mtime) so repeated checks are cheap."""
    st = path.stat()
    memo_key = (str(path), st.st_size, st.st_mtime_ns)
    if memo_key not in _HASH_MEMO:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _HASH_MEMO[memo_key] = h.hexdigest()
    return _HASH_MEMO[memo_key]


def _check(path: Path, ent: Entry, where: str) -> None:
    found = sha256_of(path)
    if found != ent.sha256:
        raise DataIntegrityError(
            f"sha256 mismatch for {ent.key} in the {where} ({path}): expected {ent.sha256}, found {found} "
            f"(size {path.stat().st_size} bytes, expected {ent.size}). The file is corrupted, truncated or a "
            "different version; it was not modified. "
            + (
                "Replace the mirror copy from the upstream URL."
                if where == "mirror"
                else f"Delete {path} and run `sovai data fetch`."
            )
        )


def _resolve_mirror(mirror: str | os.PathLike | None) -> Path | None:
    return Path(mirror).expanduser().resolve() if mirror is not None else paths.mirror_dir()


def locate(key: str, *, mirror: str | os.PathLike | None = None) -> Path | None:
    """Return a verified local copy of ``key`` (mirror, then cache) or ``None`` if there is none."""
    ent = entry(key)
    mirror_root = _resolve_mirror(mirror)
    if mirror_root is not None:
        candidate = mirror_root / key
        if candidate.is_file():
            _check(candidate, ent, "mirror")
            return candidate
    cached = paths.cache_dir() / key
    if cached.is_file():
        _check(cached, ent, "cache")
        return cached
    return None


def download(key: str) -> Path:
    """Download ``key`` into the cache, verifying its hash before it is moved into place."""
    import pooch

    ent = entry(key)
    target = paths.cache_dir() / key
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            pooch.HTTPDownloader(progressbar=False, timeout=60)(ent.url, str(tmp), None)
        except Exception as exc:  # network errors of many kinds
            raise MissingDataError(
                f"could not download {ent.key} from {ent.url}: {exc}. Offline? {paths.offline_help()}"
            ) from exc
        _check(tmp, ent, "download")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def fetch(key: str, *, mirror: str | os.PathLike | None = None, allow_download: bool | None = None) -> Path:
    """Return the path of a verified copy of raw file ``key``.

    Parameters
    ----------
    key
        Registry key, ``"<folder>/<file>"``, e.g. ``"worldbank_wdi/SP.POP.TOTL.csv"``.
    mirror
        Mirror folder; defaults to ``SOVAI_DATA_MIRROR``.
    allow_download
        Download when the file is neither in the mirror nor the cache. Defaults to true unless
        ``SOVAI_OFFLINE`` is set.

    Raises
    ------
    DataIntegrityError
        The mirror or cache copy does not match the pinned sha256.
    MissingDataError
        No local copy, and downloading is disabled or failed.
    """
    found = locate(key, mirror=mirror)
    if found is not None:
        return found
    if allow_download is None:
        allow_download = not paths.offline()
    if not allow_download:
        raise MissingDataError(
            f"raw file {key} is not in the mirror ({_resolve_mirror(mirror) or 'none set'}) nor the cache "
            f"({paths.cache_dir()}) and downloads are off (SOVAI_OFFLINE). {paths.offline_help()}"
        )
    return download(key)


def keys(folder: str | None = None) -> list[str]:
    """Registry keys, optionally only those of one source folder."""
    return sorted(k for k in load_registry() if folder is None or k.startswith(folder + "/"))


def verify(*, mirror: str | os.PathLike | None = None) -> list[str]:
    """Check every registered file present in the mirror and cache; return the problems found.

    Missing files are reported too (a mirror is expected to be complete).
    """
    problems: list[str] = []
    mirror_root = _resolve_mirror(mirror)
    for key in keys():
        try:
            if locate(key, mirror=mirror_root) is None:
                problems.append(f"{key}: missing (not in mirror {mirror_root} nor cache {paths.cache_dir()})")
        except DataIntegrityError as exc:
            problems.append(str(exc))
    return problems


def attribution(folder: str) -> dict[str, object]:
    """Licence, citation and flags of one source folder, for figure and table captions."""
    ents = [load_registry()[k] for k in keys(folder)]
    if not ents:
        raise KeyError(f"unknown source folder {folder!r}")
    e = ents[0]
    return {
        "source": folder,
        "citation": e.citation,
        "licence": e.licence,
        "non_commercial": e.non_commercial,
        "licence_flag": e.licence_flag,
    }


def source_line(*folders: str) -> str:
    """One-line 'Source: …; licence …' caption for the given source folders."""
    parts = []
    for f in folders:
        a = attribution(f)
        nc = " — non-commercial use only" if a["non_commercial"] else ""
        parts.append(f"{a['citation']} ({a['licence']}{nc})")
    return "Source: " + "; ".join(parts)
