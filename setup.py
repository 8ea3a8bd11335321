"""Build hook: ship the curated data and the notebooks inside the wheel.

The repository keeps ``data/`` and ``notebooks/`` at its top level (that is where they are edited;
no second copy lives in git). When a wheel is built, they are copied into the built package as
``sovai/_data`` and ``sovai/_notebooks``, which :mod:`sovai.paths` reads through
``importlib.resources`` when sovai runs outside a checkout. Editable installs skip the copy: a
checkout reads its own ``data/`` and ``notebooks/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: repository folder -> folder inside the built package
SHIPPED = {"data": "_data", "notebooks": "_notebooks", "docs": "_docs"}
#: names never shipped (editor/Jupyter/OS leftovers); any part of a path matching one is skipped
IGNORED_NAMES = {".ipynb_checkpoints", "__pycache__", ".DS_Store", ".git"}
IGNORED_SUFFIXES = (".pyc", "~")


def shipped_files(root: Path = ROOT) -> list[tuple[Path, Path]]:
    """Every file the build copies: ``(source under root, target relative to the package)``, sorted.

    Raises
    ------
    FileNotFoundError
        ``root`` lacks ``data/`` or ``notebooks/`` (not a checkout or an sdist of one).
    """
    out = []
    for source, target in SHIPPED.items():
        src = root / source
        if not src.is_dir():
            raise FileNotFoundError(f"setup.py: {src} is missing; build from a checkout or an sdist")
        for path in sorted(src.rglob("*")):
            rel = path.relative_to(src)
            if not path.is_file() or IGNORED_NAMES & set(rel.parts) or path.name.endswith(IGNORED_SUFFIXES):
                continue
            out.append((path, Path(target) / rel))
    return out


class BuildWithData(build_py):
    """``build_py`` that also copies :func:`shipped_files` into ``<build_lib>/sovai/``."""

    def run(self) -> None:
        """Build the package, then copy the curated data and notebooks into it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        pkg = Path(self.build_lib) / "sovai"
        for target in SHIPPED.values():
            if (pkg / target).exists():
                shutil.rmtree(pkg / target)  # no stale file from an earlier build
        for src, rel in shipped_files():
            (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, pkg / rel)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """The package's outputs plus the copied data and notebooks."""
        extra = [] if getattr(self, "editable_mode", False) else shipped_files()
        pkg = Path(self.build_lib) / "sovai"
        return super().get_outputs(include_bytecode) + [str(pkg / rel) for _, rel in extra]


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import it for shipped_files
    setup(cmdclass={"build_py": BuildWithData})
