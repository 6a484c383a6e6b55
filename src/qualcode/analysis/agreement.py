"""Inter-coder agreement: Cohen's kappa, Krippendorff's alpha, and the reports that
compare two coders, or the machine's suggestions with the researcher's decisions.

Conventions, chosen so that no function raises on degenerate data:

* :func:`cohen_kappa` of empty sequences is NaN. When the expected agreement is 1
  (both coders gave one and the same category to every unit) kappa is 0/0; it is
  defined as 1.0 if the two sequences are identical, else 0.0 (with pe = 1 they are
  always identical, so in practice 1.0).
* :func:`krippendorff_alpha_nominal` is NaN when no unit has two values; when every
  pairable value is the same, alpha is 0/0 and is defined as 1.0 (no disagreement).
* Presence/absence tables treat a code as present on a unit when the coder has at
  least one coding of that code on that unit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from qualcode.analysis.filters import (
    CONFIRMED_STATUSES,
    DECIDED_STATUSES,
    is_missing,
    ordered_codes,
    prepare_codings,
)
from qualcode.model import Codebook

AGREEMENT_COLUMNS: tuple[str, ...] = (
    "code_id",
    "n_units",
    "both",
    "only_a",
    "only_b",
    "neither",
    "percent_agreement",
    "kappa",
)

_EPS = 1e-12


# --------------------------------------------------------------------------- coefficients


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two coders' categories over the same units.

    kappa = (po - pe) / (1 - pe), po the observed share of agreement and pe the
    agreement expected from each coder's own category shares. Raises ValueError
    when the sequences differ in length; see the module docstring for empty and
    degenerate input.
    """
    if len(a) != len(b):
        raise ValueError(f"the two codings differ in length: {len(a)} and {len(b)}")
    n = len(a)
    if n == 0:
        return math.nan
    po = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    pe = sum(count_a[k] * count_b.get(k, 0) for k in count_a) / (n * n)
    if 1.0 - pe <= _EPS:
        return 1.0 if po >= 1.0 - _EPS else 0.0
    return (po - pe) / (1.0 - pe)


