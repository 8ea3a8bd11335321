"""Maintainer tool: (re)generate ``sovai/registry.toml`` from a local mirror.

The URLs, licences and citations come from each folder's ``SOURCE.md`` (transcribed below);
sha256 and size are computed from the mirror files. Run::

    python tools/build_registry.py ../shared/data/raw > sovai/registry.toml
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

GH = "https://raw.githubusercontent.com"
GIRAI = "ecc3897976c5367a2e68c046de15744c942b3921"
GHIG = "8faec9d72c7ec505480197d6dd580e6739fe2a96"

# folder -> (url template with {file}, licence, citation, non_commercial, licence_flag)
FOLDERS: dict[str, dict] = {
    "cloud_regions": dict(
        urls={
            "regions__telegeography_cim.cue": f"{GH}/agonza05/cloudregioncodes/fc98afb9d3f139b9e9cc69965f06fb1302cf9bbd/data/data/regions.cue",
            "dgl_{p}_regions.csv": f"{GH}/dgl/cloud-regions/69868bfe4e11002846873a28ae5d9f958ff6e583/{{p}}/data.csv",
        },
        licence="TeleGeography feed: unknown (flag); dgl/cloud-regions: ODbL 1.0",
        citation="TeleGeography Cloud Infrastructure Map (Jan 2025), via agonza05/cloudregioncodes; dgl/cloud-regions",
        flag=True,
    ),
    "country_codes": dict(
        url=f"{GH}/datasets/country-codes/caa72d1e0e5af8876c170bb36a9e4d64a01bba88/data/{{file}}",
        licence="PDDL 1.0",
        citation="datasets/country-codes (ISO 3166, UNSD M49, CLDR, GeoNames), datahub.io/core/country-codes",
    ),
    "cset_owid_ai_publications": dict(
        urls={
            "ai_publications_cset_owid__ai-inputs-atlas.csv": f"{GH}/isabay777-dev/ai-inputs-atlas/fb54669489c708dc71eb7b75861faf97ed8cc375/data/ai_publications_cset_owid.csv",
            "annual-scholarly-publications-on-artificial-intelligence.csv": f"{GH}/ArishSayyed/Datavizproject/49941f69b5d415e4b85043286c5ecff28971bacd/data/annual-scholarly-publications-on-artificial-intelligence/annual-scholarly-publications-on-artificial-intelligence.csv",
            "annual-scholarly-publications-on-artificial-intelligence.metadata.json": f"{GH}/ArishSayyed/Datavizproject/49941f69b5d415e4b85043286c5ecff28971bacd/data/annual-scholarly-publications-on-artificial-intelligence/annual-scholarly-publications-on-artificial-intelligence.metadata.json",
        },
        licence="CC BY 4.0",
        citation="CSET Emerging Technology Observatory, Country Activity Tracker: AI, via Our World in Data",
    ),
    "epoch_ai_models": dict(
        url=f"{GH}/cnyke/cnyke.github.io/20889d55307b072051e060c2f4736aceebb7197d/dist/data/EpochAI/ai_models/{{file}}",
        licence="CC BY 4.0",
        citation="Epoch AI, 'Data on AI Models', epoch.ai/data/ai-models (Dec 2025)",
    ),
    "epoch_data_centers": dict(
        url=f"{GH}/cnyke/cnyke.github.io/20889d55307b072051e060c2f4736aceebb7197d/dist/data/EpochAI/data_centers/{{file}}",
        licence="CC BY 4.0",
        citation="Epoch AI, 'Frontier AI Data Centers', epoch.ai/data/data-centers (Nov 2025)",
    ),
    "epoch_gpu_clusters": dict(
        url=f"{GH}/cnyke/cnyke.github.io/20889d55307b072051e060c2f4736aceebb7197d/dist/data/EpochAI/gpu_clusters/{{file}}",
        licence="CC BY 4.0",
        citation="Epoch AI, 'Data on GPU Clusters', epoch.ai/data/gpu-clusters (Pilz et al. 2025)",
    ),
    "epoch_ml_hardware": dict(
        url=f"{GH}/cnyke/cnyke.github.io/20889d55307b072051e060c2f4736aceebb7197d/dist/data/EpochAI/ml_hardware/{{file}}",
        licence="CC BY 4.0",
        citation="Epoch AI, 'Machine Learning Hardware', epoch.ai/data/machine-learning-hardware",
    ),
    "eto_chip_explorer": dict(
        url=f"{GH}/georgetown-cset/eto-chip-explorer/46e010644c2399c812fd89c62cd6297e9cf58525/data/{{file}}",
        licence="CC BY-NC 4.0 (non-commercial)",
        citation="Emerging Technology Observatory (CSET), Advanced Semiconductor Supply Chain Dataset (Chip Explorer), eto.tech",
        non_commercial=True,
    ),
    "ixp_peeringdb_pch_he": dict(
        url=f"{GH}/robin-rpr/ixp-dataset/c90d2bccb6f1ede9f185ecbefcb244756de79721/data/{{file}}",
        licence="unknown / mixed (PeeringDB AUP, PCH, Hurricane Electric): research use only (flag)",
        citation="robin-rpr/ixp-dataset (merge of PeeringDB, PCH and Hurricane Electric), 2026-05-06",
        flag=True,
    ),
    "microsoft_ai_diffusion": dict(
        url=f"{GH}/microsoft/ai-diffusion-report/6952352787ff37dea114734ec45b5cf5c8103b60/data/{{file}}",
        licence="MIT",
        citation="Microsoft AI Economy Institute, AI Diffusion Report, Q1 2026 update (Misra et al. 2025)",
    ),
    "natural_earth": dict(
        url=f"{GH}/geree24/lego_world-map_maker/4b74a8ea9913af1bfebfa7724f39b3a20ff41859/{{file}}",
        licence="public domain",
        citation="Natural Earth, Admin-0 Countries v5.1.1, naturalearthdata.com",
    ),
    "oecd_ai_policy_initiatives": dict(
        url=f"{GH}/lsempe77/ai-governance-capacity/528f8c88725f2c762d73699efc51bb81007bf985/data/analysis/shared/{{file}}",
        licence="unknown (flag); OECD.AI metadata: attribution",
        citation="OECD.AI National AI Policies & Strategies, via lsempe77/ai-governance-capacity (2026-02)",
        flag=True,
    ),
    "owid_ai_index_2022": dict(
        url=f"{GH}/owid/notebooks/10907ed6e367ee8402fb3fffd96865a9d1715f1f/JuliaBroden/transformed/{{file}}",
        licence="unknown (flag); attribution required",
        citation="Stanford HAI AI Index 2022 public data, processed by Our World in Data",
        flag=True,
    ),
    "owid_electricity": dict(
        urls={
            "per-capita-electricity-generation.csv": f"{GH}/Ryuji-arch/3179-Assignment_2/a938440f0d295b4da8b977bdba5dcd902e1900fe/per-capita-electricity-generation.csv",
            "electricity-generation.csv": f"{GH}/Ryuji-arch/3179-Assignment_2/a938440f0d295b4da8b977bdba5dcd902e1900fe/electricity-generation.csv",
            "share-elec-by-source.csv": f"{GH}/rosieneville1/rosieneville1.github.io/3a27680646305c4f378498f6c6b24a4adf356c82/share-elec-by-source.csv",
        },
        licence="CC BY 4.0",
        citation="Ember and Energy Institute, processed by Our World in Data",
    ),
    "owid_internet_users": dict(
        url=f"{GH}/minh-phung/generalized-additive-model-and-life-expectancy/cc6325e1669e7162cf4d742dd07a5d6537364547/data/{{file}}",
        licence="CC BY 4.0",
        citation="ITU, via World Bank and Our World in Data",
    ),
    "owid_political_regime": dict(
        url=f"{GH}/minh-phung/generalized-additive-model-and-life-expectancy/cc6325e1669e7162cf4d742dd07a5d6537364547/data/{{file}}",
        licence="CC BY 4.0 (OWID); V-Dem CC BY-SA 4.0",
        citation="V-Dem Regimes of the World (Luhrmann et al. 2018), via Our World in Data",
    ),
    "telegeography_submarine_cables": dict(
        url=f"{GH}/Kadantte/www.submarinecablemap.com/0d684b2aedeae0f7473280270f3f71fa0983f0b3/web/public/{{file}}",
        licence="CC BY-NC-SA 3.0 (non-commercial, share-alike)",
        citation="TeleGeography, Submarine Cable Map (submarinecablemap.com), snapshot 2022-11-11",
        non_commercial=True,
        strip_prefix="",
    ),
    "un_m49": dict(
        urls={
            "UNSD-M49-en.csv": f"{GH}/datasets/country-codes/25c1991e72a75b8ce494822b50cc6154bdc61a25/tmp/UNSD-en.csv"
        },
        licence="UN terms (no explicit licence); free statistical use with attribution",
        citation="United Nations Statistics Division, Standard country or area codes for statistical use (M49)",
    ),
    "unga_ideal_points": dict(
        url=f"{GH}/lucasbuildsapps/Masterthesis/5298218d5b57e5b09223b124b25c03dc37ed646e/{{file}}",
        licence="unverified (Harvard Dataverse default CC0); cite the authors",
        citation="Bailey, Strezhnev & Voeten (2017), UN General Assembly ideal points, July 2025 release, doi:10.7910/DVN/LEJUQZ",
    ),
    "usgs_mcs2025_world": dict(
        url=f"{GH}/PJGriff26/materials-demand-model/aae6498ff690aaddc901ff322bc971d4bca61897/data/usgs_mcs_2025/world_data/{{file}}",
        licence="public domain (US Government)",
        citation="U.S. Geological Survey, Mineral Commodity Summaries 2025, World Data, doi:10.5066/P13XCP3R",
    ),
    "world_bank_class": dict(
        url=f"{GH}/AlvaroMillanRuiz/NLP_BDS/866607afe7fca1b13240a651b4e1332131e2dda9/{{file}}",
        licence="CC BY 4.0",
        citation="World Bank, Country and Lending Groups (CLASS.xlsx), FY2025",
    ),
    "cloud_regions_2026": dict(
        url=f"{GH}/jasonwilbur/mcp-server-cloud-regions/152e9e5548d63f9c7f2702933ec6190b3ba17bf9/data/{{file}}",
        licence="MIT (hand-maintained list; flag: not an official provider feed)",
        citation="jasonwilbur/mcp-server-cloud-regions, regions of 14 cloud providers (Jan 2026), from providers' region pages",
        flag=True,
    ),
    "eto_country_activity_tracker": dict(
        url=f"{GH}/carlosyv/tfp-ai-patent-latam/5b20f02fc22a9d18fe7d909f5b3ee331e971f392/data/cat-ai-patents-country-data/{{file}}",
        licence="unverified (reported CC BY 4.0 per ETO terms; investment from commercial sources) (flag)",
        citation="Emerging Technology Observatory (CSET), Country Activity Tracker: AI, cat.eto.tech, via carlosyv/tfp-ai-patent-latam",
        flag=True,
    ),
    "girai": dict(
        urls={
            "GIRAI_2024_dataset.xlsx": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/public/downloads/GIRAI_2024_dataset.xlsx",
            "GIRAI_2026_dataset.xlsx": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/public/downloads/GIRAI_2026_dataset.xlsx",
            "GIRAI_dataset_data_dictionary.xlsx": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/src/data/2026/GIRAI_dataset_data_dictionary.xlsx",
            "scoring_output.xlsx": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/src/data/2026/scoring_output.xlsx",
            "GIRAI_2026_ranking_and_scores.csv": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/public/data/2026/csv/ranking_and_scores.csv",
            "all_indicators.csv": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/public/data/2026/csv/all_indicators.csv",
            "all_indicators_long.csv": f"{GH}/dataphyte-africa/girai-global-index/{GIRAI}/public/data/2026/csv/all_indicators_long.csv",
        },
        licence="CC BY 4.0 (flag: CC BY-NC-SA also claimed elsewhere)",
        citation="Global Center on AI Governance, Global Index on Responsible AI, 2024 and 2026 editions (raw evidence), globalcenter.ai",
        flag=True,
    ),
    "github_innovation_graph": dict(
        urls={
            "distinct_dataset_counts_by_quarter_by_economy.csv": f"{GH}/github/innovationgraph/{GHIG}/representativeness_data/distinct_dataset_counts_by_quarter_by_economy.csv",
            "distinct_economy_counts_by_quarter_by_dataset.csv": f"{GH}/github/innovationgraph/{GHIG}/representativeness_data/distinct_economy_counts_by_quarter_by_dataset.csv",
            "datapackage.json": f"{GH}/github/innovationgraph/{GHIG}/datapackage.json",
            "datasheet.md": f"{GH}/github/innovationgraph/{GHIG}/docs/datasheet.md",
            "{p}.csv": f"{GH}/github/innovationgraph/{GHIG}/data/{{p}}.csv",
        },
        licence="CC0 1.0",
        citation="GitHub Innovation Graph, innovationgraph.github.com (2025 Q3 release)",
    ),
    "imf_weo_oct2025_gdp": dict(
        url=f"{GH}/setupelz/fair-shares/868b6b0ec7260a4676ba002d23570b5b992cfe12/data/gdp/imf-2025/{{file}}",
        licence="IMF copyright and usage terms (flag)",
        citation="International Monetary Fund, World Economic Outlook database, October 2025 (DataMapper NGDPD, PPPGDP)",
        flag=True,
    ),
    "itu_idi_gci_2024": dict(
        url=f"{GH}/khailapvuong/middle-powers-mpapi/583718f09e8a8a2bfd81b2bceec66e2df1324b54/data/raw/{{file}}",
        licence="ITU terms, not verified (flag)",
        citation="International Telecommunication Union, ICT Development Index 2024 and Global Cybersecurity Index 2020/2024",
        flag=True,
    ),
    "openalex_ai_works_2024": dict(
        url=f"{GH}/khailapvuong/middle-powers-mpapi/583718f09e8a8a2bfd81b2bceec66e2df1324b54/data/raw/{{file}}",
        licence="CC0",
        citation="OurResearch, OpenAlex works API: 2024 works tagged Artificial intelligence / Machine learning, by author country",
    ),
    "top500": dict(
        url=f"{GH}/trecakov/AcademicSystemsTOP500/3f9ca45bce44fd6d75efd1f1f3b501f59a96ccf9/TOP500lists/{{file}}",
        licence="no explicit licence; free use, cite TOP500.org (flag)",
        citation="TOP500.org, TOP500 supercomputer lists June 2020 - June 2026",
        flag=True,
    ),
    "un_egov_survey": dict(
        urls={
            "EGOV_DATA_2024.csv": f"{GH}/MaryliaCruzS/Estadistica1CienciaPolitica/a1f17e3a3090cf0ead465be6b16821efb5a63f5d/EGOV_DATA_2024.csv",
            "EGOV_DATA_2022.csv": f"{GH}/pluralitybook/plurality/86158859464aee75633acd854c656928121a7fd8/figs/data/egovernment/EGOV_DATA_2022.csv",
        },
        licence="UN terms, no explicit licence (flag)",
        citation="UN DESA, United Nations E-Government Survey 2022 and 2024, publicadministration.un.org/egovkb",
        flag=True,
    ),
    "un_wpp2024_population": dict(
        url=f"{GH}/setupelz/fair-shares/868b6b0ec7260a4676ba002d23570b5b992cfe12/data/population/un-owid-2025/{{file}}",
        licence="CC BY 3.0 IGO",
        citation="United Nations, World Population Prospects 2024, probabilistic projections of total population",
    ),
    "unctad_cyberlaw_tracker": dict(
        url=f"{GH}/unctad-infovis/2026-cyberlaw_tracker/df073bbca47da674714d2802a203040a0b417670/public/assets/data/{{file}}",
        licence="unclear: no data licence; UNCTAD terms, attribution (flag)",
        citation="UN Trade and Development (UNCTAD), Global Cyberlaw Tracker (2026)",
        flag=True,
    ),
    "wgi_2024": dict(
        url=f"{GH}/lmorgans/WGIdata/05f52f816a6c09473096edbf657aa310d5c30507/{{file}}",
        licence="CC BY 4.0",
        citation="Kaufmann & Kraay, Worldwide Governance Indicators, 2024 update, World Bank",
    ),
    "worldbank_gdp_ppp_bulk_2024": dict(
        url=f"{GH}/setupelz/fair-shares/868b6b0ec7260a4676ba002d23570b5b992cfe12/data/gdp/wdi-2025/{{file}}",
        licence="CC BY 4.0",
        citation="World Bank, World Development Indicators NY.GDP.MKTP.PP.CD, bulk CSV (2024-06-28)",
    ),
    "worldbank_gtmi": dict(
        url=f"{GH}/WB-PIDA-Data-Science-Shop/gtmiR/ebb90afcb04d600a79cb17ec20249e9ccdd9f5f0/data/{{file}}",
        licence="CC BY 4.0 (World Bank)",
        citation="World Bank, GovTech Dataset: GovTech Maturity Index 2020, 2022, 2025, via WB-PIDA-Data-Science-Shop/gtmiR",
    ),
    "worldbank_spi_2021": dict(
        urls={
            "SPI_index.csv": f"{GH}/chrongang/World-Bank-SPI/54d6ca771f7051de3f039de744cd1d8ad92ad4f2/SPI_index.csv",
            "index_description.csv": f"{GH}/chrongang/World-Bank-SPI/54d6ca771f7051de3f039de744cd1d8ad92ad4f2/index%20description.csv",
        },
        licence="CC BY 4.0",
        citation="World Bank, Statistical Performance Indicators (2021-era release), via chrongang/World-Bank-SPI",
    ),
    "worldbank_wdi": dict(
        url=f"{GH}/datasets/world-development-indicators/4ebec5a2273f531ba238a34dbe440394dc5a6c4b/indicators/{{lower}}/{{kind}}",
        licence="CC BY 4.0",
        citation="World Bank, World Development Indicators, via datasets/world-development-indicators (2026-07)",
    ),
}

ACCESSED = "2026-12-02"  # for files new to the registry; pinned files keep their recorded date
REGISTRY = Path(__file__).resolve().parents[1] / "sovai" / "registry.toml"


def _recorded_access_dates() -> dict[str, str]:
    """Access dates already recorded in ``sovai/registry.toml`` (kept when regenerating)."""
    import tomllib

    if not REGISTRY.exists():
        return {}
    with REGISTRY.open("rb") as fh:
        return {key: entry["accessed"] for key, entry in tomllib.load(fh).items()}


def url_for(folder: str, rel: str, meta: dict) -> str:
    """Return the immutable upstream URL for ``folder/rel``."""
    name = rel.split("/")[-1]
    if folder == "worldbank_wdi":
        code, _, rest = name.partition(".csv") if name.endswith(".csv") else name.partition(".datapackage.json")
        if name.endswith(".datapackage.json"):
            code = name[: -len(".datapackage.json")]
            return meta["url"].format(lower=code.lower(), kind="datapackage.json")
        code = name[: -len(".csv")]
        return meta["url"].format(lower=code.lower(), kind="data.csv")
    if "urls" in meta:
        if name in meta["urls"]:
            return meta["urls"][name]
        for pattern, template in meta["urls"].items():
            if "{p}" in pattern:
                prefix, suffix = pattern.split("{p}")
                if name.startswith(prefix) and name.endswith(suffix):
                    return template.format(p=name[len(prefix) : -len(suffix)])
        raise KeyError(f"no URL rule for {folder}/{rel}")
    return meta["url"].format(file=rel)


def main(mirror: Path) -> None:
    """Print the registry TOML for every data file in the mirror."""
    print("# Generated by tools/build_registry.py from the mirror's SOURCE.md files. Do not edit by hand.")
    print("# One entry per raw file: immutable URL, sha256, size, licence, citation, access date.\n")
    recorded = _recorded_access_dates()
    for folder in sorted(FOLDERS):
        meta = FOLDERS[folder]
        files = sorted(
            p for p in (mirror / folder).rglob("*") if p.is_file() and p.suffix != ".md" and p.name != "LICENSE"
        )
        for path in files:
            rel = path.relative_to(mirror / folder).as_posix()
            if (
                folder == "telegeography_submarine_cables"
                and rel.startswith("api/v3/cable/")
                and rel
                not in (
                    "api/v3/cable/all.json",
                    "api/v3/cable/cable-geo.json",
                )
            ):
                continue  # per-cable files are not used; country files carry the cable lists
            data = path.read_bytes()
            key = f"{folder}/{rel}"
            print(f'["{key}"]')
            print(f'url = "{url_for(folder, rel, meta)}"')
            print(f'sha256 = "{hashlib.sha256(data).hexdigest()}"')
            print(f"size = {len(data)}")
            print(f'licence = "{meta["licence"]}"')
            print(f'citation = "{meta["citation"]}"')
            print(f"non_commercial = {'true' if meta.get('non_commercial') else 'false'}")
            print(f"licence_flag = {'true' if meta.get('flag') else 'false'}")
            print(f'accessed = "{recorded.get(key, ACCESSED)}"\n')


if __name__ == "__main__":
    main(Path(sys.argv[1]))
