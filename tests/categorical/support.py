"""Shared inputs of the sovai.categorical tests: a header, a URL, good rows and a file writer."""

from __future__ import annotations

from sovai import categorical as cat

HEADER = "iso3,variable,value,source_url,source_title,accessed,note\n"
URL = "https://example.org/src"


def write(tmp_path, text: str, name: str = "codes.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def good_rows() -> str:
    return (
        f"FRA,national_ai_strategy,true,{URL},t,2026-11-26,\n"
        f"FRA,national_ai_strategy_year,2018,{URL},t,2026-11-26,\n"
        f"FRA,public_compute,yes,{URL},t,2026-11-26,\n"
        f"Türkiye,national_llm,Y,{URL},t,2026-11-26,\n"
        f'"Korea, Rep.",ai_law,1,{URL},t,2026-11-26,\n'
        f"TCD,national_ai_strategy,no,{URL},t,2026-11-26,checked list\n"
        f"EUU,chip_programme,true,{URL},EU Chips Act,2026-11-26,\n"
    )


EV_HEADER = "iso3,variable,value,source_url,source_title,accessed,note,evidence\n"


def inst(**true):
    return {v: true.get(v, False) for v in cat.instrument_variables()}
