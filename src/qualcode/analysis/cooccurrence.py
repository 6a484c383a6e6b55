"""Which codes occur together: pair counts, a code network, and its drawing.

Co-occurrence is counted between *coded units*: a unit is a segment, or a
hand-selected span (a coding without a segment). Several codings of the same code on
the same unit (e.g. by two coders) count once.

With ``unit="segment"`` two coded units are neighbours when they are in the same
document and

* both are segments whose ``segment_index`` differ by at most ``window``
  (``window=0``: the same segment), or
* one of them is a span, and their character offsets overlap (whatever the window).

A pair of codes (a, b) then co-occurs once for every pair of neighbouring coded
units, one carrying a and the other b. With ``unit="document"`` or
``unit="informant"`` the unit is the whole document (or everything an informant
said) and ``window`` is ignored.

Columns of :func:`cooccurrence`:

* ``code_a`` < ``code_b``: the two code ids;
* ``count``: the number of co-occurrences (for ``window=0`` the number of segments
  carrying both codes);
* ``jaccard``: the share of the units carrying a or b that take part in at least one
  co-occurrence of the pair. For ``window=0`` (and document/informant units) this is
  the classic |A ∩ B| / |A ∪ B|;
* ``segments``: sorted ids of the segments that take part (spans have no id and are
  not listed; for document/informant units, the segments of either code within the
  shared units).
"""

from __future__ import annotations

import io
import os
from collections.abc import Hashable
from typing import IO, Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from qualcode.analysis.filters import (
    code_names,
    ordered_codes,
    prepare_codings,
    unit_keys,
)
from qualcode.model import Codebook

COOCCURRENCE_COLUMNS: tuple[str, ...] = ("code_a", "code_b", "count", "jaccard", "segments")
Unit = Literal["segment", "document", "informant"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code_a": pd.Series([], dtype=object),
            "code_b": pd.Series([], dtype=object),
            "count": pd.Series([], dtype="int64"),
            "jaccard": pd.Series([], dtype="float64"),
            "segments": pd.Series([], dtype=object),
        }
    )


def cooccurrence(codings: pd.DataFrame, *, window: int = 0, unit: Unit = "segment") -> pd.DataFrame:
    """Pairs of codes that occur together (see the module docstring for the rule).

    Sorted by count (highest first), then code_a, code_b. Empty input, or codings
    that never meet, give an empty frame with the same columns.
    """
    if window < 0:
        raise ValueError("window must be 0 or more")
    if unit not in ("segment", "document", "informant"):
        raise ValueError(f"unit must be 'segment', 'document' or 'informant', not {unit!r}")
    frame = prepare_codings(codings)
    frame = frame.loc[frame["code_id"] != ""]
    if frame.empty:
        return _empty()
    if unit == "segment":
        result = _segment_cooccurrence(frame, window)
    else:
        result = _group_cooccurrence(frame, "document_id" if unit == "document" else "informant")
    if result.empty:
        return _empty()
    result = result.sort_values(
        ["count", "code_a", "code_b"], ascending=[False, True, True], kind="stable"
    )
    return result.reset_index(drop=True).loc[:, list(COOCCURRENCE_COLUMNS)]


