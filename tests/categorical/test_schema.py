"""Tests for sovai.categorical.schema: the codebook is complete."""

from __future__ import annotations

from sovai import categorical as cat


def test_codebook_complete():
    book = cat.codebook()
    assert len(cat.instrument_variables()) == 8
    for name, spec in book["variables"].items():
        assert spec["sources_checked"], name
        assert "not found" in spec["false_means"] or spec["type"] == "year", name
    assert book["derived"]["stance"]["categories"] == cat.STANCE_CATEGORIES
