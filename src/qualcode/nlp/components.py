"""spaCy pipeline components: token roots and codebook matches on a ``Doc``.

``build_pipeline(codebook)`` returns ``spacy.blank("id")`` (with the qualcode
tokenizer settings) followed by

* ``qualcode_normalizer``: sets ``Token._.root`` (``qualcode.nlp.normalize.root``);
* ``qualcode_coder``: runs the ``Coder`` on the tokens and their roots, writes one
  span per matched keyword or phrase into ``doc.spans["qualcode"]`` (label = code
  id) and the suggestions into ``doc._.qualcode_suggestions``.

spaCy does not allow dots in factory names, so the names carry no version; each
component records the version of its rules in its config (``version``) and refuses
a config made for another version.

The pipeline gives the same suggestions as ``Coder.code_text`` on the same text
(tested); the ``Coder`` itself skips the ``Doc`` objects for speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import registry

from qualcode.coder import CODER_VERSION, Coder
from qualcode.nlp.analyze import analysed_from_doc, make_tokenizer
from qualcode.nlp.normalize import NORMALIZER_VERSION, root

if TYPE_CHECKING:
    from qualcode.model import Codebook

NORMALIZER_FACTORY = "qualcode_normalizer"
CODER_FACTORY = "qualcode_coder"
TOKENIZER = "qualcode.Tokenizer.v1"
SPAN_KEY = "qualcode"


@registry.tokenizers(TOKENIZER)
def create_tokenizer() -> Any:
    """spaCy's Indonesian tokenizer that keeps hyphenated words whole ("di-update")."""

    def make(nlp: Language) -> Any:
        return make_tokenizer(nlp.vocab)

    return make


def register_extensions() -> None:
    """Register ``Token._.root`` and ``Doc._.qualcode_suggestions`` (idempotent)."""
    if not Token.has_extension("root"):
        Token.set_extension("root", default=None)
    if not Doc.has_extension("qualcode_suggestions"):
        Doc.set_extension("qualcode_suggestions", default=None)


def _check_version(component: str, wanted: str, given: str) -> None:
    if given != wanted:
        raise ValueError(
            f"{component}: config is for version {given!r}, this qualcode has {wanted!r}"
        )


class Normalizer:
    """Sets ``Token._.root`` on every token that is not whitespace."""

    def __init__(self, name: str = NORMALIZER_FACTORY) -> None:
        register_extensions()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if token.is_space:
                continue
            low = token.lower_
            token._.root = low if token.is_punct or not any(c.isalpha() for c in low) else root(low)
        return doc


class CodebookMatcher:
    """Writes the coder's suggestions for the Doc into spans and ``doc._``."""

    def __init__(self, name: str = CODER_FACTORY, codebook_path: str | None = None) -> None:
        register_extensions()
        self.name = name
        self.coder: Coder | None = None
        if codebook_path:
            from qualcode.codebook import load_codebook

            self.set_codebook(load_codebook(Path(codebook_path)))

    def set_codebook(self, codebook: Codebook) -> None:
        """Use ``codebook`` from now on (compiled once)."""
        self.coder = Coder(codebook)

    def __call__(self, doc: Doc) -> Doc:
        if self.coder is None:
            raise ValueError(
                f"{self.name}: no codebook; call set_codebook() or set codebook_path in the config"
            )
        roots = [token._.root for token in doc]
        analysed = analysed_from_doc(doc, roots=roots)
        suggestions = self.coder.code_analysed(analysed)
        spans = []
        for suggestion in suggestions:
            for evidence in suggestion.evidence:
                if evidence.kind not in ("keyword", "phrase"):
                    continue
                span = doc.char_span(
                    evidence.start, evidence.end, label=suggestion.code_id, alignment_mode="expand"
                )
                if span is not None:
                    spans.append(span)
        doc.spans[SPAN_KEY] = spans
        doc._.qualcode_suggestions = suggestions
        return doc


@Language.factory(
    NORMALIZER_FACTORY,
    default_config={"version": NORMALIZER_VERSION},
    assigns=["token._.root"],
)
def make_normalizer(nlp: Language, name: str, version: str) -> Normalizer:
    _check_version(name, NORMALIZER_VERSION, version)
    return Normalizer(name)


@Language.factory(
    CODER_FACTORY,
    default_config={"codebook_path": None, "version": CODER_VERSION},
    assigns=["doc.spans", "doc._.qualcode_suggestions"],
    requires=["token._.root"],
)
def make_codebook_matcher(
    nlp: Language, name: str, codebook_path: str | None, version: str
) -> CodebookMatcher:
    _check_version(name, CODER_VERSION, version)
    return CodebookMatcher(name, codebook_path)


def build_pipeline(codebook: Codebook, **config: Any) -> Language:
    """``spacy.blank("id")`` with the qualcode tokenizer, normaliser and codebook matcher."""
    import spacy

    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe(NORMALIZER_FACTORY)
    matcher = nlp.add_pipe(CODER_FACTORY, config=config)
    matcher.set_codebook(codebook)  # type: ignore[attr-defined]
    return nlp