def _segment_cooccurrence(frame: pd.DataFrame, window: int) -> pd.DataFrame:
    code_ints, labels = pd.factorize(frame["code_id"], sort=True)
    n_codes = len(labels)
    items = pd.DataFrame(
        {
            "document_id": frame["document_id"].to_numpy(),
            "segment_id": frame["segment_id"].fillna(-1).to_numpy(dtype="int64"),
            "segment_index": frame["segment_index"].to_numpy(),
            "start": frame["start"].to_numpy(),
            "end": frame["end"].to_numpy(),
            "code": code_ints.astype("int64"),
            "uid": unit_keys(frame).to_numpy(),
        }
    )
    items = items.drop_duplicates(["uid", "code"]).reset_index(drop=True)
    items["item"] = np.arange(len(items), dtype="int64")
    positional = items["segment_index"].notna().to_numpy()

    keep = ["code", "item", "uid"]
    columns = [f"{k}_{s}" for s in "xy" for k in keep]
    parts: list[pd.DataFrame] = []
    seg = items.loc[positional, ["document_id", "segment_index", *keep]].copy()
    seg["segment_index"] = seg["segment_index"].astype("int64")
    for distance in range(window + 1):
        shifted = seg.assign(segment_index=seg["segment_index"] - distance)
        merged = seg.merge(shifted, on=["document_id", "segment_index"], suffixes=("_x", "_y"))
        if distance == 0:
            merged = merged.loc[merged["code_x"] < merged["code_y"]]
        else:
            merged = merged.loc[merged["code_x"] != merged["code_y"]]
        parts.append(merged[columns])

    spans = items.loc[~positional]
    if not spans.empty:
        merged = spans.merge(items, on="document_id", suffixes=("_x", "_y"))
        overlap = (
            (merged["item_x"] != merged["item_y"])
            & (merged["code_x"] != merged["code_y"])
            & (merged["start_x"] < merged["end_y"])
            & (merged["start_y"] < merged["end_x"])
        )
        parts.append(merged.loc[overlap, columns])

    pairs = pd.concat(parts, ignore_index=True)
    if pairs.empty:
        return _empty()
    cx, cy = pairs["code_x"].to_numpy(), pairs["code_y"].to_numpy()
    swap = cx > cy
    oriented = pd.DataFrame(
        {
            "pid": np.where(swap, cy, cx) * n_codes + np.where(swap, cx, cy),
            "item_a": np.where(swap, pairs["item_y"], pairs["item_x"]),
            "item_b": np.where(swap, pairs["item_x"], pairs["item_y"]),
            "uid_a": np.where(swap, pairs["uid_y"], pairs["uid_x"]),
            "uid_b": np.where(swap, pairs["uid_x"], pairs["uid_y"]),
        }
    ).drop_duplicates(["item_a", "item_b"])

    pid = oriented["pid"].to_numpy()
    counts = oriented["pid"].value_counts(sort=False).sort_index()
    pids = counts.index.to_numpy(dtype="int64")
    same_unit = (
        oriented.loc[oriented["uid_a"] == oriented["uid_b"], "pid"]
        .value_counts(sort=False)
        .reindex(pids, fill_value=0)
        .to_numpy()
    )
    involved = pd.DataFrame(
        {
            "pid": np.concatenate([pid, pid]),
            "uid": np.concatenate([oriented["uid_a"].to_numpy(), oriented["uid_b"].to_numpy()]),
        }
    ).drop_duplicates()
    n_involved = involved["pid"].value_counts(sort=False).reindex(pids).to_numpy()
    per_code = np.bincount(items["code"].to_numpy(), minlength=n_codes)
    code_a, code_b = pids // n_codes, pids % n_codes
    union = per_code[code_a] + per_code[code_b] - same_unit
    segment_of = np.full(int(items["uid"].max()) + 1, -1, dtype="int64")
    segment_of[items["uid"].to_numpy()] = items["segment_id"].to_numpy()
    names = np.asarray(labels, dtype=object)
    return pd.DataFrame(
        {
            "code_a": names[code_a],
            "code_b": names[code_b],
            "count": counts.to_numpy(dtype="int64"),
            "jaccard": n_involved / union,
            "segments": _segment_lists(
                involved["pid"].to_numpy(), segment_of[involved["uid"].to_numpy()], pids
            ),
        }
    )


