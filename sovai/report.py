"""Transitional alias of :mod:`sovai.build` (removed once every caller imports from there)."""

from sovai import paths  # noqa: F401
from sovai.build.builder import Builder, build, check_data_available, profile  # noqa: F401
from sovai.build.fingerprints import package_fingerprint  # noqa: F401
from sovai.build.kernels import KERNEL_RESET as _KERNEL_RESET  # noqa: F401
from sovai.build.kernels import new_kernel_manager  # noqa: F401
from sovai.build.notebooks import (  # noqa: F401
    PATH_PARAMETERS,
    PROFILE_STEM,
    check_parameters,
    describe_notebook,
    discover_notebooks,
    notebook_parameters,
    parameter_schema,
    read_notebook_json,
)
from sovai.build.planning import plan_notebooks as _plan  # noqa: F401
from sovai.build.progress import Progress  # noqa: F401
from sovai.build.site.exporter import export_html, external_resources, figures_not_displayed  # noqa: F401
from sovai.reports.cache import cached_result  # noqa: F401
