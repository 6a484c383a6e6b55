"""Cutting documents into segments with exact character offsets.

Public API:

- ``segment_document(text, source_type, ...)`` -> ``list[Segment]``
- ``detect_turns(text, ...)`` -> ``list[Turn]`` (interview speaker turns)
- ``split_sentences(text, start, end)`` -> ``list[tuple[int, int]]``
- ``group_sentences(text, sentences, max_chars)`` -> ``list[tuple[int, int]]``

Invariant of ``segment_document`` (tested with Hypothesis on arbitrary text):

* every segment has ``0 <= start < end <= len(text)``,
  ``text[start:end] == text[start:end].strip()`` and a letter or digit in it;
  segments are in order and never overlap; ``index`` counts from 0;
* every non-whitespace character outside all segments is either
  (1) in an interview, part of the *opening prefix* of its line: a timestamp
  and/or a speaker label up to and including its colon (and bold markers),
  at the start of the line; or
  (2) part of a line remainder (after that prefix, or the whole line) that is
  markup only: no letter or digit once bracketed notes ``[...]``/``(...)`` and
  timestamps are removed (``[tertawa]``, ``(00:12:31)``, ``...``, ``-----``).

So nothing that was said or written is lost, no segment starts with a label or
a timestamp, and a note-only line is never a segment of its own. Notes and
timestamps *inside* a turn or paragraph stay in its segment, offsets unchanged.
"""

from qualcode.segmentation.document import segment_document
from qualcode.segmentation.sentences import group_sentences, split_sentences
from qualcode.segmentation.turns import Turn, detect_turns

__all__ = ["Turn", "detect_turns", "group_sentences", "segment_document", "split_sentences"]
