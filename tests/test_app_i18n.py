"""The workbench's strings: every key in both languages, every key the app uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

from qualcode.codebook import CODE_KEYS
from qualcode.ui.i18n import CATALOGUE, EN, ID, LANGUAGES, t
from qualcode.ui.review import EVIDENCE_KINDS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
SOURCES += sorted((ROOT / "src" / "qualcode" / "ui").glob("*.py"))
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""")

# Keys built at run time from a prefix and a value.
DYNAMIC = (
    [f"import.{s}" for s in ("imported", "duplicate", "error")]
    + [f"evidence.{k}" for k in EVIDENCE_KINDS]
    + [f"field.{k}" for k in CODE_KEYS]
    + [f"valence.{v}" for v in ("pendukung", "penghambat", "netral")]
    + [f"memo.on_{k}" for k in ("segment", "code", "document")]
    + [f"condense.select_{h}" for h in ("phrase", "range")]
    + [f"codebook.preview_{w}" for w in ("gained", "lost")]
    + [f"condense.mode_{m}" for m in ("queue", "read", "manual", "memo")]
    + [f"display.view_{v}" for v in ("matrix", "network", "frequency", "kwic")]
    + [
        f"display.m_{m}{suffix}"
        for m in ("code_informant", "code_source", "factor_valence", "framework")
        for suffix in ("", "_help")
    ]
    + [f"display.count_{c}" for c in ("codings", "segments", "informants")]
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    assert set(CATALOGUE) == set(LANGUAGES) == {"id", "en"}
    assert sorted(set(ID) - set(EN)) == []
    assert sorted(set(EN) - set(ID)) == []


def test_translations_are_filled_and_take_the_same_values():
    for key in ID:
        assert ID[key].strip() and EN[key].strip(), key
        assert _fields(ID[key]) == _fields(EN[key]), key


def test_every_key_the_app_uses_exists():
    used: set[str] = set()
    for path in SOURCES:
        used |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    assert used, "no t() call found"
    missing = sorted(k for k in used | set(DYNAMIC) if k not in ID)
    assert missing == []


def test_t_fills_values_and_falls_back():
    assert t("condense.position", lang="id", n=3, total=40) == "Usulan 3 dari 40"
    assert t("condense.position", lang="en", n=3, total=40) == "Suggestion 3 of 40"
    assert t("no.such_key", lang="en") == "no.such_key"
    assert t("condense.accept", lang="xx") == ID["condense.accept"]
    assert t("condense.accept") == ID["condense.accept"]  # outside the app: Indonesian
