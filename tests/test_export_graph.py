"""The code network: GraphML and GEXF read back with networkx, PNG and SVG pictures."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
import pytest
from lxml import etree
from test_export_support import build_project

from qualcode.export import export

USED_CODES = {"produktivitas", "responsivitas", "kepemimpinan", "tim", "sistem"}


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    built = build_project(tmp_path_factory.mktemp("studi"))
    yield built
    built["project"].close()


def _export(study: dict[str, Any], fmt: str, **options: Any) -> tuple[bytes, Any]:
    buffer = io.BytesIO()
    info = export(study["project"], fmt, buffer, **options)
    return buffer.getvalue(), info


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def test_graphml_reads_back(study: dict[str, Any]) -> None:
    data, info = _export(study, "graphml")
    graph = nx.read_graphml(io.BytesIO(data))
    assert set(graph.nodes) == USED_CODES
    assert list(graph.edges) == [("kepemimpinan", "tim")] or list(graph.edges) == [
        ("tim", "kepemimpinan")
    ]
    edge = graph.edges["kepemimpinan", "tim"]
    assert edge["weight"] == 1
    assert isinstance(edge["segment_ids"], str) and edge["segment_ids"]
    node = graph.nodes["sistem"]
    assert node["label"] == "Faktor sistem"
    assert node["frequency"] == 3
    assert node["colour"] == "#9467BD"
    assert node["framework"] == "Faktor yang memengaruhi kinerja"
    assert (node["pendukung"], node["penghambat"], node["netral"]) == (1, 2, 0)
    assert node["informant_list"] == "Informan 2"
    for _, attrs in graph.nodes(data=True):
        assert all(_plain(v) for v in attrs.values())
    assert graph.graph["codebook_hash"] == info.codebook_hash
    assert graph.graph["codebook_version"] == "2.1"
    assert graph.graph["exported_at"] == info.exported_at


def test_gexf_reads_back_with_colours_and_meta(study: dict[str, Any]) -> None:
    data, info = _export(study, "gexf")
    graph = nx.read_gexf(io.BytesIO(data))
    assert set(graph.nodes) == USED_CODES
    assert graph.has_edge("kepemimpinan", "tim")
    assert graph.nodes["sistem"]["label"] == "Faktor sistem"
    assert graph.nodes["sistem"]["viz"]["color"]["r"] == 0x94
    root = etree.fromstring(data)
    ns = {"g": root.nsmap[None]}
    description = root.find("g:meta/g:description", ns).text
    assert info.codebook_hash in description and "2.1" in description


def test_window_links_neighbouring_segments(study: dict[str, Any]) -> None:
    data, _ = _export(study, "graphml", window=2)
    graph = nx.read_graphml(io.BytesIO(data))
    assert graph.number_of_edges() > 1


def test_png_and_svg(study: dict[str, Any]) -> None:
    png, info = _export(study, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert b"iTXt" in png and info.codebook_hash.encode() in png
    svg, _ = _export(study, "svg")
    text = svg.decode("utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    root = etree.fromstring(svg)
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert desc is not None and info.codebook_hash in desc.text


def test_empty_network_is_still_a_valid_file(study: dict[str, Any]) -> None:
    png, info = _export(study, "png", codes=["individu"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert any("jaringan" in w for w in info.warnings)
    data, _ = _export(study, "graphml", codes=["individu"])
    assert nx.read_graphml(io.BytesIO(data)).number_of_nodes() == 0
    data, _ = _export(study, "gexf", codes=["individu"])
    assert nx.read_gexf(io.BytesIO(data)).number_of_nodes() == 0
