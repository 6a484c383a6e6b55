"""Throughput of the NLP layer: bare spaCy tokenizer vs analyse vs full coding.

Usage (from the project root)::

    .venv/bin/python benchmarks/bench_pipeline.py [--repeat 5] [--segments 600]

Text: the UD Indonesian treebank sentences in ../shared/ud-indonesian beside the project (or
$QUALCODE_BENCH_TEXT, a folder of .conllu/.txt/.md files), cut into segments of
about 600 characters like interview turns; without them, the sample study in
transcripts/; without that, generated office sentences.

All timings run in the same process on the same segments, after one warm-up pass
(so spaCy's and qualcode's word caches are warm, as when coding a project), in CPU
seconds of this process (``time.process_time``: other work on the machine does not
count). The steps run round-robin and each figure is the best of ``--repeat``
rounds. Words are spaCy tokens that are not whitespace. Prints words/s and the
ratio of each step to the bare tokenizer.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from qualcode.coder import Coder  # noqa: E402
from qualcode.model import Code, Codebook, ValenceCues  # noqa: E402
from qualcode.nlp.analyze import analyse, analyse_many, get_tokenizer  # noqa: E402
from qualcode.nlp.normalize import root  # noqa: E402

UD_DIR = ROOT.parent / "shared" / "ud-indonesian"  # beside the project, as in CI


def _conllu_sentences(path: Path) -> Iterable[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            yield line[len("# text = ") :].strip()


def load_text() -> tuple[str, list[str]]:
    """(description, paragraphs) of a long Indonesian text."""
    folder = Path(os.environ.get("QUALCODE_BENCH_TEXT", UD_DIR))
    sentences: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".conllu":
                sentences.extend(_conllu_sentences(path))
            elif path.suffix in (".txt", ".md") and path.name.lower() != "readme.md":
                sentences.extend(p for p in path.read_text(encoding="utf-8").split("\n") if p)
    if sentences:
        return f"{len(sentences)} sentences from {folder}", sentences
    transcripts = ROOT / "transcripts"
    if transcripts.is_dir():
        for path in sorted(transcripts.rglob("*")):
            if path.suffix in (".txt", ".md") and path.name.lower() != "readme.md":
                sentences.extend(p for p in path.read_text(encoding="utf-8").split("\n") if p)
        return f"{len(sentences)} paragraphs from {transcripts}", sentences
    return "generated office sentences", generate_sentences(5000)


def generate_sentences(n: int) -> list[str]:
    rng = random.Random(7)
    subjects = ["Koordinasi antarbidang", "Pimpinan", "Server e-office", "Pelaporan LKjIP"]
    subjects += ["Anggaran kegiatan", "Kerja sama tim", "Pegawai baru", "Layanan ke OPD"]
    predicates = ["masih sering terlambat", "sangat mendukung", "belum optimal", "lancar"]
    predicates += ["tidak ada kendala", "kurang koordinasi", "sudah tepat waktu", "sering down"]
    tails = ["karena data dari OPD belum masuk", "sejak tahun lalu", "[tertawa]", "gitu, Mas"]
    return [
        f"{rng.choice(subjects)} {rng.choice(predicates)}, {rng.choice(tails)}." for _ in range(n)
    ]


def segments_of(sentences: list[str], size: int) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    length = 0
    for sentence in sentences:
        current.append(sentence)
        length += len(sentence) + 1
        if length >= size:
            out.append(" ".join(current))
            current, length = [], 0
    if current:
        out.append(" ".join(current))
    return out


def load_codebook() -> Codebook:
    try:
        from qualcode.codebook import load_codebook as load

        return load()
    except Exception:  # the loader is optional here; fall back to a small codebook
        codes = (
            Code("responsivitas", "Responsivitas", keywords=("koordinasi", "responsif")),
            Code("faktor_sistem", "Faktor Sistem", keywords=("e-office", "server", "anggaran")),
            Code("faktor_kepemimpinan", "Kepemimpinan", keywords=("pimpinan",)),
            Code("akuntabilitas", "Akuntabilitas", keywords=("lkjip", "sakip", "pelaporan")),
            Code("faktor_tim", "Tim", phrases=("kerja sama",)),
        )
        cues = ValenceCues(
            supporting=("mendukung", "lancar", "tepat waktu"),
            inhibiting=("kendala", "terlambat", "kurang"),
            negators=("tidak", "belum"),
            hedges=("belum optimal",),
        )
        return Codebook("bench", "1", codes=codes, cues=cues)


def best_of(repeat: int, fn: Callable[[], int]) -> tuple[float, int]:
    """(best CPU seconds, count) over ``repeat`` runs of ``fn`` (which returns a count)."""
    times = []
    count = 0
    for _ in range(repeat):
        start = time.process_time()
        count = fn()
        times.append(time.process_time() - start)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--segments", type=int, default=600, help="segment size in characters")
    args = parser.parse_args()

    import spacy

    description, sentences = load_text()
    texts = segments_of(sentences, args.segments)
    stock = spacy.blank("id").tokenizer
    ours = get_tokenizer()
    codebook = load_codebook()
    coder = Coder(codebook)

    words = sum(1 for text in texts for token in stock(text) if not token.is_space)
    print(f"text: {description}")
    print(f"      {len(texts)} segments of ~{args.segments} chars, {words:,} words")
    print(f"codebook: {codebook.name} ({len(coder.codes)} codable codes, {len(coder.terms)} terms)")

    analysed = [analyse(t) for t in texts]  # warm every cache once

    def bare_stock() -> int:
        return sum(len(stock(t)) for t in texts)

    def bare_ours() -> int:
        return sum(len(ours(t)) for t in texts)

    def run_analyse() -> int:
        return sum(len(analyse(t)) for t in texts)

    def run_analyse_many() -> int:
        return sum(len(a) for a in analyse_many(texts, batch_size=256))

    def run_code_cached() -> int:
        count = 0
        for a in analysed:
            a._cache.clear()  # as if just read back from the store
            count += len(coder.code_analysed(a))
        return count

    def run_full() -> int:
        return sum(len(coder.code_text(t)) for t in texts)

    def run_to_bytes() -> int:
        return sum(1 for a in analysed if a.to_bytes())

    blobs = [a.to_bytes() for a in analysed]

    def run_from_bytes() -> int:
        return sum(len(type(a).from_bytes(b)) for a, b in zip(analysed, blobs, strict=True))

    rows = [
        ("bare spaCy tokenizer (spacy.blank('id'))", bare_stock),
        ("qualcode tokenizer", bare_ours),
        ("analyse", run_analyse),
        ("analyse_many", run_analyse_many),
        ("code_analysed (cached analysis)", run_code_cached),
        ("full coding (analyse + code)", run_full),
        ("to_bytes (analysis cache)", run_to_bytes),
        ("from_bytes (analysis cache)", run_from_bytes),
    ]
    for _, fn in rows:
        fn()  # warm-up
    # Round-robin, best of --repeat: a busy machine slows all steps alike.
    results = {name: float("inf") for name, _ in rows}
    for _ in range(args.repeat):
        for name, fn in rows:
            results[name] = min(results[name], best_of(1, fn)[0])
    base = results[rows[0][0]]
    print(f"\n{'step':42} {'CPU s':>8} {'words/s':>12} {'vs bare':>8}")
    for name, _ in rows:
        seconds = results[name]
        print(f"{name:42} {seconds:8.3f} {words / seconds:12,.0f} {base / seconds:8.2f}x")

    # root() alone, warm: every distinct word of the text, looked up again.
    vocabulary = [t.lower_ for text in texts for t in ours(text) if t.is_alpha]
    for word in vocabulary:
        root(word)
    seconds, _ = best_of(args.repeat, lambda: sum(1 for w in vocabulary if root(w)))
    print(f"\nroot() warm: {len(vocabulary) / seconds:,.0f} words/s over {len(vocabulary):,} words")
    info = root.cache_info()
    print(f"root() cache: {info.currsize:,} entries (max {info.maxsize:,})")
    sizes = [len(a.to_bytes(include_text=False)) / max(1, len(a.text.encode())) for a in analysed]
    print(f"cached analysis size (without text): {statistics.mean(sizes):.2f}x the UTF-8 text")


if __name__ == "__main__":
    main()
