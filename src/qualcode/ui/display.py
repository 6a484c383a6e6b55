"""Tables and charts for the Penyajian page: matrices with readable labels, the code
network as an Altair chart, frequency bars. No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from qualcode.analysis.filters import label as category_label
from qualcode.model import VALENCES, Codebook
from qualcode.ui.safe_html import safe_colour

if TYPE_CHECKING:  # Altair is imported by the charts, not by the matrices' first view
    import altair as alt

VALENCE_COLOURS = {"pendukung": "#2E8B57", "penghambat": "#C0392B", "netral": "#9CA3AF"}


def code_names(codebook: Codebook, lang: str) -> dict[str, str]:
    return {c.id: (c.name_en if lang == "en" and c.name_en else c.name) for c in codebook.codes}


def label_matrix(
    table: pd.DataFrame,
    codebook: Codebook,
    lang: str,
    *,
    column_kind: str | None = None,
    index_title: str = "",
    column_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The matrix with code names for rows and labelled columns (source types,
    valences), ready for ``st.dataframe``. Codable codes only: grouping nodes that
    hold children are never coded."""
    names = code_names(codebook, lang)
    out = table.loc[matrix_codes(table, codebook)].copy()
    out.index = pd.Index([names.get(str(i), str(i)) for i in out.index], name=index_title)
    labels = dict(column_labels or {})
    out.columns = [
        labels.get(str(c)) or (category_label(column_kind, str(c), lang) if column_kind else str(c))
        for c in out.columns
    ]
    return out


def matrix_codes(table: pd.DataFrame, codebook: Codebook) -> list[str]:
    """The rows of a code matrix worth showing: codable codes (grouping nodes are
    never coded), and codes the codebook does not know."""
    known = {c.id: c.codable for c in codebook.codes}
    return [str(i) for i in table.index if known.get(str(i), True)]


# --------------------------------------------------------------------------- network


def network_frames(
    graph: nx.Graph, positions: Mapping[Hashable, tuple[float, float]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row a node (code_id, label, x, y, frequency, colour, informants) and two rows
    an edge (edge, code_a, code_b, weight, x, y, order) for a line per edge."""
    nodes = pd.DataFrame(
        [
            {
                "code_id": str(n),
                "label": str(d.get("label", n)),
                "x": positions[n][0],
                "y": positions[n][1],
                "frequency": int(d.get("frequency", 1)),
                "colour": safe_colour(d.get("colour")),
                "informants": int(d.get("informants", 0)),
            }
            for n, d in graph.nodes(data=True)
        ],
        columns=["code_id", "label", "x", "y", "frequency", "colour", "informants"],
    )
    rows = []
    for a, b, d in graph.edges(data=True):
        edge = f"{a}|{b}"
        for order, node in enumerate((a, b)):
            rows.append(
                {
                    "edge": edge,
                    "code_a": str(graph.nodes[a].get("label", a)),
                    "code_b": str(graph.nodes[b].get("label", b)),
                    "weight": int(d.get("weight", 1)),
                    "x": positions[node][0],
                    "y": positions[node][1],
                    "order": order,
                }
            )
    edges = pd.DataFrame(rows, columns=["edge", "code_a", "code_b", "weight", "x", "y", "order"])
    return nodes, edges


def network_chart(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    selected: set[str] | frozenset[str] = frozenset(),
    titles: Mapping[str, str],
    height: int = 520,
) -> alt.LayerChart:
    """Edges as lines (width by weight), nodes as circles (area by frequency, in the
    code's colour), names beside them. Clicking a node selects it (``node``)."""
    import altair as alt

    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    scale = alt.Scale(padding=40)
    pick = alt.selection_point(name="node", fields=["code_id"], on="click", clear="dblclick")
    lines = (
        alt.Chart(edges)
        .mark_line(color="#94A3B8", opacity=0.55)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=scale),
            y=alt.Y("y:Q", axis=axis, scale=scale),
            detail="edge:N",
            order="order:Q",
            strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 9]), legend=None),
            tooltip=[
                alt.Tooltip("code_a:N", title=titles["code"]),
                alt.Tooltip("code_b:N", title=titles["code"]),
                alt.Tooltip("weight:Q", title=titles["weight"]),
            ],
        )
    )
    base = alt.Chart(nodes).encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale)
    )
    highlighted = (
        alt.datum.code_id == ""
        if not selected
        else alt.FieldOneOfPredicate(field="code_id", oneOf=sorted(selected))
    )
    circles = (
        base.mark_circle(opacity=0.9, stroke="#1F2933")
        .encode(
            size=alt.Size("frequency:Q", scale=alt.Scale(range=[150, 2600]), legend=None),
            color=alt.Color("colour:N", scale=None),
            strokeWidth=alt.condition(highlighted, alt.value(3), alt.value(0.6)),
            tooltip=[
                alt.Tooltip("label:N", title=titles["code"]),
                alt.Tooltip("frequency:Q", title=titles["frequency"]),
                alt.Tooltip("informants:Q", title=titles["informants"]),
            ],
        )
        .add_params(pick)
    )
    halo = base.mark_text(
        dy=-18, fontSize=12, stroke="#FBFAF7", strokeWidth=4, strokeJoin="round"
    ).encode(text="label:N")
    labels = base.mark_text(dy=-18, fontSize=12, color="#1F2933").encode(text="label:N")
    return (lines + circles + halo + labels).properties(height=height)


# --------------------------------------------------------------------------- frequencies


def frequency_chart(
    codings: pd.DataFrame,
    by: str,
    *,
    names: Callable[[str], str],
    valence_label: Callable[[str], str],
    titles: Mapping[str, str],
    order: list[str] | None = None,
) -> alt.Chart:
    """Horizontal bars of codings per ``by`` value ("code_id" or "informant"),
    stacked by valence."""
    import altair as alt

    frame = codings.loc[codings[by].astype(str) != ""]
    counts = frame.groupby([by, "valence"]).size().reset_index(name="n")
    counts["label"] = counts[by].map(lambda v: names(str(v)))
    counts["valence_label"] = counts["valence"].map(lambda v: valence_label(str(v)))
    sort = [names(o) for o in order] if order else "-x"
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=sort, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(n):Q", title=titles["count"]),
            color=alt.Color(
                "valence_label:N",
                title=titles["valence"],
                scale=alt.Scale(
                    domain=[valence_label(v) for v in VALENCES],
                    range=[VALENCE_COLOURS[v] for v in VALENCES],
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=titles["name"]),
                alt.Tooltip("valence_label:N", title=titles["valence"]),
                alt.Tooltip("n:Q", title=titles["count"]),
            ],
        )
        .properties(height=alt.Step(26))
    )
