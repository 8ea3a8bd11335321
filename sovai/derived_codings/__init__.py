"""The derived layer of the categorical codings: values produced in code, by documented rules, from
mirrored datasets that cover many countries systematically.

Each rule is a function of a tidy input frame (so tests can feed tiny inline frames) and returns
long-form coding rows::

    iso3, variable, value, source_url, source_title, accessed, note, evidence, rule, registry_key

with ``evidence = "derived"``, ``source_url`` the dataset publisher's page, ``source_title`` the
dataset's citation and its sovai registry key, ``accessed`` the registry's access date of the file
and ``note`` the rule and the row(s) of the dataset that fired it. The hand codings
(``data/categorical/codings/*.csv``) always win: :func:`sovai.categorical.load_categorical`
fills only the cells the hand codings leave missing, and :func:`conflicts` lists every cell where
both exist and differ.

Rules (codebook ``protocol`` per variable has the same text):

``girai2026_nap`` → ``national_ai_strategy``
    GIRAI 2026 (``gmc_cse``; 135 countries; evidence to 30 Sep 2025) codes, for every covered
    country, the national AI policy "or equivalent framework" as Adopted / Draft / No framework.
    true: Adopted, type Strategy or Policy, title names AI and a strategy / plan / policy /
    programme / roadmap / concept, and is not a law, bill, decree, guideline, ethics or
    regulation document, nor a policy on the government's own use of AI. true (draft): Draft with
    a strategy/policy title (the codebook codes drafts published for comment true). false: "No
    framework" (the dataset covers the country and would have listed a strategy). Anything else
    (laws, white papers, guidelines, AI-in-government policies) gives no derived value.
``girai2024_nap`` → ``national_ai_strategy``
    GIRAI 2024 thematic area "National AI Policy" (138 countries, data year 2023): true where a
    document with a strategy/policy title exists, used only for countries absent from the 2026
    edition; never false (a 2023 "no" is superseded by later adoptions).
``oecd_strategy`` → ``national_ai_strategy`` (+ year)
    OECD.AI policy database (via ``oecd_ai_policy_initiatives``): a ``Strategy`` document whose
    title names AI and a strategy / plan / policy / roadmap / programme (sub-national, sectoral,
    R&D-only, forthcoming, proposal, council / commission / institute entries excluded). Never
    false: the database holds what governments submit.
``national_ai_strategy_year``
    The GIRAI 2026 approval year of an adopted strategy, or the release year of a draft strategy
    (status Draft, type "Draft framework": a draft released for comment is a published strategy;
    ALB and LKA measured 2026-12-03, and where the hand codings also give a year for a draft, KHM
    and ZAF agree, KWT is one year earlier) (same title rule), leaving out documents
    marked as updates (2.0, refresh, second edition, phase) and documents dated 2024 or later for
    countries that already had a national AI policy document in GIRAI 2024 (the date is then of a
    successor). Only where ``national_ai_strategy`` is true after the merge. Measured against the
    hand-coded first years (2026-12-02): 83 % exact, 92 % within one year; OECD.AI entry years
    (69 % / 79 %) are not used.
``top500_public`` → ``public_compute``
    A TOP500 system (lists June 2020 - June 2026) in segment Government or Research in the
    country, weather / climate services, intergovernmental sites (ECMWF, EUMETSAT, CERN, ESA) and
    two company labs filed as Research (SiDi, CUBOX) excluded. Never false: TOP500 lists only 500 systems.
``epoch_public`` → ``public_compute``
    An existing Epoch AI GPU cluster with sector ``Public`` in the country. Never false.
``girai2026_ai_law`` → ``ai_law``
    A GIRAI 2026 framework (any AI-policy indicator, or the national policy) of type Law,
    enforceability Binding, whose title is an AI act or law (strategies, centres, annexes, bills
    and drafts excluded); for the 27 EU members, "EU AI Act" recorded as International Law
    (codebook EU rule). Never false: the rule reads titles, which cannot show that no binding
    AI-specific instrument exists (e.g. China's Interim Measures carry neither word), and GIRAI
    keeps at most two frameworks per indicator.
``girai2026_skills`` → ``talent_programme``
    A GIRAI 2026 government initiative under the indicators Reskilling and upskilling, AI
    Literacy or Public Sector Skills Development, of category Capacity Building (training,
    formal education) or Programmatic Implementation (operational programmes), whose name
    names AI and reads as a standing programme (programme, academy, scholarship, curriculum,
    course, training, platform...); events (workshops, forums, conferences, sessions), reports,
    guidelines, strategies, plans, partnerships and announcements excluded. Never false:
    GIRAI does not cover talent attraction (chairs, visas, scholarships).

UNCTAD's Global Cyberlaw Tracker (data-protection law status, 195 countries) is context for
``data_localisation``, not a coding of it: :func:`data_protection_context`.

Submodules (one job each; each imports only submodules listed above it):

* :mod:`sovai.derived_codings.rules` — the derived-row columns, publisher pages, EU members, the
  title patterns and every rule (pure functions of tidy frames).
* :mod:`sovai.derived_codings.layer` — the layer: input keys, the code files and the cache key,
  every rule on the mirrored data, :func:`combine`, and :func:`derived_codings` (disk cache and
  memo).
* :mod:`sovai.derived_codings.merge` — :func:`merge` into the hand codings and :func:`conflicts`.
* :mod:`sovai.derived_codings.context` — :func:`data_protection_context` (UNCTAD, context only).

Every name is re-exported here (``from sovai import derived_codings as dc; dc.merge(...)``).
"""

from __future__ import annotations

from sovai.derived_codings.context import data_protection_context
from sovai.derived_codings.layer import (
    cache_key,
    combine,
    derived_codings,
    input_keys,
    rule_frames,
)
from sovai.derived_codings.merge import conflicts, merge
from sovai.derived_codings.rules import (
    DERIVED_COLUMNS,
    EU27,
    PUBLISHERS,
    is_strategy_title,
    oecd_strategy_documents,
    rule_epoch_public,
    rule_girai2024_nap,
    rule_girai2026_ai_law,
    rule_girai2026_nap,
    rule_girai2026_skills,
    rule_oecd_strategy,
    rule_strategy_year,
    rule_top500_public,
    strategy_year_candidates,
)

__all__ = [
    "DERIVED_COLUMNS",
    "EU27",
    "PUBLISHERS",
    "cache_key",
    "combine",
    "conflicts",
    "data_protection_context",
    "derived_codings",
    "input_keys",
    "is_strategy_title",
    "merge",
    "oecd_strategy_documents",
    "rule_epoch_public",
    "rule_frames",
    "rule_girai2024_nap",
    "rule_girai2026_ai_law",
    "rule_girai2026_nap",
    "rule_girai2026_skills",
    "rule_oecd_strategy",
    "rule_strategy_year",
    "rule_top500_public",
    "strategy_year_candidates",
]