def _group_cooccurrence(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    if key == "informant":
        frame = frame.loc[frame["informant"] != ""]
    if frame.empty:
        return _empty()
    code_ints, labels = pd.factorize(frame["code_id"], sort=True)
    key_ints, _ = pd.factorize(frame[key])
    n_codes = len(labels)
    coded = pd.DataFrame(
        {
            "key": key_ints.astype("int64"),
            "code": code_ints.astype("int64"),
            "segment_id": frame["segment_id"].fillna(-1).to_numpy(dtype="int64"),
        }
    )
    items = coded[["key", "code"]].drop_duplicates()
    merged = items.merge(items, on="key", suffixes=("_a", "_b"))
    merged = merged.loc[merged["code_a"] < merged["code_b"]]
    if merged.empty:
        return _empty()
    merged = merged.assign(pid=merged["code_a"] * n_codes + merged["code_b"])
    counts = merged["pid"].value_counts(sort=False).sort_index()
    pids = counts.index.to_numpy(dtype="int64")
    n_both = counts.to_numpy(dtype="int64")
    per_code = np.bincount(items["code"].to_numpy(), minlength=n_codes)
    code_a, code_b = pids // n_codes, pids % n_codes
    union = per_code[code_a] + per_code[code_b] - n_both
    with_ids = coded.loc[coded["segment_id"] >= 0].drop_duplicates()
    evidence = pd.concat(
        [
            merged[["key", "pid", side]]
            .rename(columns={side: "code"})
            .merge(with_ids, on=["key", "code"])[["pid", "segment_id"]]
            for side in ("code_a", "code_b")
        ],
        ignore_index=True,
    )
    names = np.asarray(labels, dtype=object)
    return pd.DataFrame(
        {
            "code_a": names[code_a],
            "code_b": names[code_b],
            "count": n_both,
            "jaccard": n_both / union,
            "segments": _segment_lists(
                evidence["pid"].to_numpy(), evidence["segment_id"].to_numpy(), pids
            ),
        }
    )


def _segment_lists(pid: np.ndarray, segment: np.ndarray, pids: np.ndarray) -> list[list[int]]:
    """Sorted distinct segment ids (ignoring -1, a span) per pair id, in ``pids`` order."""
    keep = segment >= 0
    table = (
        pd.DataFrame({"pid": pid[keep], "segment": segment[keep]})
        .drop_duplicates()
        .sort_values(["pid", "segment"])
    )
    found, starts = np.unique(table["pid"].to_numpy(), return_index=True)
    chunks = np.split(table["segment"].to_numpy(), starts[1:]) if len(found) else []
    lookup = {int(p): chunk.tolist() for p, chunk in zip(found, chunks, strict=True)}
    return [lookup.get(int(p), []) for p in pids]


# --------------------------------------------------------------------------- graph


def cooccurrence_graph(
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    window: int = 0,
    min_count: int = 1,
    unit: Unit = "segment",
) -> nx.Graph:
    """The code network: one node per code used in ``codings``, one edge per pair
    that co-occurs at least ``min_count`` times.

    Node attributes: ``label`` (code name), ``frequency`` (distinct coded units),
    ``framework``, ``colour`` (from the codebook, "#999999" for unknown codes),
    ``informants`` (number of distinct named informants) and ``community`` (0 for
    the largest community of networkx's greedy modularity on edge weights, ties
    broken by codebook order; a node without edges is its own community).
    Edge attributes: ``weight`` (count), ``jaccard`` and ``segment_ids`` (list).
    Nodes are added in codebook order, so the graph is the same on every run.
    """
    frame = prepare_codings(codings)
    frame = frame.loc[frame["code_id"] != ""]
    graph = nx.Graph()
    if frame.empty:
        return graph
    frame = frame.assign(_unit=unit_keys(frame))
    frequency = frame.groupby("code_id")["_unit"].nunique()
    informants = frame.loc[frame["informant"] != ""].groupby("code_id")["informant"].nunique()
    names = code_names(codebook, frame)
    known = {c.id: c for c in codebook.codes}
    first_framework = frame.drop_duplicates("code_id").set_index("code_id")["framework"]
    order = ordered_codes(codebook, frequency.index)
    for code in order:
        if code not in frequency.index:
            continue
        entry = known.get(code)
        graph.add_node(
            code,
            label=names.get(code, code),
            frequency=int(frequency[code]),
            framework=entry.framework if entry else str(first_framework.get(code, "")),
            colour=entry.colour if entry else "#999999",
            informants=int(informants.get(code, 0)),
        )
    pairs = cooccurrence(frame, window=window, unit=unit)
    pairs = pairs.loc[pairs["count"] >= min_count]
    for a, b, count, jaccard, segments in pairs.itertuples(index=False, name=None):
        graph.add_edge(a, b, weight=int(count), jaccard=float(jaccard), segment_ids=list(segments))
    _assign_communities(graph, order)
    return graph


def _assign_communities(graph: nx.Graph, order: list[str]) -> None:
    position = {code: i for i, code in enumerate(order)}
    connected = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0])
    groups: list[set[Hashable]] = []
    if connected.number_of_edges():
        groups = [
            set(g) for g in nx.community.greedy_modularity_communities(connected, weight="weight")
        ]
    grouped = set().union(*groups) if groups else set()
    groups += [{n} for n in graph.nodes if n not in grouped]
    groups.sort(key=lambda g: (-len(g), min(position.get(str(n), len(position)) for n in g)))
    for number, group in enumerate(groups):
        for node in group:
            graph.nodes[node]["community"] = number


