"""Co-occurrence counts, the code network, its layout and its drawing."""

from __future__ import annotations

import io
import itertools
from fractions import Fraction

import networkx as nx
import pandas as pd
import pytest
from analysis_fixtures import CODEBOOK, confirmed_codings, make_codings, tiny_codebook
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis import (
    COOCCURRENCE_COLUMNS,
    cooccurrence,
    cooccurrence_graph,
    draw_network,
    graph_to_plot_positions,
)


def rows(frame: pd.DataFrame) -> list[tuple[str, str, int, Fraction, list[int]]]:
    return [
        (a, b, int(n), Fraction(j).limit_denominator(1000), list(s))
        for a, b, n, j, s in frame.itertuples(index=False, name=None)
    ]


# Coded units of the confirmed fixture codings:
#   doc 1: seg 10 (index 0) produktivitas + kepemimpinan, seg 11 (1) sistem,
#          seg 12 (2) produktivitas
#   doc 2: seg 20 (0) produktivitas (two coders) + sistem, seg 21 (1) kepemimpinan
#   doc 3: seg 30 (0) sistem, seg 31 (1) sistem, span inside seg 31: kepemimpinan
#   doc 4: seg 40 (0) produktivitas
# Units per code: produktivitas 4, kepemimpinan 3 (one a span), sistem 4.


def test_same_segment():
    out = cooccurrence(confirmed_codings())
    assert list(out.columns) == list(COOCCURRENCE_COLUMNS)
    assert rows(out) == [
        # seg 10; union 3 + 4 - 1 = 6
        ("kepemimpinan", "produktivitas", 1, Fraction(1, 6), [10]),
        # the span overlaps seg 31: two units take part out of 3 + 4 - 0 = 7
        ("kepemimpinan", "sistem", 1, Fraction(2, 7), [31]),
        # seg 20 (the second coder's coding does not count twice); 4 + 4 - 1 = 7
        ("produktivitas", "sistem", 1, Fraction(1, 7), [20]),
    ]


def test_window_one():
    out = cooccurrence(confirmed_codings(), window=1)
    assert rows(out) == [
        # 10-11, 20-21, span-31; units taking part 10,11,20,21,span,31 of 7
        ("kepemimpinan", "sistem", 3, Fraction(6, 7), [10, 11, 20, 21, 31]),
        # 10-11, 11-12, 20; units 10,11,12,20 of 7
        ("produktivitas", "sistem", 3, Fraction(4, 7), [10, 11, 12, 20]),
        # 10, 20-21; units 10,20,21 of 6
        ("kepemimpinan", "produktivitas", 2, Fraction(1, 2), [10, 20, 21]),
    ]


def test_document_and_informant_units():
    out = cooccurrence(confirmed_codings(), unit="document", window=5)
    assert rows(out) == [
        ("kepemimpinan", "sistem", 3, Fraction(1), [10, 11, 20, 21, 30, 31]),
        ("kepemimpinan", "produktivitas", 2, Fraction(1, 2), [10, 12, 20, 21]),
        ("produktivitas", "sistem", 2, Fraction(1, 2), [10, 11, 12, 20]),
    ]
    out = cooccurrence(confirmed_codings(), unit="informant")
    # Informan 1 and 2 each used all three codes.
    assert [(a, b, n, j) for a, b, n, j, _ in rows(out)] == [
        ("kepemimpinan", "produktivitas", 2, Fraction(1)),
        ("kepemimpinan", "sistem", 2, Fraction(1)),
        ("produktivitas", "sistem", 2, Fraction(1)),
    ]


def test_spans_overlap_by_offsets():
    frame = make_codings(
        [
            {"code_id": "a", "start": 0, "end": 10},
            {"code_id": "b", "start": 5, "end": 15},
            {"code_id": "c", "start": 10, "end": 20},  # touches a, does not overlap it
            {"code_id": "c", "start": 0, "end": 3, "document_id": 2},  # other document
        ]
    )
    out = cooccurrence(frame, window=3)
    assert [(a, b, n) for a, b, n, *_ in rows(out)] == [("a", "b", 1), ("b", "c", 1)]
    assert out["segments"].tolist() == [[], []]


def test_no_pairs_and_bad_arguments():
    single = make_codings([{"code_id": "a", "segment_id": 1}, {"code_id": "a", "segment_id": 2}])
    out = cooccurrence(single, window=2)
    assert out.empty and list(out.columns) == list(COOCCURRENCE_COLUMNS)
    with pytest.raises(ValueError):
        cooccurrence(single, window=-1)
    with pytest.raises(ValueError):
        cooccurrence(single, unit="paragraph")


# --------------------------------------------------------------------------- against brute force


def brute_force(frame: pd.DataFrame, window: int) -> dict[tuple[str, str], tuple[int, float]]:
    items = []
    for r in frame.itertuples(index=False):
        seg = None if pd.isna(r.segment_id) else int(r.segment_id)
        unit = ("s", seg) if seg is not None else ("p", r.document_id, r.start, r.end)
        items.append((unit, r.code_id, r.document_id, seg, r.start, r.end))
    items = list({(i[0], i[1]): i for i in items}.values())

    def near(x, y):
        if x[2] != y[2]:
            return False
        if x[3] is not None and y[3] is not None:
            return abs(x[3] - y[3]) <= window  # segment_index == segment_id in make_codings
        return x[4] < y[5] and y[4] < x[5]

    counts: dict[tuple[str, str], int] = {}
    involved: dict[tuple[str, str], set] = {}
    for x, y in itertools.combinations(items, 2):
        if x[1] == y[1] or not near(x, y):
            continue
        key = tuple(sorted((x[1], y[1])))
        counts[key] = counts.get(key, 0) + 1
        involved.setdefault(key, set()).update({x[0], y[0]})
    out = {}
    for key, n in counts.items():
        union = {i[0] for i in items if i[1] in key}
        out[key] = (n, len(involved[key]) / len(union))
    return out


