"""The explorer's inputs: composite results → views of layer scores, layer labels, the world map.

This module holds :func:`views_from_results` (keyword arguments for
:func:`sovai.explorer.render_explorer` from one composite result per view: the published layer
scores, the nominal weights and the layer → overall settings, refusing results that differ or
that used ``geometric_rescale=True``), ``_layer_labels`` (layer names from
``data/stack/layers.csv``) and :func:`map_paths` (simplified Natural Earth outlines as SVG path
data per ISO3, numbers written by ``_num``). It computes no overall score
(:mod:`sovai.explorer.formula`) and writes no HTML (:mod:`sovai.explorer.render`).
"""

from __future__ import annotations

from collections.abc import Mapping


def views_from_results(results: Mapping[str, object]) -> dict:
    """Keyword arguments for :func:`render_explorer` from composite results, one per view.

    ``results`` maps a view label (e.g. ``"scale"``, ``"intensity"``) to a
    :class:`sovai.composite.CompositeResult`. Returns ``views`` (the published layer scores),
    ``weights`` (the nominal layer weights of the first result), ``aggregation`` (layer →
    overall), ``min_layers_share`` and ``layer_labels`` (names from ``data/stack/layers.csv``).

    Raises
    ------
    ValueError
        No result, results with different layers or settings, or ``geometric_rescale=True``
        with a geometric overall step (not reproducible from the published scores).
    """
    if not results:
        raise ValueError("parameter 'results': at least one composite result is needed")
    settings = {}
    views = {}
    for label, res in results.items():
        cfg = res.config
        agg = cfg.get("aggregation_overall") or cfg["aggregation"]
        if agg == "geometric" and cfg.get("geometric_rescale"):
            raise ValueError(
                f"results[{label!r}]: geometric_rescale=True rescales layer scores over the run's countries "
                "before the geometric step; the explorer cannot reproduce it from the published scores"
            )
        key = (tuple(cfg["layers"]), agg, float(cfg["min_layers_share"]))
        settings[label] = (key, dict(cfg["nominal_layer_weights"]))
        views[str(label)] = res.layer_scores[list(cfg["layers"])]
    first_label = next(iter(settings))
    (layers, agg, share), w = settings[first_label]
    for label, (key, w2) in settings.items():
        if key != (layers, agg, share) or w2 != w:
            raise ValueError(
                f"results[{label!r}]: layers, aggregation, min_layers_share or nominal layer weights differ from "
                f"results[{first_label!r}]; the explorer shows views of one configuration"
            )
    return {
        "views": views,
        "weights": w,
        "aggregation": agg,
        "min_layers_share": share,
        "layer_labels": _layer_labels(list(layers)),
    }


def _layer_labels(layers: list[str]) -> dict[str, str]:
    try:
        from sovai.framework import load_layers

        names = load_layers().set_index("id")["name"]
    except Exception:  # noqa: BLE001 - no stack table (toy layers): the ids are the labels
        return {lay: lay for lay in layers}
    return {lay: str(names.get(lay, lay)) for lay in layers}


def map_paths(scale: str = "110m", *, tolerance: float = 0.25, decimals: int = 1) -> dict[str, str]:
    """SVG path data (``d``) per ISO3 from Natural Earth, equirectangular (x = lon, y = −lat).

    Geometries are simplified (``tolerance`` degrees, topology-preserving) and rounded to
    ``decimals``; Antarctica is left out. Sorted by ISO3.
    """
    from sovai.sources.natural_earth import load_countries

    world = load_countries(scale)
    world = world[world["iso3"].notna() & (world["iso3"] != "ATA")]
    out: dict[str, str] = {}
    for iso3, geom in zip(world["iso3"], world.geometry):
        if geom is None or geom.is_empty:
            continue
        geom = geom.simplify(tolerance, preserve_topology=True)
        polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        parts = []
        for poly in polys:
            coords = [(round(x, decimals), round(-y, decimals)) for x, y in poly.exterior.coords]
            dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
            if len(dedup) < 4:
                continue
            parts.append("M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in dedup[:-1]) + "Z")
        if parts:
            out[str(iso3)] = "".join(parts)
    return dict(sorted(out.items()))


def _num(v: float) -> str:
    s = f"{v:g}"
    return "0" if s == "-0" else s