def graph_to_plot_positions(graph: nx.Graph, seed: int = 0) -> dict[Hashable, tuple[float, float]]:
    """Node -> (x, y) in [-1, 1], from a spring layout on edge weights; the same
    ``seed`` gives the same positions."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (0.0, 0.0)}
    layout = nx.spring_layout(graph, seed=seed, weight="weight")
    return {node: (float(xy[0]), float(xy[1])) for node, xy in layout.items()}


def draw_network(
    graph: nx.Graph,
    path_or_buffer: str | os.PathLike[str] | IO[bytes] | io.BytesIO,
    format: Literal["png", "svg"] = "png",
    *,
    seed: int = 0,
    title: str | None = None,
    figsize: tuple[float, float] = (10.0, 8.0),
    dpi: int = 150,
) -> None:
    """Draw the code network with matplotlib's Agg canvas (no GUI, no pyplot state).

    Node area grows with ``frequency``, edge width with ``weight``, node colours
    come from the ``colour`` attribute, and each node is labelled with ``label`` on
    a light box so that it stays readable over edges. An empty graph gives an
    empty picture.
    """
    if format not in ("png", "svg"):
        raise ValueError(f"format must be 'png' or 'svg', not {format!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_axis_off()
    if title:
        axes.set_title(title)
    positions = graph_to_plot_positions(graph, seed=seed)
    if positions:
        nodes = list(graph.nodes)
        xy = np.array([positions[n] for n in nodes], dtype=float)
        weights = np.array([d.get("weight", 1) for _, _, d in graph.edges(data=True)], dtype=float)
        if len(weights):
            segments = [(positions[a], positions[b]) for a, b in graph.edges()]
            widths = 1.0 + 5.0 * weights / weights.max()
            axes.add_collection(
                LineCollection(segments, linewidths=widths, colors="#8c8c8c", alpha=0.6, zorder=1)
            )
        frequency = np.array([graph.nodes[n].get("frequency", 1) for n in nodes], dtype=float)
        sizes = 300.0 + 2200.0 * frequency / max(frequency.max(), 1.0)
        colours = [_colour(graph.nodes[n].get("colour")) for n in nodes]
        axes.scatter(
            xy[:, 0], xy[:, 1], s=sizes, c=colours, edgecolors="#333333", linewidths=0.8, zorder=2
        )
        for (x, y), node in zip(xy, nodes, strict=True):
            axes.annotate(
                str(graph.nodes[node].get("label", node)),
                (x, y),
                ha="center",
                va="center",
                fontsize=9,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
            )
        pad = 0.25
        axes.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        axes.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    figure.savefig(path_or_buffer, format=format, bbox_inches="tight")


def _colour(value: Any) -> str:
    from matplotlib.colors import is_color_like

    return str(value) if value and is_color_like(value) else "#999999"
