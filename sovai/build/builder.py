"""The builder: run jobs (report notebooks and country profiles) into one output folder, with a
cache, in parallel warm kernels, and write the site.

``sovai build`` and ``sovai profile`` (DESIGN.md §6) call :func:`build` and :func:`profile`.

How a build works
-----------------
1. **Discover** the notebooks (``notebooks/NN-name.ipynb``; the country-profile notebook is a
   template that is run once per country, not as a report notebook) and read the literal defaults
   of each notebook's ``parameters`` cell (parsed with :mod:`ast`, no kernel needed).
2. **Resolve parameters**, later layers winning::

       notebook defaults < reports/params/<stem>.yaml < OUT/params/<stem>.yaml < -f FILE
                         < -p KEY VALUE < --fast

   ``-p``/``-f`` values apply to every selected notebook that declares that parameter (a key no
   notebook declares is a usage error); a ``-f`` file may also hold per-notebook sections
   (``{"02-rankings": {...}}``). ``output_dir`` is always the absolute build folder (for a
   profile ``OUT/profiles/ISO3``, and its ``reports_dir`` the build folder, whose rankings
   tables it reuses). Unknown keys in a parameter file are errors naming the file. Every value
   is checked against the notebook's parameter schema (:func:`sovai.build.notebooks.parameter_schema`: the kind of the
   literal default, choices and ranges listed in its comment) before any kernel starts; all
   problems are reported at once, one line each, with "did you mean" for near misses. Offline
   (``SOVAI_OFFLINE``), a build whose raw files are not all local stops here too, in one
   paragraph (:func:`check_data_available`).
3. **Order**: notebooks run in parallel (``--jobs``, default: number of cores), but a notebook
   waits for the notebooks it reads outputs from: the notebook's ``metadata.sovai.depends_on``
   list. Profiles run after the report notebooks they depend on.
4. **Cache**: a notebook is skipped when its cache key is unchanged and its outputs exist. The
   key hashes the notebook's cell sources, its resolved parameters, the package (version and the
   sha256 of every ``sovai/**/*.py`` and ``registry.toml``), the input data (pinned registry
   hashes and every file under ``data/``), the Python version and, per dependency, its key and
   the sha256 of the tables it wrote as they are now. Records live in
   ``OUTPUT_DIR/.cache/records/``; each stores the hash of every ingredient and of every output
   file, so a re-run says why (``[02-rankings] started (parameters changed)``), and an output
   changed outside the build (a notebook run by hand into the report folder) makes its notebook
   run again. Building some notebooks also plans the notebooks and profiles already built in
   ``OUT`` that depend on them (they run when the tables they read changed), so a folder never
   mixes a new ranking with maps of the old one; profiles record their settings and the index
   marks those built with other settings than the current ones.
5. **Execute**: ``--jobs`` worker threads each run one notebook at a time in a kernel of the
   running interpreter (``sys.executable``: the kernel is always the virtual environment's
   Python, whatever kernelspecs are installed), with cwd ``notebooks/``,
   into a temporary file; on success the executed notebook and its HTML are renamed into place,
   so a failing notebook keeps its last good output (the failed run and the kernel's stderr are
   kept under ``.cache/failures/``) and the build exits 1 naming notebook, cell and error.
   Each worker reuses one warm kernel for all its jobs (:data:`sovai.build.kernels.REUSE_KERNELS`): after each
   notebook the namespace is reset, figures closed, and rcParams, warning filters and cwd
   restored to the fresh kernel's, while imported modules and their caches stay loaded — later
   notebooks and profiles skip the imports and data loading (the tables and figures are
   byte-identical to fresh-kernel runs; the smoke test checks it). A kernel-side
   audit hook records which files each notebook wrote (figures, tables) and which raw files it
   read (for attribution in the index).
   The HTML is exported in-process (nbconvert's lab template without the require.js, MathJax and
   mermaid CDN scripts, inputs hidden, images embedded), so pages render offline.
6. **Site**: ``OUTPUT_DIR/index.html`` (notebooks, profiles, figure gallery, tables, parameters,
   timings, data attributions and licence flags) and ``OUTPUT_DIR/manifest.json`` (input hashes,
   parameters, package versions, git commit, timings, headline numbers) are rewritten from all
   records after every build, with sorted keys.

Layout of ``OUTPUT_DIR``::

    index.html  manifest.json
    notebooks/NN-name.ipynb   html/NN-name.html      executed report notebooks
    figures/  tables/                                written by the notebooks
    profiles/ISO3.html  profiles/ISO3.ipynb  profiles/ISO3/   country profiles
    .cache/records/  .cache/failures/  .cache/data/     cache records, failed runs, data cache

Notebooks may cache expensive intermediate results across runs and profiles with
:func:`sovai.reports.cache.cached_result` (a pickle keyed by the input hashes, under ``.cache/data/``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sovai import paths
from sovai.atomic import _umask, atomic_write_text
from sovai.build.fingerprints import digest, input_hashes, package_fingerprint, sha256_of
from sovai.build.kernels import CELL_TIMEOUT, START_TIMEOUT, KernelPool, papermill_engine, skip_slow_optional_imports
from sovai.build.notebooks import (
    PATH_PARAMETERS,
    PROFILE_STEM,
    describe_notebook,
    discover_notebooks,
    notebook_depends_on,
    read_notebook_json,
    resolve_notebook_arg,
)
from sovai.build.planning import (
    Job,
    common_settings,
    default_params_dirs,
    plan_notebooks,
    plan_profiles,
    unknown_country_message,
)
from sovai.build.progress import Progress
from sovai.build.site.exporter import export_html, figures_not_displayed
from sovai.build.site.index import render_index
from sovai.build.site.manifest import build_manifest
from sovai.build.site.pages import write_reference_pages
from sovai.build.site.tables import catalogue, group_by_notebook, render_tables_page
from sovai.errors import EXIT_FAILED, EXIT_OK  # the one exit-code table


class Builder:
    """Runs a set of jobs into one output folder; see the module docstring."""

    def __init__(
        self,
        out: Path,
        *,
        jobs: int | None = None,
        force: bool = False,
        data_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.out = Path(out).resolve()
        self.cache = self.out / ".cache"
        self.records_dir = self.cache / "records"
        self.failures_dir = self.cache / "failures"  # failure records, failed notebooks, kernel logs
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))
        self.force = force
        self.data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
        self.progress = progress or Progress()
        skip_slow_optional_imports()
        self.inputs = input_hashes(self.data_dir)
        self.package = package_fingerprint()
        self.inputs_key = digest([self.inputs, self.package])
        #: settings of the profiles this build considers current (see :meth:`profile_signature`)
        self.profile_reference: dict | None = None
        _umask()  # read the umask now, in the main thread, before worker threads write files

    # -- records -----------------------------------------------------------------------------

    def _record_path(self, record_id: str) -> Path:
        return self.records_dir / f"{record_id}.json"

    def read_record(self, record_id: str) -> dict | None:
        """The cache record of a job id (``notebook-02-rankings``, ``profile-DEU``), if any."""
        p = self._record_path(record_id)
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def _failure_path(self, record_id: str) -> Path:
        return self.failures_dir / f"{record_id}.json"

    # -- keys --------------------------------------------------------------------------------

    def resolve_countries(self, selection, *, parameter: str) -> list[str]:
        """:func:`sovai.countries.resolve_countries`, remembered in ``OUT/.cache/profiles.json``.

        Resolving needs pandas and the country tables (about 0.8 s); a rebuild with nothing
        changed reuses the answer. The key holds the selection and the build's inputs key (data
        hashes and package fingerprint), so an edited membership list or country table resolves
        afresh.
        """
        key = digest([selection, parameter, self.inputs_key])
        path = self.cache / "profiles.json"
        try:
            remembered = json.loads(path.read_text(encoding="utf-8"))
            if remembered.get(key):
                return list(remembered[key])
        except (OSError, ValueError, AttributeError):
            remembered = {}
        from sovai.countries import resolve_countries

        try:
            codes = resolve_countries(selection, parameter=parameter)
        except ValueError as exc:
            raise ValueError(unknown_country_message(selection, parameter) or str(exc)) from None
        remembered = dict(list(remembered.items())[-15:])  # a few selections, not every one ever made
        remembered[key] = codes
        atomic_write_text(path, json.dumps(remembered, indent=1, sort_keys=True) + "\n")
        return codes

    def key_parts(self, job: Job, dep_keys: dict[str, str | None]) -> dict[str, str]:
        """Hashes of each ingredient of the job's cache key (recorded, to explain a re-run)."""
        params = {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS}
        parts = {
            "notebook source": job.source_hash,
            "parameters": params,
            "package source": self.package,
            "input data": self.inputs,
            "dependencies": dep_keys,
            "python": sys.version.split()[0],
            "kind": job.kind,
        }
        return {k: digest(v) for k, v in parts.items()}

    def cache_key(self, job: Job, dep_keys: dict[str, str | None]) -> str:
        """The job's cache key (see the module docstring)."""
        return digest(self.key_parts(job, dep_keys))

    def _outputs_exist(self, rec: dict) -> bool:
        files = [rec.get("ipynb"), rec.get("html"), *rec.get("outputs", [])]
        return all(f and (self.out / f).exists() for f in files)

    # -- running -----------------------------------------------------------------------------

    def run(self, jobs: list[Job]) -> list[Job]:
        """Run ``jobs`` (respecting dependencies among them) and return them with their status.

        ``self.jobs`` worker threads each execute one notebook at a time, reusing one warm kernel
        per worker (see :data:`REUSE_KERNELS`).
        """
        import queue

        by_name = {j.name: j for j in jobs}
        # critical path first: jobs others wait for, then the longest (last duration; unknown = long)
        dependents: dict[str, int] = {j.name: 0 for j in jobs}
        for j in jobs:
            for d in j.depends_on:
                if d in dependents:
                    dependents[d] += 1
        for j in jobs:
            rec = self.read_record(j.record_id)
            duration = float(rec.get("duration_s", 0.0)) if rec else 1e3
            j.priority = dependents[j.name] * 1e4 + duration
        pending = dict(by_name)
        todo: queue.Queue = queue.Queue()
        finished: queue.Queue = queue.Queue()
        workers = [
            threading.Thread(target=self._worker, args=(todo, finished), name=f"sovai-build-{i}", daemon=True)
            for i in range(min(self.jobs, max(1, len(jobs))))
        ]
        for w in workers:
            w.start()
        in_flight = 0
        interrupted = False
        self.progress.total = len(jobs)
        try:
            while pending or in_flight:
                ready = []
                for j in list(pending.values()):
                    deps = [by_name[d] for d in j.depends_on if d in by_name and by_name[d] is not j]
                    bad = [d.name for d in deps if d.status in ("failed", "blocked")]
                    if bad:
                        j.status, j.error = "blocked", f"{j.name}: not run: dependency {', '.join(bad)} failed"
                        self.progress.event(j.name, f"SKIPPED ({j.error})", finished=True)
                        del pending[j.name]
                    elif all(d.status in ("ok", "cached") for d in deps):
                        ready.append(j)
                ready.sort(key=lambda j: (j.kind != "notebook", -j.priority, j.name))
                progressed = False
                for j in ready:
                    if in_flight >= len(workers):
                        break
                    del pending[j.name]
                    progressed = True
                    if not self._try_cache(j):
                        j.status = "running"
                        todo.put(j)
                        in_flight += 1
                if in_flight:
                    finished.get()
                    in_flight -= 1
                elif pending and not progressed and not ready:  # unsatisfiable dependencies
                    for j in pending.values():
                        j.status, j.error = "blocked", f"{j.name}: not run: dependency cycle among {sorted(pending)}"
                    pending.clear()
        except KeyboardInterrupt:
            # do not wait for running notebooks: their kernels exit with this process (ipykernel
            # polls its parent), and their last good outputs are untouched
            interrupted = True
            raise
        finally:
            for _ in workers:
                todo.put(None)
            if not interrupted:
                for w in workers:
                    w.join()
            self.progress.close()
        return jobs

    def _worker(self, todo, finished) -> None:
        """Worker thread: execute jobs from ``todo`` until ``None``; then stop its pooled kernel."""
        pool = KernelPool(self.cache / "tmp", self._kernel_env)
        try:
            while True:
                job = todo.get()
                if job is None:
                    break
                try:
                    self._execute(job, pool)
                except BaseException as exc:  # noqa: BLE001 - report and keep the build going
                    job.status, job.error = "failed", f"{job.name}: {type(exc).__name__}: {exc}"
                    self.progress.event(job.name, f"FAILED: {type(exc).__name__}: {exc}", finished=True)
                    pool.close()
                finally:
                    finished.put(job)
        finally:
            pool.close()

    def _dep_keys(self, job: Job) -> dict[str, str | None]:
        """Per dependency: its cache key and the hashes of the tables it wrote, as they are now.

        So a notebook re-runs when the tables it reads change, whether its dependency was rebuilt
        under other parameters or a table was overwritten outside the build.
        """
        keys: dict[str, str | None] = {}
        for d in job.depends_on:
            rec = self.read_record(f"notebook-{d}")
            if not rec:
                keys[d] = None
                continue
            tables = sorted(f for f in rec.get("outputs", []) if f.startswith("tables/"))
            hashes = {f: self._file_sha(f, rec.get("output_files", {}).get(f)) for f in tables}
            keys[d] = digest([rec.get("key"), hashes])
        return keys

    def _file_sha(self, rel: str, known: list | None = None) -> str | None:
        """sha256 of ``OUT/rel`` (``None`` if missing); ``known`` = recorded ``[size, mtime_ns, sha]``
        is trusted while size and modification time are unchanged."""
        path = self.out / rel
        try:
            st = path.stat()
        except OSError:
            return None
        if known and len(known) == 3 and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            return known[2]
        return sha256_of(path)

    def _fingerprints(self, files: Iterable[str]) -> dict[str, list]:
        out: dict[str, list] = {}
        for rel in sorted(files):
            path = self.out / rel
            try:
                st = path.stat()
            except OSError:
                continue
            out[rel] = [st.st_size, st.st_mtime_ns, sha256_of(path)]
        return out

    def built_profiles(self) -> list[str]:
        """ISO3 codes of the profiles that have a record in this folder (sorted)."""
        if not self.records_dir.is_dir():
            return []
        return sorted(p.stem.removeprefix("profile-") for p in self.records_dir.glob("profile-*.json"))

    def profile_signature(self, job_or_record: Job | dict) -> dict:
        """What makes profiles comparable: their parameters (without the country and paths) and
        the state of the tables they read (the dependency hashes of :meth:`_dep_keys`)."""
        if isinstance(job_or_record, Job):
            params, upstream = job_or_record.params, self._dep_keys(job_or_record)
        else:
            params, upstream = job_or_record.get("params", {}), job_or_record.get("upstream_keys")
        settings = {k: v for k, v in params.items() if k not in (*PATH_PARAMETERS, "iso3")}
        return {"settings": settings, "upstream": upstream}

    def changed_outputs(self, rec: dict) -> list[str]:
        """Outputs of a record whose content differs from what the build wrote (sorted)."""
        recorded = rec.get("output_files") or {}
        return sorted(rel for rel, known in recorded.items() if self._file_sha(rel, known) != known[2])

    def _try_cache(self, job: Job) -> bool:
        deps = self._dep_keys(job)
        job.key_parts = self.key_parts(job, deps)
        job.key = self.cache_key(job, deps)
        rec = self.read_record(job.record_id)
        changed = self.changed_outputs(rec) if rec and not self.force and rec.get("key") == job.key else []
        if not self.force and rec and rec.get("key") == job.key and self._outputs_exist(rec) and not changed:
            job.status, job.duration = "cached", float(rec.get("duration_s", 0.0))
            self._failure_path(job.record_id).unlink(missing_ok=True)
            self.progress.event(job.name, "up to date (cached)", finished=True)
            return True
        if self.force:
            job.reason = "--force"
        elif not rec:
            job.reason = "never built"
        elif rec.get("key") != job.key:
            old = rec.get("key_parts", {})
            parts = [k for k, v in job.key_parts.items() if old.get(k) != v]
            job.reason = ", ".join(parts) + " changed" if parts else "cache key changed"
        elif changed:
            shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
            job.reason = f"outputs changed outside the build: {shown}"
        else:
            job.reason = "outputs missing"
        return False

    def _kernel_env(self, log_path: Path) -> dict[str, str]:
        reads = [str(self.data_dir.resolve())]
        mirror = paths.mirror_dir()
        if mirror is not None:
            reads.append(str(mirror))
        reads.append(str(paths.cache_dir()))
        return {
            # figures show inline in the executed notebook (and its HTML) even when the build
            # itself runs with MPLBACKEND=Agg (tests, CI)
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONHASHSEED": "0",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "SOVAI_BUILD_CACHE": str(self.cache / "data"),
            "SOVAI_BUILD_INPUTS_KEY": self.inputs_key,
            "SOVAI_BUILD_LOG": str(log_path),
            "SOVAI_BUILD_OUT": str(self.out) + os.sep,
            "SOVAI_BUILD_READS": os.pathsep.join(reads),
        }

    def _execute(self, job: Job, pool: KernelPool) -> None:
        import nbformat
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        tmp_dir = self.cache / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp_nb = tmp_dir / f"{job.record_id}.ipynb"
        tmp_in = tmp_dir / f"{job.record_id}.input.ipynb"
        slot = pool.acquire(job.source.parent, job.record_id, threading.current_thread().name)
        Path(job.params["output_dir"]).mkdir(parents=True, exist_ok=True)
        job.warm_kernel = slot.warm
        self.progress.event(job.name, f"started ({job.reason}{'; warm kernel' if slot.warm else ''})")
        t0 = time.perf_counter()
        failed = True
        try:
            # inject the parameters here (they were checked against the notebook's literal
            # defaults already), so papermill does not re-parse the parameters cell
            source_nb = parameterize_notebook(
                load_notebook_node(str(job.source)), job.params, kernel_name="python3", language="python"
            )
            for cell in source_nb.cells:  # papermill gives the injected cell a random id: pages would differ
                if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                    cell["id"] = "injected-parameters"
            nbformat.write(source_nb, str(tmp_in))
            nb = pm.execute_notebook(
                str(tmp_in),
                str(tmp_nb),
                parameters=None,
                engine_name=papermill_engine(),
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,
                start_timeout=START_TIMEOUT,
                execution_timeout=CELL_TIMEOUT,
                on_cell=lambda i, n: self.progress.cell(job.name, i, n),
                kernel_cwd=str(job.source.parent),
                kernel_manager=slot.km,
                keep_kernel=pool.reuse,
                kernel_log=str(slot.kernel_log),
            )
            failed = False
        except PapermillExecutionError as exc:
            job.duration = time.perf_counter() - t0
            self.failures_dir.mkdir(parents=True, exist_ok=True)
            kept = self.failures_dir / f"{job.record_id}.ipynb"
            if tmp_nb.exists():
                os.replace(tmp_nb, kept)
            if slot.kernel_log.exists():
                shutil.copyfile(slot.kernel_log, self.failures_dir / f"{job.record_id}.kernel.log")
            first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
            job.status = "failed"
            job.error = (
                f"{job.name}: cell {exc.cell_index + 1} of the executed notebook (In [{exc.exec_count}]: "
                f"{first.strip()[:80]}) raised {exc.ename}: {str(exc.evalue)[:300]} — executed notebook kept at {kept}"
            )
            self._write_failure(job, exc.cell_index + 1, exc.ename, str(exc.evalue), kept)
            self.progress.event(
                job.name, f"FAILED at cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}", finished=True
            )
            return
        except Exception as exc:
            job.duration = time.perf_counter() - t0
            job.status, job.error = "failed", f"{job.name}: {type(exc).__name__}: {exc}"
            self._write_failure(job, None, type(exc).__name__, str(exc), None)
            self.progress.event(job.name, f"FAILED: {type(exc).__name__}: {exc}", finished=True)
            return
        finally:
            tmp_nb.unlink(missing_ok=True)
            tmp_in.unlink(missing_ok=True)
            lines = [] if failed else pool.touched_files(slot)
            pool.release(slot, failed=failed)  # a failed notebook's state must not reach the next one
        job.duration = time.perf_counter() - t0
        self._finish(job, nb, lines)
        job.status = "ok"
        self.progress.event(job.name, f"done in {job.duration:.1f} s", finished=True)

    def _write_failure(self, job: Job, cell: int | None, ename: str, evalue: str, kept: Path | None) -> None:
        payload = {
            "name": job.name,
            "kind": job.kind,
            "cell": cell,
            "ename": ename,
            "evalue": evalue[:2000],
            "failed_notebook": str(kept.relative_to(self.out)) if kept else None,
            "message": job.error,
        }
        atomic_write_text(self._failure_path(job.record_id), json.dumps(payload, indent=1, sort_keys=True) + "\n")

    def _finish(self, job: Job, nb, log_lines: list[str]) -> None:
        import nbformat

        from sovai.report_io import headlines_from_notebook

        headlines = headlines_from_notebook(nb)
        written, read = set(), set()
        for line in log_lines:
            tag, _, p = line.partition("\t")
            (written if tag == "W" else read).add(p)
        outputs = sorted(
            Path(p).relative_to(self.out).as_posix()
            for p in written
            if Path(p).exists() and not Path(p).name.startswith(".") and ".cache" not in Path(p).parts
        )
        sources = sorted(read_sources(read, self.data_dir))
        nb.metadata["sovai"] = {
            "headlines": headlines,
            "parameters": {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS},
            "cache_key": job.key,
        }
        nb.metadata.setdefault("papermill", {})["input_path"] = _display_path(job.source)
        nb.metadata["papermill"]["output_path"] = job.ipynb.relative_to(self.out).as_posix()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        # papermill stamps wall-clock times into the metadata; keep durations, drop dates
        nb.metadata.get("papermill", {}).pop("start_time", None)
        nb.metadata.get("papermill", {}).pop("end_time", None)
        for cell in nb.cells:
            pmeta = cell.get("metadata", {}).get("papermill", {})
            pmeta.pop("start_time", None)
            pmeta.pop("end_time", None)
        text = nbformat.writes(nb)
        title = job.name if job.kind == "notebook" else f"Country profile: {job.name}"
        t_html = time.perf_counter()
        page = export_html(nb, title)
        html_s = time.perf_counter() - t_html
        not_shown = figures_not_displayed(nb, [self.out / f for f in outputs], page)
        if not_shown:
            self.progress.event(job.name, f"WARNING: figure(s) saved but not shown in the page: {', '.join(not_shown)}")
        atomic_write_text(job.ipynb, text)
        atomic_write_text(job.html, page)
        if job.kind == "notebook":
            title, description = describe_notebook(job.source)
        else:
            title, description = profile_title(nb, job.name), ""
        record = {
            "name": job.name,
            "title": title,
            "description": description,
            "kind": job.kind,
            "key": job.key,
            "key_parts": job.key_parts,
            "reason": job.reason,
            "source": _display_path(job.source),
            "params": {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS},
            "depends_on": job.depends_on,
            "duration_s": round(job.duration, 3),
            "warm_kernel": job.warm_kernel,
            "timings": {
                "cells_s": round(
                    sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb.cells), 3
                ),
                "html_s": round(html_s, 3),
            },
            "headlines": headlines,
            "outputs": outputs,
            "output_files": self._fingerprints(outputs),
            "upstream_keys": self._dep_keys(job),
            "figures_not_displayed": not_shown,
            "sources": sources,
            "ipynb": job.ipynb.relative_to(self.out).as_posix(),
            "html": job.html.relative_to(self.out).as_posix(),
        }
        # outputs the notebook wrote last time but not now are stale: remove them (the gallery
        # would otherwise keep showing a figure no notebook makes any more)
        previous = self.read_record(job.record_id) or {}
        others = {
            f
            for r in self.all_records()[0]
            if (r.get("kind"), r.get("name")) != (job.kind, job.name)
            for f in r.get("outputs", [])
        }
        for stale in sorted(set(previous.get("outputs", [])) - set(outputs) - others):
            (self.out / stale).unlink(missing_ok=True)
        atomic_write_text(self._record_path(job.record_id), json.dumps(record, indent=1, sort_keys=True) + "\n")
        self._failure_path(job.record_id).unlink(missing_ok=True)

    # -- site --------------------------------------------------------------------------------

    def all_records(self) -> tuple[list[dict], list[dict]]:
        """Every record whose outputs still exist, and the standing failures."""
        recs = []
        if self.records_dir.is_dir():
            for p in sorted(self.records_dir.glob("*.json")):
                rec = self.read_record(p.stem)
                if rec and self._outputs_exist(rec):
                    recs.append(rec)
        fails = []
        if self.failures_dir.is_dir():
            for p in sorted(self.failures_dir.glob("*.json")):
                try:
                    fails.append(json.loads(p.read_text(encoding="utf-8")))
                except (OSError, json.JSONDecodeError):
                    continue
        return recs, fails

    def write_site(self, ran: list[Job], settings: dict[str, Any]) -> None:
        """Rewrite ``manifest.json`` and ``index.html`` from all records."""
        recs, fails = self.all_records()
        manifest = build_manifest(self, recs, fails, ran, settings)
        atomic_write_text(self.out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        write_reference_pages(self.out)  # methods.html, codebook.html (linked from the index)
        tables = group_by_notebook(catalogue(self.out), manifest)  # also writes the XLSX copies
        atomic_write_text(self.out / "tables.html", render_tables_page(tables))
        atomic_write_text(self.out / "index.html", render_index(self.out, manifest, tables))


def profile_title(nb, iso3: str) -> str:
    """The country name a profile shows in its first heading (``## Germany (DEU)``), or ``""``."""
    pattern = re.compile(r"^##\s+(.+?)\s+\(" + re.escape(iso3) + r"\)", re.MULTILINE)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            text = (out.get("data") or {}).get("text/markdown")
            if text:
                m = pattern.search("".join(text) if isinstance(text, list) else text)
                if m:
                    return m.group(1)
    return ""


def _display_path(p: Path) -> str:
    try:
        return p.resolve().relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(p)


#: sovai's own caches in the download folder: not sources (a hit reports the raw files it stands
#: for, see :func:`sovai.provenance.note_keys`).
OWN_CACHE_FOLDERS = frozenset({"parsed", "derived_codings", "validated_codings", "registry"})


def read_sources(read: Iterable[str], data_dir: Path) -> set[str]:
    """Registry folders (``worldbank_wdi``) and ``data/...`` files a notebook read."""
    out = set()
    roots = [r for r in (paths.mirror_dir(), paths.cache_dir()) if r is not None]
    for p in read:
        path = Path(p)
        for root in roots:
            try:
                rel = path.relative_to(root)
            except ValueError:
                continue
            if len(rel.parts) > 1 and rel.parts[0] not in OWN_CACHE_FOLDERS:
                out.add(rel.parts[0])
            break
        else:
            try:
                out.add("data/" + path.relative_to(data_dir.resolve()).as_posix())
            except ValueError:
                pass
    return out


def _summarise(jobs: list[Job], out: Path, stream=None) -> int:
    stream = stream or sys.stdout
    failed = [j for j in jobs if j.status in ("failed", "blocked")]
    counts = {s: sum(1 for j in jobs if j.status == s) for s in ("ok", "cached", "failed", "blocked")}
    print(
        f"sovai build: {counts['ok']} run, {counts['cached']} cached, {counts['failed']} failed, "
        f"{counts['blocked']} skipped -> {out / 'index.html'}",
        file=stream,
    )
    for j in failed:
        print(f"FAILED {j.kind} {j.error}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def build(
    notebooks: list[str] | None = None,
    params: dict | None = None,
    param_file: str | None = None,
    out: Path | None = None,
    jobs: int | None = None,
    fast: bool = False,
    force: bool = False,
    *,
    profiles: Iterable[str] | str | None = "G20",
    notebooks_dir: Path | None = None,
    params_dirs: list[Path] | None = None,
    data_dir: Path | None = None,
    quiet: bool = False,
) -> int:
    """Execute report notebooks (and, on a full build, the G20 country profiles) into ``out``.

    Parameters
    ----------
    notebooks
        Names (``02-rankings``), prefixes (``02``) or paths; ``None`` builds every notebook in
        ``notebooks_dir`` and then the country profiles of ``profiles``.
    params
        ``-p KEY VALUE`` parameters, applied to every selected notebook that declares them.
    param_file
        ``-f`` YAML file: global values and/or per-notebook sections.
    out
        Output folder (default :func:`sovai.paths.reports_dir`).
    jobs
        Notebooks run in parallel (default: number of cores).
    fast
        Run every notebook with ``fast=True`` (smoke mode).
    force
        Ignore the cache.
    profiles
        Countries (ISO3 codes or group names) profiled on a full build (``notebooks=None``) when
        the profile notebook exists; ``None`` or ``[]`` for none.
    notebooks_dir, params_dirs, data_dir
        Overrides for tests: the notebook folder, the folders of ``<stem>.yaml`` parameter files
        (default: ``reports/params`` and ``OUT/params``) and the curated-data folder hashed into
        the cache key.
    quiet
        No progress output.

    Returns
    -------
    int
        0 when every notebook succeeded (or was up to date), 1 when one failed, 2 on bad usage.
    """
    out = Path(out or paths.reports_dir()).resolve()
    nb_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    params_dirs = list(params_dirs) if params_dirs is not None else default_params_dirs(out)
    if notebooks:
        sources = [resolve_notebook_arg(a, nb_dir) for a in notebooks]
        sources = list(dict.fromkeys(sources))
    else:
        sources = discover_notebooks(nb_dir)
        if not sources:
            raise FileNotFoundError(f"no notebooks NN-name.ipynb found in {nb_dir}")
    template = nb_dir / f"{PROFILE_STEM}.ipynb"
    profile_jobs: list[Job] = []
    plan = plan_notebooks(
        sources, out=out, params=dict(params or {}), param_file=param_file, fast=fast, params_dirs=params_dirs
    )
    check_data_available()
    builder = Builder(out, jobs=jobs, force=force, data_dir=data_dir, progress=Progress(quiet=quiet))
    if notebooks:
        # notebooks already built in OUT that read what the selected ones write run too (when
        # their inputs changed), so the folder never mixes a new ranking with old maps
        extra_sources = built_dependents(sources, nb_dir, builder)
        if extra_sources:
            plan += plan_notebooks(
                extra_sources, out=out, params={}, param_file=None, fast=fast, params_dirs=params_dirs
            )
    if template.exists():
        if notebooks is None and profiles:
            iso3s = builder.resolve_countries(profiles, parameter="profiles")
        elif notebooks and set(notebook_depends_on(PROFILE_STEM, read_notebook_json(template))) & {
            j.name for j in plan
        }:
            iso3s = builder.built_profiles()
        else:
            iso3s = []
        if iso3s:
            profile_jobs = plan_profiles(
                iso3s, template=template, out=out, fast=fast, params_dirs=params_dirs, extra=common_settings(plan)
            )
    all_jobs = builder.run(plan + profile_jobs)
    if template.exists():  # the settings profiles would be built with now (to mark the others)
        try:
            reference = (
                profile_jobs[0]
                if profile_jobs
                else plan_profiles(
                    ["DEU"], template=template, out=out, fast=fast, params_dirs=params_dirs, extra=common_settings(plan)
                )[0]
            )
            builder.profile_reference = builder.profile_signature(reference)
        except ValueError:  # a broken profile template must not stop the report build
            builder.profile_reference = None
    builder.write_site(all_jobs, {"fast": fast, "force": force})
    return _summarise(all_jobs, out)


def built_dependents(sources: list[Path], nb_dir: Path, builder: Builder) -> list[Path]:
    """Report notebooks not in ``sources`` that depend (directly or not) on one of them and have
    been built in the builder's folder before."""
    selected = {p.stem for p in sources}
    others = {p.stem: p for p in discover_notebooks(nb_dir) if p.stem not in selected}
    deps = {stem: set(notebook_depends_on(stem, read_notebook_json(p))) for stem, p in others.items()}
    reach = set(selected)
    changed = True
    while changed:
        changed = False
        for stem, d in deps.items():
            if stem not in reach and d & reach:
                reach.add(stem)
                changed = True
    return [others[s] for s in sorted(reach - selected) if builder.read_record(f"notebook-{s}") is not None]


def check_data_available(keys: Iterable[str] | None = None) -> None:
    """Offline (``SOVAI_OFFLINE``/config ``data.offline``), fail early when raw files are not local.

    Checks that each pinned file exists in the mirror or the cache (no hashing: the notebooks
    verify what they read), so a build without data says so in one paragraph before any kernel
    starts, instead of every notebook failing with a traceback.

    Raises
    ------
    MissingDataError
        Naming how many files are missing, where sovai looked and what to run.
    """
    if not paths.offline():
        return
    from sovai.errors import MissingDataError
    from sovai.registry import load_registry

    keys = sorted(keys) if keys is not None else sorted(load_registry())
    mirror, cache = paths.mirror_dir(), paths.cache_dir()
    missing = [k for k in keys if not ((mirror is not None and (mirror / k).is_file()) or (cache / k).is_file())]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise MissingDataError(
            f"{len(missing)} of {len(keys)} pinned raw files are not available locally ({shown}); "
            f"looked in the mirror ({mirror or 'none set'}) and the cache ({cache}), and downloads are off "
            f"(SOVAI_OFFLINE). {paths.offline_help()}"
        )


def profile(
    iso3s: list[str],
    out: Path | None = None,
    jobs: int | None = None,
    fast: bool = False,
    *,
    notebook: Path | None = None,
    params_dirs: list[Path] | None = None,
    data_dir: Path | None = None,
    force: bool = False,
    quiet: bool = False,
) -> int:
    """Build country profiles ``OUT/profiles/ISO3.html`` (and the executed ``ISO3.ipynb``).

    Parameters
    ----------
    iso3s
        ISO3 codes, country names or group names (``G20``), resolved by
        :func:`sovai.countries.resolve_countries`.
    out, jobs, fast, force, quiet
        As for :func:`build`.
    notebook
        The profile template (default ``notebooks/07-country-profile.ipynb``).
    params_dirs, data_dir
        As for :func:`build`.

    Returns
    -------
    int
        0 ok, 1 when a profile failed.
    """
    out = Path(out or paths.reports_dir()).resolve()
    template = Path(notebook or paths.NOTEBOOKS_DIR / f"{PROFILE_STEM}.ipynb").resolve()
    if not template.exists():
        raise FileNotFoundError(f"profile notebook {template} not found")
    builder = Builder(out, jobs=jobs, force=force, data_dir=data_dir, progress=Progress(quiet=quiet))
    codes = builder.resolve_countries(list(iso3s), parameter="iso3")
    params_dirs = list(params_dirs) if params_dirs is not None else default_params_dirs(out)
    plan = plan_profiles(codes, template=template, out=out, fast=fast, params_dirs=params_dirs)
    check_data_available()
    done = builder.run(plan)
    builder.profile_reference = builder.profile_signature(plan[0]) if plan else None
    builder.write_site(done, {"fast": fast, "force": force})
    return _summarise(done, out)
