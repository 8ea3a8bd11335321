"""Every path the package uses, derived once, and the user's settings.

In a source checkout (``pip install -e .``) the project root is the folder holding
``pyproject.toml`` above this package, and the curated ``data/`` and ``notebooks/`` are the
repository's own. Installed from a wheel (``pip install sovai``), the same files ship inside the
package (``sovai/_data``, ``sovai/_notebooks``; see ``setup.py``) and are read from there, and the
project root, where ``reports/`` goes, is the current folder.

Settings (later wins): the user config file (:func:`config_file`, written by
``sovai config set KEY VALUE``) < environment variables < command-line options (``--mirror``,
``--out``). The command and the notebooks read the same settings, so a mirror set once with
``sovai config set data.mirror PATH`` is found by ``sovai build`` and by a notebook opened in
JupyterLab alike.

============================  ======================  ==============================================
config key                    environment variable    meaning
============================  ======================  ==============================================
``data.mirror``               ``SOVAI_DATA_MIRROR``   read-only local folder of the raw files
``data.cache``                ``SOVAI_CACHE_DIR``     download cache (default: platform cache dir)
``data.offline``              ``SOVAI_OFFLINE``       never download (``1``/``true``)
``build.out``                 ``SOVAI_REPORTS_DIR``   default build folder (default ``reports/``)
============================  ======================  ==============================================

``SOVAI_CONFIG`` names another config file (tests, several set-ups side by side).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


def _is_checkout(root: Path) -> bool:
    """True when ``root`` is a sovai source checkout (its own ``data/`` and ``pyproject.toml``)."""
    return (root / "pyproject.toml").is_file() and (root / "data" / "categorical" / "codebook.yaml").is_file()


def _packaged(name: str) -> Path:
    """A folder shipped inside the installed package (``sovai/_data``, ``sovai/_notebooks``)."""
    from importlib.resources import files

    return Path(str(files("sovai") / name))


#: True in a source checkout (``pip install -e .``): data and notebooks are the repository's own.
#: Installed from a wheel, the curated data and the notebooks are the copies shipped in the
#: package (read through ``importlib.resources``) and builds go to ``./reports``.
IN_CHECKOUT = _is_checkout(PACKAGE_DIR.parent)
PROJECT_ROOT = PACKAGE_DIR.parent if IN_CHECKOUT else Path.cwd()
DATA_DIR = PROJECT_ROOT / "data" if IN_CHECKOUT else _packaged("_data")
CATEGORICAL_DIR = DATA_DIR / "categorical"
COUNTRIES_DIR = DATA_DIR / "countries"
STACK_DIR = DATA_DIR / "stack"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks" if IN_CHECKOUT else _packaged("_notebooks")
#: The methods documentation (``docs/*.md``), rendered into the build's ``methods.html``.
DOCS_DIR = PROJECT_ROOT / "docs" if IN_CHECKOUT else _packaged("_docs")
REGISTRY_FILE = PACKAGE_DIR / "registry.toml"
#: Where interactive notebook runs write (a notebook's default ``output_dir``; git-ignored), so
#: that running a notebook in JupyterLab never overwrites the built report.
SCRATCH_DIR = PROJECT_ROOT / "reports" / "scratch"

#: Config keys: (environment variable, kind, description).
CONFIG_KEYS: dict[str, tuple[str, str, str]] = {
    "data.mirror": ("SOVAI_DATA_MIRROR", "path", "read-only local folder of the raw files"),
    "data.cache": ("SOVAI_CACHE_DIR", "path", "download cache (default: the platform cache folder)"),
    "data.offline": ("SOVAI_OFFLINE", "bool", "never download raw files (true/false)"),
    "build.out": ("SOVAI_REPORTS_DIR", "path", "default build folder (default: reports/ of the checkout)"),
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def config_file() -> Path:
    """The user config file: ``SOVAI_CONFIG`` or ``<platform config dir>/sovai/config.toml``."""
    env = os.environ.get("SOVAI_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("sovai")) / "config.toml"


_CONFIG_MEMO: dict[tuple, dict[str, Any]] = {}


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The settings of the config file as ``{"data.mirror": ..., ...}`` (``{}`` when there is none).

    Raises
    ------
    ValueError
        The file is not valid TOML or holds an unknown key (naming the file and the key).
    """
    import tomllib

    path = Path(path) if path is not None else config_file()
    try:
        st = path.stat()
    except OSError:
        return {}
    memo_key = (str(path), st.st_mtime_ns, st.st_size)
    if memo_key in _CONFIG_MEMO:
        return dict(_CONFIG_MEMO[memo_key])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: not a valid sovai config file ({exc})") from exc
    flat: dict[str, Any] = {}
    for section, values in raw.items():
        if not isinstance(values, dict):
            raise ValueError(
                f"{path}: {section!r} must be a table such as [data]; known keys: {', '.join(CONFIG_KEYS)}"
            )
        for name, value in values.items():
            key = f"{section}.{name}"
            if key not in CONFIG_KEYS:
                raise ValueError(f"{path}: unknown key {key!r}; known keys: {', '.join(CONFIG_KEYS)}")
            flat[key] = value
    _CONFIG_MEMO.clear()
    _CONFIG_MEMO[memo_key] = flat
    return dict(flat)


