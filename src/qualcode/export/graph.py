"""The code co-occurrence network for Gephi and friends: GraphML and GEXF files
whose attributes are plain strings and numbers, and PNG/SVG pictures that carry
the codebook version, hash and export date in their metadata."""

from __future__ import annotations

import io
import json
import math
import struct
import zlib
from typing import IO, Any
from xml.etree.ElementTree import SubElement
from xml.sax.saxutils import escape as xml_escape

import networkx as nx
import numpy as np

from qualcode.analysis import cooccurrence_graph, draw_network
from qualcode.export.labels import t
from qualcode.export.selection import ExportData, clean, unique_units
from qualcode.model import VALENCES


def export_graph(data: ExportData) -> nx.Graph:
    """The co-occurrence network of the selected codings, with writer-safe
    attributes: nodes carry label, code_id, framework, colour, frequency
    (segments), informants (count), informant_list, community and the segments per
    valence; edges carry weight, jaccard and segment_ids (text); the graph carries
    the project, codebook name/version/hash, export date and filters."""
    graph = cooccurrence_graph(data.codings, data.codebook, window=data.filters.window)
    frameworks = {f.id: f.name for f in data.codebook.frameworks}
    frame = data.codings
    replacer = data.replacer
    out = nx.Graph()
    for node, attrs in graph.nodes(data=True):
        rows = frame.loc[frame["code_id"] == node]
        informants = sorted({v for v in rows["informant"] if v})
        values: dict[str, Any] = {
            "label": attrs.get("label", node),
            "code_id": node,
            "framework": frameworks.get(str(attrs.get("framework", "")), attrs.get("framework")),
            "framework_id": attrs.get("framework", ""),
            "colour": attrs.get("colour", "#999999"),
            "frequency": attrs.get("frequency", 0),
            "informants": attrs.get("informants", 0),
            "informant_list": informants,
            "community": attrs.get("community", 0),
        }
        for valence in VALENCES:
            values[valence] = len(unique_units(rows.loc[rows["valence"] == valence]))
        out.add_node(str(node), **{k: _safe(v, replacer.text) for k, v in values.items()})
    for a, b, attrs in graph.edges(data=True):
        out.add_edge(
            str(a),
            str(b),
            weight=_safe(attrs.get("weight", 1), replacer.text),
            jaccard=_safe(attrs.get("jaccard", 0.0), replacer.text),
            segment_ids=_safe(attrs.get("segment_ids", []), replacer.text),
        )
    out.graph.update({k: _safe(v, replacer.text) for k, v in graph_info(data).items()})
    return out


def graph_info(data: ExportData) -> dict[str, Any]:
    return {
        "project": data.project_name,
        "codebook": data.codebook.name,
        "codebook_version": data.codebook.version,
        "codebook_hash": data.codebook_hash,
        "exported_at": data.exported_at.isoformat(timespec="seconds"),
        "statuses": ", ".join(data.filters.statuses or ("all",)),
        "filters": data.filters_text(),
        "window": data.filters.window,
        "pseudonymised": "yes" if data.filters.pseudonymise else "no",
    }


def _safe(value: Any, text: Any = str) -> str | int | float:
    """A value GraphML and GEXF writers accept: text, integer or finite float."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else 0.0
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return clean(text(", ".join(str(v) for v in items)))
    if isinstance(value, dict):
        return clean(text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)))
    return clean(text(str(value)))


# --------------------------------------------------------------------------- writers


def write_graphml(data: ExportData, out: IO[bytes]) -> nx.Graph:
    graph = export_graph(data)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    out.write(buffer.getvalue())
    return graph


def write_gexf(data: ExportData, out: IO[bytes]) -> nx.Graph:
    """GEXF 1.2 with node colours and sizes (``viz``) for Gephi, and the codebook
    and export date in ``<meta>``."""
    from networkx.readwrite.gexf import GEXFWriter

    graph = export_graph(data)
    drawn = graph.copy()
    top = max((int(a.get("frequency", 1)) for _, a in drawn.nodes(data=True)), default=1) or 1
    for _, attrs in drawn.nodes(data=True):
        r, g, b = _rgb(str(attrs.get("colour", "#999999")))
        attrs["viz"] = {
            "color": {"r": r, "g": g, "b": b, "a": 1.0},
            "size": 10.0 + 30.0 * int(attrs.get("frequency", 1)) / top,
        }
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        SubElement(meta, "keywords").text = clean(
            f"{data.codebook.name}; {data.codebook.version}; {data.codebook_hash}"
        )
        SubElement(meta, "description").text = _description(data)
    drawn.graph.pop("mode", None)
    drawn.graph["name"] = clean(data.project_name)
    writer.add_graph(drawn)
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write(buffer.getvalue())
    return graph


def write_image(data: ExportData, out: IO[bytes], fmt: str) -> nx.Graph:
    """The network as PNG or SVG, with the export facts in the file's metadata."""
    graph = export_graph(data)
    buffer = io.BytesIO()
    title = t(data.language, "network_caption")
    draw_network(graph, buffer, "svg" if fmt == "svg" else "png", title=title)
    image = buffer.getvalue()
    facts = {
        "Title": title,
        "Description": _description(data),
        "Creation Time": data.exported_at.isoformat(timespec="seconds"),
        "Software": "qualcode",
    }
    out.write(svg_with_metadata(image, facts) if fmt == "svg" else png_with_text(image, facts))
    return graph


def _description(data: ExportData) -> str:
    info = graph_info(data)
    return clean(
        f"{t(data.language, 'network_caption')}. {t(data.language, 'codebook')}: "
        f"{info['codebook']}, {info['codebook_version']} (hash {info['codebook_hash']}); "
        f"{t(data.language, 'exported_at')}: {info['exported_at']}; "
        f"{t(data.language, 'statuses')}: {data.statuses_text()}; "
        f"{t(data.language, 'filters')}: {info['filters']}"
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return 153, 153, 153


def png_with_text(png: bytes, facts: dict[str, str]) -> bytes:
    """``png`` with an iTXt chunk (UTF-8 text) per fact, placed before IEND."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return png
    end = png.rfind(b"IEND") - 4
    if end < 8:
        return png
    chunks = b""
    for key, value in facts.items():
        body = key.encode("latin-1")[:79] + b"\x00\x00\x00" + b"\x00" + b"\x00"
        body += value.encode("utf-8")
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body
        chunks += struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    return png[:end] + chunks + png[end:]


def svg_with_metadata(svg: bytes, facts: dict[str, str]) -> bytes:
    """``svg`` with ``<title>`` and ``<desc>`` right after the root's start tag."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    close = text.find(">", start) if start != -1 else -1
    if close == -1:
        return svg
    lines = "; ".join(f"{k}: {v}" for k, v in facts.items() if k != "Title")
    insert = (
        f"\n <title>{xml_escape(clean(facts.get('Title', '')))}</title>"
        f"\n <desc>{xml_escape(clean(lines))}</desc>"
    )
    return (text[: close + 1] + insert + text[close + 1 :]).encode("utf-8")
