"""How many segments an edited code would catch, before the codebook is saved.

The language analysis of the project's segments does not depend on the codebook, so
it is computed once per set of documents and shared by every session; matching one
code against it is then quick. Segments are counted, not suggestions: a segment
counts when the coder would suggest the code for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from qualcode.coder import Coder
from qualcode.model import Code, Codebook
from qualcode.nlp.analyze import AnalysedText, analyse_many
from qualcode.ui.state import Data


@dataclass(frozen=True)
class Analysed:
    segment_ids: tuple[int, ...]
    texts: tuple[AnalysedText, ...]


@st.cache_resource(show_spinner=False, max_entries=2)
def _analysed(_data: Data, location: str, key: tuple[int, ...]) -> Analysed:
    segments = _data.segments()
    codable = segments.loc[segments["codable"]]
    ids = tuple(int(i) for i in codable["segment_id"])
    texts = tuple(analyse_many(list(codable["text"])))
    return Analysed(ids, texts)


def analysed_segments(data: Data) -> Analysed:
    return _analysed(data, data.project.location, data.v.documents_key)


def catches(analysed: Analysed, codebook: Codebook, code: Code) -> list[int]:
    """Ids of the segments for which ``codebook`` (holding ``code``) suggests ``code``."""
    coder = Coder(codebook)
    only = {code.id}
    return [
        sid
        for sid, text in zip(analysed.segment_ids, analysed.texts, strict=True)
        if coder.code_analysed(text, only_codes=only)
    ]


@st.cache_data(show_spinner=False, max_entries=64)
def _catches(
    _data: Data,
    location: str,
    key: tuple[int, ...],
    _codebook: Codebook,
    _code: Code,
    digests: tuple[str, str],
) -> list[int]:
    return catches(analysed_segments(_data), _codebook, _code)


def preview(data: Data, codebook: Codebook, code: Code) -> list[int]:
    """``catches`` for this project, cached per code definition and codebook."""
    digests = (codebook.content_hash(), code.content_hash())
    return _catches(data, data.project.location, data.v.documents_key, codebook, code, digests)


def difference(
    before: list[int], after: list[int], segments: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The segments a change would add and lose, as rows of the segments frame."""
    old, new = set(before), set(after)
    frame = segments.set_index("segment_id")
    gained = [i for i in after if i not in old]
    lost = [i for i in before if i not in new]
    return {
        "gained": frame.loc[frame.index.intersection(gained)].reset_index(),
        "lost": frame.loc[frame.index.intersection(lost)].reset_index(),
    }
