"""`qualcode generate`: write a synthetic study for benchmarks and load tests.

Registered on the main command group with ``main.add_command(generate)``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("generate")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--documents",
    "-n",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="How many documents (about 80% interviews, 10% observation notes, 10% documents).",
)
@click.option(
    "--words",
    "-w",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Words of text in every document (reached to within one sentence).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option(
    "--sample",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Sample study to learn from (default: the bundled transcripts/ folder).",
)
def generate(out: Path, documents: int, words: int, seed: int, sample: Path | None) -> None:
    """Write a synthetic Indonesian study of DOCUMENTS files into OUT.

    The texts recombine the sample study's sentences with new names, numbers,
    places and fillers, under the same kinds of speaker labels and front matter.
    """
    from qualcode.generate import generate_corpus

    began = time.perf_counter()
    try:
        paths = generate_corpus(out, documents, words, seed, sample_dir=sample)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    seconds = time.perf_counter() - began
    total = sum(p.stat().st_size for p in paths)
    click.echo(
        f"{len(paths)} documents, about {len(paths) * words:,} words ({total / 1e6:.1f} MB) "
        f"written to {out} in {seconds:.1f} s"
    )
