"""Kernels of a build: the kernel spec (always the running interpreter), the papermill engine
that reports cell progress and can keep a kernel warm, and :class:`KernelPool`, the warm kernel
of one build worker.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: Every job (report notebooks and country profiles) runs in one warm kernel per worker thread,
#: its namespace, figures, rcParams and warning registries reset between notebooks
#: (:func:`sovai.build.kernel_side.reset`). ``False``: a fresh kernel for every notebook, which
#: pays ~1 s of start-up and 2-3 s of imports (statsmodels alone 3.7 s) and re-reads the data;
#: sharing kernels was the largest of the cuts that took the cold build from 73 s to 31-37 s
#: (measured with benchmarks/bench_build.py, docs/architecture.md). The tables are
#: byte-identical either way (``tests/notebooks/test_smoke.py`` checks it).
REUSE_KERNELS = True
#: Kernel start-up timeout and per-cell timeout (seconds; ``None`` = no limit).
START_TIMEOUT = 120
CELL_TIMEOUT: int | None = None
#: Run by every kernel at start-up (see :mod:`sovai.build.kernel_side`).
KERNEL_STARTUP = (
    "import sovai.build.kernel_side as _sovai_kernel_side; _sovai_kernel_side.start(); del _sovai_kernel_side"
)
#: Run in a reused kernel after each notebook (the reset also clears the name it imports).
KERNEL_RESET = "import sovai.build.kernel_side as _sovai_kernel_side; _sovai_kernel_side.reset(get_ipython())"


def _kernel_argv() -> list[str]:
    return [
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--HistoryManager.enabled=False",
        "--IPKernelApp.exec_lines=" + json.dumps([KERNEL_STARTUP]),
    ]


@cache
def _kernel_spec_manager_class():
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from traitlets import Dict

    class VenvKernelSpecManager(KernelSpecManager):
        """Kernel specs that always launch the running interpreter (the project's venv)."""

        kernel_env = Dict()

        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: D102
            return KernelSpec(
                argv=_kernel_argv(),
                display_name="Python 3 (sovai)",
                language="python",
                env=dict(self.kernel_env),
                metadata={"debugger": False},
            )

    return VenvKernelSpecManager


def new_kernel_manager(env: dict[str, str] | None = None):
    """An (unstarted) kernel manager for the running interpreter, with extra environment ``env``."""
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(
        kernel_name="python3", kernel_spec_manager=_kernel_spec_manager_class()(kernel_env=env or {})
    )


def skip_slow_optional_imports() -> None:
    """Keep ``rfc3987_syntax`` out of the build process (call before nbformat is imported).

    nbformat imports jsonschema, which imports the optional ``rfc3987_syntax`` when it is
    installed; that compiles a grammar at import (2.3 s on the reference machine). nbformat's
    schema has no IRI formats to check, so nothing is lost.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@cache
def papermill_engine():
    """Register (once) and return the papermill engine name that reports cell progress."""
    skip_slow_optional_imports()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class SovaiEngine(NBClientEngine):
        """nbclient engine with a cell-progress callback, a kernel cwd, and optional kernel reuse.

        ``kernel_manager`` is a kernel manager (started or not); with ``keep_kernel`` the kernel is
        left running after the notebook, its namespace reset (:data:`KERNEL_RESET`), so the next
        notebook in the same thread can reuse it (imports and module caches stay warm).
        """

        @classmethod
        def execute_managed_notebook(  # noqa: D102
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            on_cell: Callable[[int, int], None] | None = None,
            kernel_cwd: str | None = None,
            kernel_manager=None,
            keep_kernel: bool = False,
            kernel_log: str | None = None,
            **kwargs,
        ):
            if on_cell is not None:
                original = nb_man.cell_start
                total = len(nb_man.nb.cells)

                def cell_start(cell, cell_index=None, **kw):
                    on_cell((cell_index or 0) + 1, total)
                    return original(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            client = PapermillNotebookClient(
                nb_man,
                km=kernel_manager if kernel_manager is not None else new_kernel_manager(),
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                resources={"metadata": {"path": kernel_cwd}} if kernel_cwd else {},
                shutdown_kernel="immediate",  # outputs are all in; no need to wait for a clean exit
            )
            client.owns_km = not keep_kernel  # owner: shut the kernel down when the notebook is done
            # the kernel process's own stderr (start-up warnings, C-level messages) goes to a log
            with open(kernel_log or os.devnull, "ab") as log:
                nb = client.execute(stdout=log, stderr=log)
            if keep_kernel:
                msg_id = client.kc.execute(KERNEL_RESET, silent=True, store_history=False)
                client.wait_for_reply(msg_id)
                client.kc.stop_channels()
            return nb

    papermill_engines.register("sovai", SovaiEngine)
    return "sovai"


@dataclass
class KernelSlot:
    """The kernel a job runs in, the log of files it touches and where this job's lines start."""

    km: Any
    files_log: Path
    kernel_log: Path
    warm: bool
    log_offset: int


class KernelPool:
    """The kernel of one build worker: kept warm between jobs (:data:`REUSE_KERNELS`), or a
    fresh one per job.

    ``env`` gives the kernel's extra environment for a files-log path (the build's audit-hook
    settings). A warm kernel's cwd is fixed when it starts, so a job in another folder gets a
    new kernel. Not thread-safe: one pool per worker thread.
    """

    def __init__(self, tmp_dir: Path, env: Callable[[Path], dict[str, str]], *, reuse: bool | None = None) -> None:
        self.tmp_dir = Path(tmp_dir)
        self.env = env
        self.reuse = REUSE_KERNELS if reuse is None else reuse
        self._slot: KernelSlot | None = None
        self._cwd: Path | None = None

    def acquire(self, cwd: Path, record_id: str, thread_name: str) -> KernelSlot:
        """The kernel for the next job (started lazily by papermill when not running yet)."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        if not self.reuse:
            files_log = self.tmp_dir / f"{record_id}.files.log"
            kernel_log = self.tmp_dir / f"{record_id}.kernel.log"
            files_log.unlink(missing_ok=True)
            kernel_log.unlink(missing_ok=True)
            return KernelSlot(new_kernel_manager(self.env(files_log)), files_log, kernel_log, False, 0)
        if self._cwd != cwd:
            self.close()
        if self._slot is None:
            stem = f"{thread_name}-{os.getpid()}"
            files_log = self.tmp_dir / f"{stem}.files.log"
            files_log.unlink(missing_ok=True)
            self._slot = KernelSlot(
                new_kernel_manager(self.env(files_log)), files_log, self.tmp_dir / f"{stem}.kernel.log", False, 0
            )
            self._cwd = cwd
        slot = self._slot
        slot.warm = bool(slot.km.has_kernel)
        slot.log_offset = slot.files_log.stat().st_size if slot.files_log.exists() else 0
        return slot

    def touched_files(self, slot: KernelSlot) -> list[str]:
        """The files-log lines (``W<TAB>path`` / ``R<TAB>path``) the job wrote since it started."""
        if not slot.files_log.exists():
            return []
        with open(slot.files_log, "rb") as fh:
            fh.seek(slot.log_offset)
            lines = fh.read().decode("utf-8", "replace").splitlines()
        if not self.reuse:
            slot.files_log.unlink(missing_ok=True)
        return lines

    def release(self, slot: KernelSlot, *, failed: bool) -> None:
        """After a job: a failed job's kernel is dropped (its state must not reach the next job);
        a one-job kernel's logs are removed."""
        if not self.reuse:
            slot.kernel_log.unlink(missing_ok=True)
            if failed:
                slot.files_log.unlink(missing_ok=True)
        elif failed:
            self.close()

    def close(self) -> None:
        """Shut the warm kernel down and remove its logs."""
        slot, self._slot, self._cwd = self._slot, None, None
        if slot is None:
            return
        slot.files_log.unlink(missing_ok=True)
        slot.kernel_log.unlink(missing_ok=True)
        if slot.km.has_kernel:
            from jupyter_core.utils import run_sync

            try:
                run_sync(slot.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - best effort: the process is gone or going
                pass