def _parse_value(key: str, value: Any) -> Any:
    kind = CONFIG_KEYS[key][1]
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"config key {key!r}: expected true or false, got {value!r}")
    return str(Path(str(value)).expanduser().resolve())


def set_config(key: str, value: Any | None, path: Path | None = None) -> Path:
    """Set (or, with ``value=None``, remove) one key of the config file; returns the file.

    Paths are stored absolute. The file is written atomically.
    """
    from sovai.atomic import atomic_write_text

    if key not in CONFIG_KEYS:
        import difflib

        close = difflib.get_close_matches(key, list(CONFIG_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown config key {key!r}{hint}; known keys: {', '.join(CONFIG_KEYS)}")
    path = Path(path) if path is not None else config_file()
    current = read_config(path)
    if value is None:
        current.pop(key, None)
    else:
        current[key] = _parse_value(key, value)
    sections: dict[str, dict[str, Any]] = {}
    for k in sorted(current):
        section, name = k.split(".", 1)
        sections.setdefault(section, {})[name] = current[k]
    lines = ["# sovai settings (sovai config set KEY VALUE); environment variables override them"]
    for section, values in sections.items():
        lines.append(f"\n[{section}]")
        for name, v in values.items():
            lines.append(f"{name} = {'true' if v is True else 'false' if v is False else _toml_string(str(v))}")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def setting(key: str) -> tuple[Any, str]:
    """The effective value of a config key and where it comes from (``"environment"``,
    ``"config file"`` or ``"default"``); the value is ``None`` when unset."""
    env_name, kind, _ = CONFIG_KEYS[key]
    env = os.environ.get(env_name)
    if env is not None and (env != "" or kind == "bool"):
        return (_parse_value(key, env) if kind == "bool" else env), f"environment ({env_name})"
    cfg = read_config()
    if key in cfg:
        return cfg[key], f"config file ({config_file()})"
    return None, "default"


def reports_dir() -> Path:
    """Default output folder for builds (``SOVAI_REPORTS_DIR``, config ``build.out``, or ``<root>/reports``)."""
    value, _ = setting("build.out")
    return Path(value).expanduser() if value else PROJECT_ROOT / "reports"


def cache_dir() -> Path:
    """User download cache (``SOVAI_CACHE_DIR``, config ``data.cache``, or the platform cache folder)."""
    value, _ = setting("data.cache")
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sovai"))


def mirror_dir() -> Path | None:
    """Local read-only mirror of the raw files (``SOVAI_DATA_MIRROR`` or config ``data.mirror``), if set."""
    value, _ = setting("data.mirror")
    return Path(value).expanduser().resolve() if value else None


def offline() -> bool:
    """True when downloads are off (``SOVAI_OFFLINE`` set to anything but ``0``/``false``, or config ``data.offline``)."""
    env = os.environ.get("SOVAI_OFFLINE")
    if env is not None:
        return env.strip().lower() not in _FALSE
    return bool(read_config().get("data.offline", False))


def offline_help() -> str:
    """What to run when a raw file is missing locally (one sentence, used by every such error)."""
    return (
        "Point sovai at a folder holding the raw files once with `sovai config set data.mirror PATH` "
        "(or `export SOVAI_DATA_MIRROR=PATH`, or `--mirror PATH` on the command), "
        "or, when online, run `sovai data fetch` to download them into the cache."
    )


def output_dir(value: str | os.PathLike | None) -> Path:
    """A notebook's ``output_dir`` parameter as a path; empty or ``None`` means :data:`SCRATCH_DIR`."""
    return Path(value) if value not in (None, "") else SCRATCH_DIR