def krippendorff_alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha for nominal data.

    ``data`` is the reliability data matrix: one row per coder, one column per unit;
    None / NaN mark a missing value, and rows may be ragged (missing at the end).
    Computed from the coincidence matrix: for each unit u with m_u >= 2 values, every
    ordered pair of values from different coders adds 1 / (m_u - 1) to o[c, k]; with
    n_c the row sums of o and n = sum n_c, alpha = 1 - (n - 1) * sum_{c != k} o[c, k]
    / sum_{c != k} n_c * n_k.
    """
    n_units = max((len(row) for row in data), default=0)
    totals: Counter[Hashable] = Counter()
    disagreement = 0.0
    for u in range(n_units):
        values = [row[u] for row in data if u < len(row) and not is_missing(row[u])]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        totals.update(counts)
        # sum over c != k of n_uc * n_uk / (m - 1)
        disagreement += (m * m - sum(k * k for k in counts.values())) / (m - 1)
    n = sum(totals.values())
    if n == 0:
        return math.nan
    expected = n * n - sum(k * k for k in totals.values())
    if expected <= _EPS:
        return 1.0 if disagreement <= _EPS else 0.0
    return 1.0 - (n - 1) * disagreement / expected


def _binary_alpha(ones: np.ndarray, zeros: np.ndarray) -> float:
    """Nominal alpha of binary data given, per unit, how many coders gave 1 and 0."""
    ones = np.asarray(ones, dtype="float64")
    zeros = np.asarray(zeros, dtype="float64")
    m = ones + zeros
    pairable = m >= 2
    ones, zeros, m = ones[pairable], zeros[pairable], m[pairable]
    n = float(m.sum())
    if n == 0:
        return math.nan
    disagreement = float((2.0 * ones * zeros / (m - 1.0)).sum())
    expected = 2.0 * float(ones.sum()) * float(zeros.sum())
    if expected <= _EPS:
        return 1.0 if disagreement <= _EPS else 0.0
    return 1.0 - (n - 1.0) * disagreement / expected


def alpha_from_confusion(both: int, only_a: int, only_b: int, neither: int) -> float:
    """Nominal alpha of two coders' binary presence decisions, from their pooled
    2x2 confusion counts (each unit x code cell is one unit of the alpha)."""
    ones = np.array([2] * both + [1] * (only_a + only_b) + [0] * neither)
    return _binary_alpha(ones, 2 - ones)


def _kappa_columns(table: pd.DataFrame) -> pd.DataFrame:
    n = table["n_units"].to_numpy(dtype="float64")
    both = table["both"].to_numpy(dtype="float64")
    only_a = table["only_a"].to_numpy(dtype="float64")
    only_b = table["only_b"].to_numpy(dtype="float64")
    neither = table["neither"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        po = (both + neither) / n
        pa = (both + only_a) / n
        pb = (both + only_b) / n
        pe = pa * pb + (1.0 - pa) * (1.0 - pb)
        kappa = np.where(
            1.0 - pe <= _EPS,
            np.where(po >= 1.0 - _EPS, 1.0, 0.0),
            (po - pe) / (1.0 - pe),
        )
    kappa = np.where(n == 0, np.nan, kappa)
    table = table.copy()
    table["percent_agreement"] = np.where(n == 0, np.nan, 100.0 * po)
    table["kappa"] = kappa
    return table


# --------------------------------------------------------------------------- presence tables


def _presence(codings: pd.DataFrame, unit_column: str) -> pd.DataFrame:
    frame = prepare_codings(codings)
    cells = frame.loc[
        frame[unit_column].notna() & (frame["code_id"] != ""), [unit_column, "code_id"]
    ]
    cells = cells.rename(columns={unit_column: "unit"})
    cells["unit"] = cells["unit"].astype("int64")
    return cells.drop_duplicates().reset_index(drop=True)


def _confusion(
    present_a: pd.DataFrame,
    present_b: pd.DataFrame,
    units: Iterable[Any],
    codes: list[str] | None,
    excluded: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per code the 2x2 counts over ``units``; cells (unit, code_id) in ``excluded``
    are left out of that code's units."""
    unit_set = pd.Index(list(dict.fromkeys(units)))
    a = present_a.loc[present_a["unit"].isin(unit_set)]
    b = present_b.loc[present_b["unit"].isin(unit_set)]
    if excluded is not None and not excluded.empty:
        excluded = excluded.loc[excluded["unit"].isin(unit_set)].drop_duplicates()
        a = _anti_join(a, excluded)
        b = _anti_join(b, excluded)
    if codes is None:
        codes = sorted(set(a["code_id"]) | set(b["code_id"]))
    merged = a.merge(b, on=["unit", "code_id"], how="outer", indicator=True)
    kinds = merged.groupby(["code_id", "_merge"], observed=False).size().unstack(fill_value=0)
    kinds = kinds.reindex(index=codes, columns=["both", "left_only", "right_only"], fill_value=0)
    n_excluded = (
        excluded.groupby("code_id").size().reindex(codes, fill_value=0)
        if excluded is not None and not excluded.empty
        else pd.Series(0, index=codes)
    )
    n_units = len(unit_set) - n_excluded.to_numpy(dtype="int64")
    table = pd.DataFrame(
        {
            "code_id": pd.Series(codes, dtype=object),
            "n_units": n_units.astype("int64"),
            "both": kinds["both"].to_numpy(dtype="int64"),
            "only_a": kinds["left_only"].to_numpy(dtype="int64"),
            "only_b": kinds["right_only"].to_numpy(dtype="int64"),
        }
    )
    table["neither"] = (
        table["n_units"] - table["both"] - table["only_a"] - table["only_b"]
    ).astype("int64")
    return _kappa_columns(table).loc[:, list(AGREEMENT_COLUMNS)]


def _anti_join(frame: pd.DataFrame, drop: pd.DataFrame) -> pd.DataFrame:
    merged = frame.merge(drop, on=["unit", "code_id"], how="left", indicator=True)
    return merged.loc[merged["_merge"] == "left_only", ["unit", "code_id"]]


