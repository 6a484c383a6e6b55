"""Optional stanza lemmatiser, loaded from a local model folder only.

qualcode never downloads models: stanza is always called with
``download_method=None``. When stanza or its Indonesian models are missing,
``load_stanza`` raises ``ModelNotAvailable`` with the steps to get them.

Use the lemmatiser as an alternative root function::

    lemmatizer = load_stanza("/data/stanza_resources")
    coder = Coder(codebook, root_fn=lemmatizer.root, backend=lemmatizer.backend)

Expected folder layout (what ``stanza.download("id", model_dir=...)`` writes)::

    <model_dir>/resources.json
    <model_dir>/id/tokenize/<package>.pt
    <model_dir>/id/mwt/<package>.pt
    <model_dir>/id/lemma/<package>.pt

A folder whose ``resources.json`` has no "id" entry (models trained locally) is
loaded with explicit model paths.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from qualcode.errors import ModelNotAvailable

STANZA_DIR_ENV = "QUALCODE_STANZA_DIR"
PROCESSORS = ("tokenize", "mwt", "lemma")
_CLITICS = frozenset({"nya", "ku", "mu", "lah", "kah", "pun"})

HOW_TO_INSTALL = (
    "install the CPU build of torch first (pip install torch==2.13.0), "
    'then pip install "qualcode[stanza]"'
)
HOW_TO_GET_MODELS = (
    "copy the Indonesian model folder from a machine with internet, where it is downloaded "
    "with: python -c \"import stanza; stanza.download('id', model_dir='stanza_resources')\" "
    "(copy the whole stanza_resources folder: resources.json and the 'id' folder), then set "
    f"{STANZA_DIR_ENV}=/path/to/stanza_resources or pass --stanza-dir /path/to/stanza_resources"
)


class StanzaLemmatizer:
    """Lemmas from a local stanza pipeline (tokenize, mwt, lemma)."""

    backend = "stanza"

    def __init__(self, pipeline: Any, model_dir: Path) -> None:
        self._pipeline = pipeline
        self.model_dir = model_dir
        self.root = lru_cache(maxsize=200_000)(self._root)

    def lemmas(self, text: str) -> list[str]:
        """One lowercase lemma per word of ``text`` (clitics such as -nya are words)."""
        doc = self._pipeline(text)
        out = []
        for sentence in doc.sentences:
            for word in sentence.words:
                out.append((word.lemma or word.text).lower())
        return out

    def _root(self, word: str) -> str:
        """Root function for ``analyse``/``Coder``: the word's lemma(s), clitics dropped."""
        lemmas = self.lemmas(word)
        kept = [lemma for lemma in lemmas if lemma not in _CLITICS] or lemmas
        return " ".join(kept) if kept else word.lower()


def _model_dir(model_dir: str | os.PathLike[str] | None) -> Path:
    given = model_dir if model_dir is not None else os.environ.get(STANZA_DIR_ENV)
    if not given:
        raise ModelNotAvailable(f"no stanza model folder given: {HOW_TO_GET_MODELS}")
    return Path(given).expanduser()


def _first_model(folder: Path) -> Path | None:
    models = sorted(folder.glob("*.pt")) if folder.is_dir() else []
    return models[0] if models else None


def load_stanza(model_dir: str | os.PathLike[str] | None = None) -> StanzaLemmatizer:
    """Load the Indonesian stanza lemmatiser from ``model_dir`` (or $QUALCODE_STANZA_DIR).

    Raises ``ModelNotAvailable`` when stanza is not installed or the folder has no
    Indonesian models. Never reaches for the network.
    """
    try:
        import stanza
    except ImportError as exc:
        raise ModelNotAvailable(
            f"stanza is not installed ({exc}): {HOW_TO_INSTALL}; then {HOW_TO_GET_MODELS}"
        ) from exc

    folder = _model_dir(model_dir)
    where = str(folder)
    lang_dir = folder / "id"
    if not lang_dir.is_dir():
        raise ModelNotAvailable(
            f"no Indonesian stanza models (no 'id' folder) here: {HOW_TO_GET_MODELS}", path=where
        )
    resources = folder / "resources.json"
    if not resources.is_file():
        raise ModelNotAvailable(
            f"resources.json is missing next to the 'id' folder: {HOW_TO_GET_MODELS}", path=where
        )
    try:
        listed = "id" in json.loads(resources.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelNotAvailable(f"resources.json cannot be read ({exc})", path=where) from exc

    kwargs: dict[str, Any] = {
        "lang": "id",
        "dir": where,
        "processors": ",".join(PROCESSORS),
        "download_method": None,
        "logging_level": "WARN",
    }
    if not listed:
        # Locally trained models: point stanza at each model file.
        kwargs["allow_unknown_language"] = True
        for processor in PROCESSORS:
            model = _first_model(lang_dir / processor)
            if model is None:
                raise ModelNotAvailable(
                    f"no {processor} model (id/{processor}/*.pt): {HOW_TO_GET_MODELS}", path=where
                )
            kwargs[f"{processor}_model_path"] = str(model)
    try:
        pipeline = stanza.Pipeline(**kwargs)
    except Exception as exc:  # stanza raises many kinds; all mean "cannot load"
        raise ModelNotAvailable(
            f"the stanza models could not be loaded ({type(exc).__name__}: {exc}); "
            f"{HOW_TO_GET_MODELS}",
            path=where,
        ) from exc
    return StanzaLemmatizer(pipeline, folder)
