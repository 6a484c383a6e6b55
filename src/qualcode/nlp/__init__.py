"""Indonesian language processing for qualcode.

- ``normalize``: ``root(word)``, the root form a codebook term is matched on.
- ``lexicon``: informal spellings, stemmer guards, compounds and word classes.
- ``analyze``: ``analyse(text)`` -> ``AnalysedText`` (tokens, roots, boundaries),
  cacheable per segment and independent of the codebook.
- ``components``: spaCy components and ``build_pipeline(codebook)`` (imports spaCy).
- ``stanza_backend``: optional stanza lemmatiser from a local model folder.

Importing this package is cheap: spaCy and Sastrawi load on first use.
"""

from qualcode.nlp.analyze import ANALYSIS_VERSION, AnalysedText, Token, analyse, analyse_many
from qualcode.nlp.normalize import NORMALIZER_VERSION, root, root_parts, root_phrase

__all__ = [
    "ANALYSIS_VERSION",
    "NORMALIZER_VERSION",
    "AnalysedText",
    "Token",
    "analyse",
    "analyse_many",
    "root",
    "root_parts",
    "root_phrase",
]