def agreement_by_code(
    coder_a: pd.DataFrame,
    coder_b: pd.DataFrame,
    units: Sequence[Any],
    *,
    codes: Sequence[str] | None = None,
    unit_column: str = "segment_id",
) -> pd.DataFrame:
    """Per code, agreement of two coders on its presence over ``units``.

    ``coder_a``/``coder_b`` are codings frames; ``units`` the unit ids (values of
    ``unit_column``, segment ids by default) both coders worked on. Codings on other
    units are ignored. ``codes`` defaults to the codes either coder used on those
    units, sorted; pass the codebook's codes to include unused ones (they add only
    agreeing absences, with kappa 1.0 by the degenerate-case rule).

    Columns: code_id, n_units, both, only_a, only_b, neither, percent_agreement
    (0-100) and kappa.
    """
    return _confusion(
        _presence(coder_a, unit_column),
        _presence(coder_b, unit_column),
        units,
        list(codes) if codes is not None else None,
    )


def alpha_over_codes(
    codings_by_coder: Sequence[pd.DataFrame],
    units: Sequence[Any],
    *,
    codes: Sequence[str] | None = None,
    unit_column: str = "segment_id",
) -> float:
    """Krippendorff's alpha (nominal) over all codes at once: every unit x code cell
    is one unit of the reliability data, valued 1 where the coder applied the code
    and 0 where not, for every coder in ``codings_by_coder`` (two or more).

    ``codes`` defaults to the codes any coder used on ``units``: codes nobody used
    would only add agreeing zeros and raise alpha.
    """
    unit_set = pd.Index(list(dict.fromkeys(units)))
    present = [
        p.loc[p["unit"].isin(unit_set)]
        for p in (_presence(c, unit_column) for c in codings_by_coder)
    ]
    if codes is None:
        used: set[str] = set()
        for p in present:
            used.update(p["code_id"])
        codes = sorted(used)
    code_set = set(codes)
    n_cells = len(unit_set) * len(code_set)
    n_coders = len(present)
    if n_cells == 0 or n_coders < 2:
        return math.nan
    stacked = pd.concat(present, ignore_index=True)
    stacked = stacked.loc[stacked["code_id"].isin(code_set)]
    ones_present = stacked.groupby(["unit", "code_id"]).size().to_numpy(dtype="float64")
    ones = np.concatenate([ones_present, np.zeros(n_cells - len(ones_present))])
    return _binary_alpha(ones, n_coders - ones)


# --------------------------------------------------------------------------- reports


def _summarise(table: pd.DataFrame, units: int, unit: str) -> dict[str, Any]:
    confusion = {k: int(table[k].sum()) for k in ("both", "only_a", "only_b", "neither")}
    cells = sum(confusion.values())
    kappas = table["kappa"].dropna()
    return {
        "unit": unit,
        "n_units": int(units),
        "n_codes": len(table),
        "by_code": table,
        "mean_kappa": float(kappas.mean()) if len(kappas) else math.nan,
        "alpha": alpha_from_confusion(**confusion) if cells else math.nan,
        "percent_agreement": (
            100.0 * (confusion["both"] + confusion["neither"]) / cells if cells else math.nan
        ),
        "confusion": confusion,
    }


