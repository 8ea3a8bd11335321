"""Code that runs inside the notebook kernels of a build (imported there, never in the builder).

:func:`start` runs once when a kernel starts: an audit hook that logs the files the notebook
writes under the build folder and the raw/curated files it reads (for the manifest and the
attributions; the log path and prefixes come from environment variables set by the build), and
a snapshot of the fresh kernel's state. :func:`reset` runs after each notebook in a reused
kernel and restores that state, so the next notebook starts as in a fresh kernel while the
imported modules and their caches stay loaded.
"""

from __future__ import annotations

import gc
import os
import sys
import types
import warnings


def _install_tracker() -> None:
    log = os.environ.get("SOVAI_BUILD_LOG")
    if not log:
        return
    out = os.environ.get("SOVAI_BUILD_OUT", "")
    reads = tuple(p for p in os.environ.get("SOVAI_BUILD_READS", "").split(os.pathsep) if p)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    from sovai import provenance

    def log_read(path: str) -> None:
        if path not in _READS_LOGGED:  # once per notebook (a cached result reports its reads on every hit)
            _READS_LOGGED.add(path)
            os.write(fd, b"R\t" + path.encode("utf-8", "replace") + b"\n")

    # reads go through sovai.provenance, which also reports them again when a cached result is reused
    provenance.install(log_read, reads)

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode = args[0], args[1]
            writing = mode is not None and ("w" in mode or "a" in mode or "x" in mode or "+" in mode)
        elif event == "os.rename":
            path, writing = args[1], True
        else:
            return
        if not isinstance(path, str):
            return
        if writing:
            if path.startswith(out):
                os.write(fd, b"W\t" + path.encode("utf-8", "replace") + b"\n")
        else:
            provenance.saw(path)

    sys.addaudithook(hook)


#: Input files already logged for the notebook now running (emptied by :func:`reset`).
_READS_LOGGED: set[str] = set()


def _snapshot() -> None:
    """Record the state a fresh kernel starts from (restored by :func:`reset`)."""
    import matplotlib
    import matplotlib.pyplot
    import numpy

    # load the backend now: importing the inline backend turns interactive mode on (IPython's
    # matplotlib integration), which is what shows a figure at the end of a cell. Snapshotting
    # before that would restore interactive=False after the first notebook, and later notebooks
    # in the warm kernel would show no figure that they do not display explicitly
    matplotlib.pyplot.switch_backend(matplotlib.get_backend())
    rc = dict(matplotlib.rcParams.copy())
    rc.pop("backend", None)
    sys.modules["_sovai_kernel_state"] = types.SimpleNamespace(
        rc=rc, filters=list(warnings.filters), cwd=os.getcwd(), numpy_print=numpy.get_printoptions()
    )
    # start-up objects live as long as the kernel: frozen, later collections do not scan them
    gc.freeze()


def start() -> None:
    """Kernel start-up: the file tracker and the fresh-state snapshot."""
    _install_tracker()
    _snapshot()


def reset(shell) -> None:
    """After a notebook, in a reused kernel: a clean namespace, no figures, the rcParams, warning
    filters, cwd, numpy print options and pandas options of a fresh kernel, empty warning
    registries (so a warning shows again in the next notebook), execution counts from 1.

    Imported modules and their caches are kept on purpose: they are what makes the next
    notebook start warm.
    """
    import matplotlib
    import matplotlib.pyplot

    matplotlib.pyplot.close("all")
    state = sys.modules.get("_sovai_kernel_state")
    if state is not None:
        matplotlib.rcParams._update_raw(state.rc)
        warnings.filters[:] = state.filters
        os.chdir(state.cwd)
        import numpy

        numpy.set_printoptions(**state.numpy_print)
    if "pandas" in sys.modules:  # display options (a notebook may set max_colwidth, say)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    getattr(warnings, "_filters_mutated", lambda: None)()
    # %reset -f, but with one garbage collection instead of three (each scans the whole heap of
    # imported modules; 0.5 s per notebook, measured); what survives is frozen, so the next
    # notebook's collections skip it
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    gc.collect()
    gc.freeze()
    shell.execution_count = 1
    _READS_LOGGED.clear()