coding_rows = st.lists(
    st.fixed_dictionaries(
        {
            "code_id": st.sampled_from(["a", "b", "c"]),
            "document_id": st.integers(1, 2),
            "segment_id": st.one_of(st.none(), st.integers(0, 5)),
            "start": st.integers(0, 50),
            "length": st.integers(1, 20),
        }
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(coding_rows, st.integers(0, 3))
def test_matches_brute_force(raw, window):
    records = []
    for r in raw:
        seg = r["segment_id"]
        if seg is not None:
            # a segment belongs to one document and has fixed offsets
            seg = seg + 10 * r["document_id"]
            start, end = 10 * seg, 10 * seg + 10
        else:
            start, end = r["start"], r["start"] + r["length"]
        records.append(
            {
                "code_id": r["code_id"],
                "document_id": r["document_id"],
                "segment_id": seg,
                "start": start,
                "end": end,
            }
        )
    frame = make_codings(records)
    expected = brute_force(frame, window)
    out = cooccurrence(frame, window=window)
    got = {(a, b): (int(n), float(j)) for a, b, n, j, _ in out.itertuples(index=False, name=None)}
    assert got.keys() == expected.keys()
    for key, (n, j) in expected.items():
        assert got[key][0] == n
        assert got[key][1] == pytest.approx(j)


# --------------------------------------------------------------------------- graph


def test_graph_nodes_and_edges():
    graph = cooccurrence_graph(confirmed_codings(), CODEBOOK)
    assert list(graph.nodes) == ["produktivitas", "kepemimpinan", "sistem"]
    assert graph.nodes["produktivitas"] == {
        "label": "Produktivitas",
        "frequency": 4,
        "framework": "dwiyanto",
        "colour": "#1f77b4",
        "informants": 2,
        "community": 0,
    }
    assert graph.nodes["kepemimpinan"]["frequency"] == 3
    edge = graph.edges["produktivitas", "sistem"]
    assert edge["weight"] == 1
    assert edge["segment_ids"] == [20]
    assert edge["jaccard"] == pytest.approx(1 / 7)
    assert graph.number_of_edges() == 3
    # a triangle of equal weights is one community
    assert {graph.nodes[n]["community"] for n in graph.nodes} == {0}


def test_graph_min_count_and_isolated_communities():
    graph = cooccurrence_graph(confirmed_codings(), CODEBOOK, min_count=2)
    assert graph.number_of_edges() == 0
    assert [graph.nodes[n]["community"] for n in graph.nodes] == [0, 1, 2]
    graph = cooccurrence_graph(confirmed_codings(), CODEBOOK, window=1, min_count=3)
    assert sorted(graph.edges) == [("kepemimpinan", "sistem"), ("produktivitas", "sistem")]


def test_graph_two_communities_are_deterministic():
    records = []
    for seg in range(5):
        records += [{"code_id": "a", "segment_id": seg}, {"code_id": "b", "segment_id": seg}]
        records += [
            {"code_id": "c", "segment_id": 100 + seg},
            {"code_id": "d", "segment_id": 100 + seg},
        ]
    records += [{"code_id": "b", "segment_id": 50}, {"code_id": "c", "segment_id": 50}]
    records += [{"code_id": "z", "segment_id": 60}]  # not in the codebook, alone
    frame = make_codings(records)
    book = tiny_codebook("d", "c", "b", "a")
    first = cooccurrence_graph(frame, book)
    for _ in range(3):
        again = cooccurrence_graph(frame, book)
        assert dict(again.nodes(data="community")) == dict(first.nodes(data="community"))
    community = dict(first.nodes(data="community"))
    assert community == {"d": 0, "c": 0, "b": 1, "a": 1, "z": 2}
    assert first.nodes["z"]["colour"] == "#999999"
    assert first.nodes["z"]["label"] == "z"


def test_positions_are_seeded():
    graph = cooccurrence_graph(confirmed_codings(), CODEBOOK)
    one = graph_to_plot_positions(graph, seed=3)
    two = graph_to_plot_positions(graph, seed=3)
    assert one == two
    assert set(one) == set(graph.nodes)
    assert all(isinstance(v, float) for xy in one.values() for v in xy)
    assert graph_to_plot_positions(nx.Graph()) == {}
    single = nx.Graph()
    single.add_node("a")
    assert graph_to_plot_positions(single) == {"a": (0.0, 0.0)}


def test_draw_png_svg_and_empty(tmp_path):
    graph = cooccurrence_graph(confirmed_codings(), CODEBOOK)
    buffer = io.BytesIO()
    draw_network(graph, buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    path = tmp_path / "net.svg"
    draw_network(graph, path, format="svg", title="Jaringan kode")
    assert b"<svg" in path.read_bytes()
    empty = io.BytesIO()
    draw_network(nx.Graph(), empty)
    assert empty.getvalue().startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        draw_network(graph, io.BytesIO(), format="gif")
