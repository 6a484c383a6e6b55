"""The optional stanza lemmatiser: clear errors, local model folders only."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from qualcode.coder import Coder
from qualcode.errors import ModelNotAvailable
from qualcode.nlp.stanza_backend import STANZA_DIR_ENV, load_stanza


class _Word:
    def __init__(self, text: str, lemma: str) -> None:
        self.text = text
        self.lemma = lemma


class _Sentence:
    def __init__(self, words: list[_Word]) -> None:
        self.words = words


class _Doc:
    def __init__(self, sentences: list[_Sentence]) -> None:
        self.sentences = sentences


# A toy lemma table standing in for the trained model.
_LEMMAS = {"koordinasinya": ["koordinasi", "nya"], "pimpinan": ["pimpin"], "mendukung": ["dukung"]}


class FakePipeline:
    calls: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        FakePipeline.calls.append(kwargs)

    def __call__(self, text: str) -> _Doc:
        words = []
        for raw in text.split():
            word = raw.strip(".,").lower()
            for lemma in _LEMMAS.get(word, [word]):
                words.append(_Word(raw, lemma))
        return _Doc([_Sentence(words)])


@pytest.fixture
def fake_stanza(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("stanza")
    module.Pipeline = FakePipeline  # type: ignore[attr-defined]
    FakePipeline.calls = []
    monkeypatch.setitem(sys.modules, "stanza", module)
    monkeypatch.delenv(STANZA_DIR_ENV, raising=False)
    return module


def _model_folder(root: Path, resources: dict[str, Any]) -> Path:
    (root / "id").mkdir(parents=True)
    (root / "resources.json").write_text(json.dumps(resources), encoding="utf-8")
    return root


def test_without_stanza_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "stanza", None)  # import stanza -> ImportError
    with pytest.raises(ModelNotAvailable) as caught:
        load_stanza("/nowhere")
    message = str(caught.value)
    assert "torch==2.13.0" in message
    assert "qualcode[stanza]" in message
    assert "stanza.download('id'" in message
    assert STANZA_DIR_ENV in message
    assert "--stanza-dir" in message


def test_no_folder_given(fake_stanza: types.ModuleType) -> None:
    with pytest.raises(ModelNotAvailable, match="no stanza model folder"):
        load_stanza()
    assert FakePipeline.calls == []


def test_folder_without_indonesian_models(fake_stanza: types.ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailable, match="no Indonesian stanza models") as caught:
        load_stanza(tmp_path)
    assert caught.value.path == str(tmp_path)
    assert "stanza.download('id'" in str(caught.value)
    assert FakePipeline.calls == []


def test_folder_without_resources_json(fake_stanza: types.ModuleType, tmp_path: Path) -> None:
    (tmp_path / "id").mkdir()
    with pytest.raises(ModelNotAvailable, match="resources.json"):
        load_stanza(tmp_path)


def test_official_layout_is_loaded_without_network(
    fake_stanza: types.ModuleType, tmp_path: Path
) -> None:
    folder = _model_folder(tmp_path / "stanza_resources", {"id": {"default_processors": {}}})
    lemmatizer = load_stanza(folder)
    (call,) = FakePipeline.calls
    assert call["download_method"] is None
    assert call["lang"] == "id"
    assert call["dir"] == str(folder)
    assert call["processors"] == "tokenize,mwt,lemma"
    assert "allow_unknown_language" not in call
    assert lemmatizer.model_dir == folder


def test_environment_variable_names_the_folder(
    fake_stanza: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _model_folder(tmp_path, {"id": {}})
    monkeypatch.setenv(STANZA_DIR_ENV, str(folder))
    load_stanza()
    assert FakePipeline.calls[0]["dir"] == str(folder)
    assert FakePipeline.calls[0]["download_method"] is None


def test_locally_trained_models_get_explicit_paths(
    fake_stanza: types.ModuleType, tmp_path: Path
) -> None:
    folder = _model_folder(tmp_path, {})
    for processor in ("tokenize", "mwt", "lemma"):
        (folder / "id" / processor).mkdir()
        (folder / "id" / processor / f"mix_{processor}.pt").write_bytes(b"")
    load_stanza(folder)
    (call,) = FakePipeline.calls
    assert call["download_method"] is None
    assert call["allow_unknown_language"] is True
    assert call["lemma_model_path"] == str(folder / "id" / "lemma" / "mix_lemma.pt")


def test_locally_trained_folder_missing_a_model(
    fake_stanza: types.ModuleType, tmp_path: Path
) -> None:
    folder = _model_folder(tmp_path, {})
    with pytest.raises(ModelNotAvailable, match="no tokenize model"):
        load_stanza(folder)


def test_a_failing_pipeline_becomes_model_not_available(
    fake_stanza: types.ModuleType, tmp_path: Path
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("bad checkpoint")

    fake_stanza.Pipeline = broken  # type: ignore[attr-defined]
    with pytest.raises(ModelNotAvailable, match="bad checkpoint"):
        load_stanza(_model_folder(tmp_path, {"id": {}}))


def test_lemmas_and_root(fake_stanza: types.ModuleType, tmp_path: Path) -> None:
    lemmatizer = load_stanza(_model_folder(tmp_path, {"id": {}}))
    assert lemmatizer.lemmas("Koordinasinya lancar.") == ["koordinasi", "nya", "lancar"]
    assert lemmatizer.root("Koordinasinya") == "koordinasi"  # the clitic is dropped
    assert lemmatizer.root("pimpinan") == "pimpin"


def test_coder_with_the_stanza_root_function(fake_stanza: types.ModuleType, tmp_path: Path) -> None:
    from test_coder import make_codebook

    lemmatizer = load_stanza(_model_folder(tmp_path, {"id": {}}))
    coder = Coder(make_codebook(), root_fn=lemmatizer.root, backend=lemmatizer.backend)
    (suggestion,) = coder.code_text("Pimpinan mendukung.")
    assert suggestion.code_id == "faktor_kepemimpinan"
    assert suggestion.valence == "pendukung"
    assert coder.analyse("Pimpinan").backend == "stanza"


def test_loading_never_downloads(fake_stanza: types.ModuleType, tmp_path: Path) -> None:
    def download(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("stanza.download must not be called")

    fake_stanza.download = download  # type: ignore[attr-defined]
    lemmatizer = load_stanza(_model_folder(tmp_path, {"id": {}}))
    lemmatizer.lemmas("Pimpinan mendukung.")
    assert all(call["download_method"] is None for call in FakePipeline.calls)
