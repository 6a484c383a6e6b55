"""project_summary on the fixture project."""

from __future__ import annotations

import json

import pandas as pd
from analysis_fixtures import CODEBOOK, codings_frame, documents_frame, segments_frame

from qualcode.analysis import project_summary


def test_summary_counts():
    out = project_summary(documents_frame(), segments_frame(), codings_frame(), CODEBOOK)
    assert json.loads(json.dumps(out)) == out  # plain JSON types only
    assert out["codebook"]["name"] == "Kinerja Organisasi (uji)"
    assert out["codebook"]["n_codes"] == 6
    assert out["codebook"]["hash"] == CODEBOOK.content_hash()
    assert out["documents"] == {
        "total": 4,
        "by_source_type": {"interview": 2, "observation": 1, "document": 1},
    }
    assert out["informants"] == {"total": 2, "names": ["Informan 1", "Informan 2"]}
    assert out["segments"] == {"total": 12, "codable": 11}
    assert out["codings"] == {
        "total": 14,
        "by_status": {"suggested": 1, "accepted": 4, "rejected": 1, "manual": 8},
        "by_origin": {"auto": 6, "suggester": 0, "human": 8, "import": 0},
        "counted_statuses": ["accepted", "manual"],
        "counted": 12,
        "by_code": {
            "produktivitas": 5,
            "kualitas_layanan": 0,
            "responsivitas": 0,
            "kepemimpinan": 3,
            "sistem": 4,
            "tim": 0,
        },
        "by_valence": {"pendukung": 8, "penghambat": 4, "netral": 0},
    }


def test_summary_all_statuses():
    out = project_summary(
        documents_frame(), segments_frame(), codings_frame(), CODEBOOK, statuses=None
    )
    assert out["codings"]["counted"] == 14
    assert out["codings"]["by_code"]["responsivitas"] == 1
    assert out["codings"]["by_valence"] == {"pendukung": 9, "penghambat": 4, "netral": 1}


def test_summary_of_an_empty_project():
    out = project_summary(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), CODEBOOK)
    assert json.loads(json.dumps(out)) == out
    assert out["documents"]["by_source_type"] == {"interview": 0, "observation": 0, "document": 0}
    assert out["segments"] == {"total": 0, "codable": 0}
    assert out["codings"]["total"] == 0
    assert out["codings"]["by_code"] == {c: 0 for c in CODEBOOK.code_ids}
