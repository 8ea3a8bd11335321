"""TOP500 lists and the 14-provider cloud-region list (real mirror files)."""

import pytest

from sovai.sources import cloud2026, top500


def test_top500_lists_are_complete_and_mapped():
    systems = top500.load_systems()
    assert systems.groupby("list").size().eq(500).all()
    assert systems["list"].nunique() == 13 and systems["iso3"].notna().all()
    latest = top500.country_totals()
    assert latest["list"].iloc[0] == "2026-06"
    assert latest["share_rmax_pct"].sum() == pytest.approx(100.0)
    assert latest.set_index("iso3").loc["USA", "systems"] == 161
    public = top500.country_totals(public_only=True)
    assert (public.set_index("iso3")["systems"] <= latest.set_index("iso3")["systems"].reindex(public["iso3"])).all()


def test_top500_unknown_list_is_a_clear_error():
    with pytest.raises(ValueError, match="TOP500 list '1999-06' is not pinned"):
        top500.country_totals(list_date="1999-06")


def test_top500_tidy_has_june_lists_only():
    tidy = top500.load()
    assert sorted(tidy["year"].unique()) == list(range(2020, 2027))
    assert set(tidy["indicator"]) == {"top500_systems", "top500_rmax_pflops", "top500_rmax_share_pct"}


def test_cloud2026_foreign_share():
    regions = cloud2026.load_regions()
    assert len(regions) == 267 and regions["provider"].nunique() == 14
    counts = cloud2026.country_counts().set_index("iso3")
    assert counts.loc["IND", "foreign_share_pct"] == 100.0  # only US providers have Indian regions here
    assert counts.loc["USA", "foreign_regions"] == (regions.query("iso3 == 'USA'")["provider_home_iso3"] != "USA").sum()
    assert "CHN" not in set(regions["provider_home_iso3"])  # the list has no Chinese provider
