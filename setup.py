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
SHIPPED = {"data": "_data", "notebooks": "_notebooks"}
IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store")


class BuildWithData(build_py):
    """``build_py`` that also copies :data:`SHIPPED` into ``<build_lib>/sovai/``."""

    def run(self) -> None:
        """Build the package, then copy the curated data and notebooks into it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in SHIPPED.items():
            src = ROOT / source
            if not src.is_dir():
                raise FileNotFoundError(f"setup.py: {src} is missing; build from a checkout or an sdist")
            dst = Path(self.build_lib) / "sovai" / target
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=IGNORED)


setup(cmdclass={"build_py": BuildWithData})