def agreement_report(
    codings_a: pd.DataFrame,
    codings_b: pd.DataFrame,
    *,
    codebook: Codebook,
    unit: Literal["segment", "document"] = "segment",
    units: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Agreement of two coders, for a methods chapter.

    ``unit="segment"`` compares code presence per segment (hand-selected spans,
    which have no segment, are left out); ``unit="document"`` per document.
    ``units`` defaults to: for segments, every segment either coder coded in the
    documents both coders coded; for documents, the documents both coded. (Segments
    neither coder coded are unknown to the codings; pass ``units`` to count them.)
    Codes: those either coder used on the units, in codebook order.

    Returns ``{"unit", "n_units", "n_codes", "by_code", "mean_kappa", "alpha",
    "percent_agreement", "confusion"}``: ``by_code`` is the frame of
    :func:`agreement_by_code` with a ``code_name`` column after ``code_id``;
    ``mean_kappa`` the mean of its kappas; ``alpha`` Krippendorff's alpha pooled
    over all unit x code cells; ``confusion`` the pooled counts both / only_a /
    only_b / neither; ``percent_agreement`` the pooled share of agreeing cells.
    """
    if unit not in ("segment", "document"):
        raise ValueError(f"unit must be 'segment' or 'document', not {unit!r}")
    column = "segment_id" if unit == "segment" else "document_id"
    frame_a, frame_b = prepare_codings(codings_a), prepare_codings(codings_b)
    if units is None:
        shared_docs = set(frame_a["document_id"]) & set(frame_b["document_id"])
        if unit == "document":
            units = sorted(shared_docs)
        else:
            in_shared = pd.concat(
                [
                    f.loc[f["document_id"].isin(shared_docs) & f["segment_id"].notna(), column]
                    for f in (frame_a, frame_b)
                ]
            )
            units = sorted({int(u) for u in in_shared})
    present_a = _presence(frame_a, column)
    present_b = _presence(frame_b, column)
    unit_list = list(dict.fromkeys(units))
    used = set(present_a.loc[present_a["unit"].isin(unit_list), "code_id"]) | set(
        present_b.loc[present_b["unit"].isin(unit_list), "code_id"]
    )
    codes = [c for c in ordered_codes(codebook, used) if c in used]
    table = _confusion(present_a, present_b, unit_list, codes)
    return _summarise(_with_names(table, codebook, frame_a, frame_b), len(unit_list), unit)


def compare_auto_to_human(
    codings: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    machine_origins: Sequence[str] = ("auto",),
) -> dict[str, Any]:
    """How well the machine's codings match the researcher's decisions.

    Coder A is the machine: a code is present on a segment when a coding of origin
    in ``machine_origins`` exists there, whatever its status. Coder B is the
    researcher: present when a coding is accepted or manual, absent otherwise.
    Units: the segments a researcher reviewed, i.e. that carry at least one
    accepted, rejected or manual coding. A (segment, code) cell whose machine
    coding is still "suggested", with no decision on that code there, is left out
    (the researcher has not judged it). Spans without a segment are left out.

    Returns the same dict as :func:`agreement_report` (``unit`` "segment"); its
    ``by_code`` frame also has ``precision`` (both / machine present) and
    ``recall`` (both / researcher present), NaN when undefined.
    """
    frame = prepare_codings(codings)
    frame = frame.loc[frame["segment_id"].notna() & (frame["code_id"] != "")]
    decided = frame.loc[frame["status"].isin(DECIDED_STATUSES)]
    units = sorted({int(u) for u in decided["segment_id"]})
    machine = _presence(frame.loc[frame["origin"].isin(list(machine_origins))], "segment_id")
    human = _presence(frame.loc[frame["status"].isin(CONFIRMED_STATUSES)], "segment_id")
    judged = _presence(decided, "segment_id")
    pending = _anti_join(machine, judged)
    machine_used = machine.loc[machine["unit"].isin(units)]
    human_used = human.loc[human["unit"].isin(units)]
    pending_in = pending.loc[pending["unit"].isin(units)]
    used = set(_anti_join(machine_used, pending_in)["code_id"]) | set(human_used["code_id"])
    codes = [c for c in ordered_codes(codebook, used) if c in used]
    table = _confusion(machine, human, units, codes, excluded=pending)
    with np.errstate(divide="ignore", invalid="ignore"):
        both = table["both"].to_numpy(dtype="float64")
        table["precision"] = both / (both + table["only_a"].to_numpy(dtype="float64"))
        table["recall"] = both / (both + table["only_b"].to_numpy(dtype="float64"))
    return _summarise(_with_names(table, codebook, frame), len(units), "segment")


def _with_names(
    table: pd.DataFrame, codebook: Codebook | None, *frames: pd.DataFrame
) -> pd.DataFrame:
    names: dict[str, str] = {}
    for frame in frames:
        if not frame.empty:
            pairs = frame.drop_duplicates("code_id")
            names.update(zip(pairs["code_id"], pairs["code_name"], strict=True))
    if codebook is not None:
        names.update({c.id: c.name for c in codebook.codes})
    table = table.copy()
    table.insert(1, "code_name", [names.get(c, c) for c in table["code_id"]])
    table["code_name"] = table["code_name"].astype(object)
    return table.reset_index(drop=True)
