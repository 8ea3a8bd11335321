"""Build orchestration: execute the report notebooks with papermill into a folder, cached, in
parallel warm kernels, and write the site (notebook pages, index, manifest).

Modules: :mod:`~sovai.build.fingerprints` (hashes of the package, the data, versions),
:mod:`~sovai.build.notebooks` (discovery, the parameters cell and its schema, dependencies),
:mod:`~sovai.build.planning` (jobs and parameter layering), :mod:`~sovai.build.kernels` (kernel
spec, papermill engine, :class:`~sovai.build.kernels.KernelPool`),
:mod:`~sovai.build.kernel_side` (what runs inside the kernels), :mod:`~sovai.build.progress`,
:mod:`~sovai.build.builder` (the cache and the run; :func:`build`, :func:`profile`) and
:mod:`sovai.build.site` (HTML export, index, manifest, reference pages).
"""

from __future__ import annotations

from sovai.build.builder import Builder, build, check_data_available, profile

__all__ = ["Builder", "build", "check_data_available", "profile"]
