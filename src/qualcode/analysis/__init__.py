"""Analyses over the project's frames: filters, matrices, co-occurrence networks,
triangulation, inter-coder agreement, concordance and the project summary.

Pure functions over the pandas frames described in ``docs/FRAMES.md`` (and a
:class:`~qualcode.model.Codebook` for names, colours and frameworks). Nothing here
opens the project store or loads language tooling. Each function analyses exactly
the codings it is given, so select them first with :func:`filter_codings`, whose
default keeps what the researcher confirmed (accepted and manual codings).
Empty input gives empty results with the usual columns, never an error.
"""

from qualcode.analysis.agreement import (
    AGREEMENT_COLUMNS,
    agreement_by_code,
    agreement_report,
    alpha_from_confusion,
    alpha_over_codes,
    cohen_kappa,
    compare_auto_to_human,
    krippendorff_alpha_nominal,
)
from qualcode.analysis.concordance import KWIC_COLUMNS, kwic
from qualcode.analysis.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    cooccurrence,
    cooccurrence_graph,
    draw_network,
    graph_to_plot_positions,
)
from qualcode.analysis.filters import (
    CODING_COLUMNS,
    CONFIRMED_STATUSES,
    DECIDED_STATUSES,
    DOCUMENT_COLUMNS,
    LABELS,
    ORIGIN_LABELS,
    SEGMENT_COLUMNS,
    SOURCE_TYPE_LABELS,
    STATUS_LABELS,
    VALENCE_LABELS,
    filter_codings,
    label,
    natural_key,
    prepare_codings,
    prepare_documents,
    prepare_segments,
)
from qualcode.analysis.matrices import (
    SUMMARY_COLUMNS,
    code_by_document,
    code_by_informant,
    code_by_source_type,
    code_summary_table,
    factor_by_valence,
    framework_matrix,
)
from qualcode.analysis.summary import project_summary
from qualcode.analysis.triangulation import (
    CONCLUSION_STATUSES,
    TRIANGULATION_COLUMNS,
    TRIANGULATION_LABELS,
    TRIANGULATION_STATUSES,
    is_contested,
    triangulate_codes,
    triangulate_conclusion,
    triangulation_label,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "CODING_COLUMNS",
    "CONCLUSION_STATUSES",
    "CONFIRMED_STATUSES",
    "COOCCURRENCE_COLUMNS",
    "DECIDED_STATUSES",
    "DOCUMENT_COLUMNS",
    "KWIC_COLUMNS",
    "LABELS",
    "ORIGIN_LABELS",
    "SEGMENT_COLUMNS",
    "SOURCE_TYPE_LABELS",
    "STATUS_LABELS",
    "SUMMARY_COLUMNS",
    "TRIANGULATION_COLUMNS",
    "TRIANGULATION_LABELS",
    "TRIANGULATION_STATUSES",
    "VALENCE_LABELS",
    "agreement_by_code",
    "agreement_report",
    "alpha_from_confusion",
    "alpha_over_codes",
    "code_by_document",
    "code_by_informant",
    "code_by_source_type",
    "code_summary_table",
    "cohen_kappa",
    "compare_auto_to_human",
    "cooccurrence",
    "cooccurrence_graph",
    "draw_network",
    "factor_by_valence",
    "filter_codings",
    "framework_matrix",
    "graph_to_plot_positions",
    "is_contested",
    "krippendorff_alpha_nominal",
    "kwic",
    "label",
    "natural_key",
    "prepare_codings",
    "prepare_documents",
    "prepare_segments",
    "project_summary",
    "triangulate_codes",
    "triangulate_conclusion",
    "triangulation_label",
]
