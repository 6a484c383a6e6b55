#!/usr/bin/env bash
# Train the small Indonesian spaCy pipeline (morphologizer, parser, trainable lemmatizer)
# from the Universal Dependencies treebanks and install it as
# src/qualcode/data/models/id_qualcode_ud.
#
#   train: GSD dev + CSUI train + PUD test (2,215 sentences, about 50K words)
#   dev:   CSUI test (checkpoint selection)
#   test:  GSD test (held out, only used by the final `spacy evaluate`)
#
# Usage: scripts/train_ud_model.sh [UD_DIR] [WORK_DIR]
#   UD_DIR   folder holding UD_Indonesian-GSD, -CSUI, -PUD (default ../shared/ud-indonesian)
#   WORK_DIR scratch folder for converted corpora and checkpoints (default build/ud-train)
# Environment: PYTHON (default .venv/bin/python), SEED (default 0), INSTALL=0 to skip the copy.
# Takes about 6 minutes on one CPU core; no network access is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

UD_DIR="${1:-../shared/ud-indonesian}"
WORK="${2:-build/ud-train}"
PYTHON="${PYTHON:-.venv/bin/python}"
SEED="${SEED:-0}"
TARGET="src/qualcode/data/models/id_qualcode_ud"

GSD="$UD_DIR/UD_Indonesian-GSD"
CSUI="$UD_DIR/UD_Indonesian-CSUI"
PUD="$UD_DIR/UD_Indonesian-PUD"
for f in "$GSD/id_gsd-ud-dev.conllu" "$GSD/id_gsd-ud-test.conllu" \
         "$CSUI/id_csui-ud-train.conllu" "$CSUI/id_csui-ud-test.conllu" \
         "$PUD/id_pud-ud-test.conllu"; do
  [ -f "$f" ] || { echo "missing treebank file: $f" >&2; exit 1; }
done

mkdir -p "$WORK/conllu" "$WORK/corpus"
cat "$GSD/id_gsd-ud-dev.conllu" "$CSUI/id_csui-ud-train.conllu" "$PUD/id_pud-ud-test.conllu" \
  > "$WORK/conllu/train.conllu"
cp "$CSUI/id_csui-ud-test.conllu" "$WORK/conllu/dev.conllu"
cp "$GSD/id_gsd-ud-test.conllu" "$WORK/conllu/test.conllu"

for split in train dev test; do
  "$PYTHON" -m spacy convert "$WORK/conllu/$split.conllu" "$WORK/corpus" \
    --converter conllu -n 10 --file-type spacy >/dev/null
done

start=$(date +%s)
"$PYTHON" -m spacy train scripts/ud_config.cfg --output "$WORK/model" \
  --paths.train "$WORK/corpus/train.spacy" --paths.dev "$WORK/corpus/dev.spacy" \
  --system.seed "$SEED" --nlp.batch_size 256
end=$(date +%s)
echo "training took $((end - start)) s"

"$PYTHON" -m spacy evaluate "$WORK/model/model-best" "$WORK/corpus/test.spacy" \
  --output "$WORK/test-scores.json"

if [ "${INSTALL:-1}" = "1" ]; then
  rm -rf "$TARGET"
  mkdir -p "$(dirname "$TARGET")"
  cp -r "$WORK/model/model-best" "$TARGET"
  "$PYTHON" - "$TARGET" <<'EOF'
import json
import sys
from pathlib import Path

meta_path = Path(sys.argv[1]) / "meta.json"
meta = json.loads(meta_path.read_text(encoding="utf-8"))
meta.update(
    name="qualcode_ud",
    version="0.1.0",
    description=(
        "Indonesian morphologizer, dependency parser and lemmatizer trained on "
        "UD Indonesian GSD (dev), CSUI (train) and PUD; held-out test: GSD test."
    ),
    license="CC BY-SA 4.0",
    sources=[
        {"name": "UD_Indonesian-GSD", "url": "https://github.com/UniversalDependencies/UD_Indonesian-GSD", "license": "CC BY-SA 4.0"},
        {"name": "UD_Indonesian-CSUI", "url": "https://github.com/UniversalDependencies/UD_Indonesian-CSUI", "license": "CC BY-SA 4.0"},
        {"name": "UD_Indonesian-PUD", "url": "https://github.com/UniversalDependencies/UD_Indonesian-PUD", "license": "CC BY-SA 3.0"},
    ],
)
meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
EOF
  cat > "$TARGET/LICENSE-UD.txt" <<'LICENSE'
id_qualcode_ud: Indonesian spaCy pipeline (morphologizer, parser, trainable lemmatizer)

This model is a derived work of the Universal Dependencies treebanks listed below and is
distributed under the Creative Commons Attribution-ShareAlike 4.0 International licence
(CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/legalcode). PUD is licensed
CC BY-SA 3.0, which permits adaptation under CC BY-SA 4.0. The qualcode source code stays
MIT-licensed; this notice covers only the files in this directory.

Training data (copied unchanged from github.com/UniversalDependencies):
  UD_Indonesian-GSD  id_gsd-ud-dev.conllu (training), id_gsd-ud-test.conllu (held-out test)
                     commit 89491e4d51c15da157175c303213ae5ff6f05f9d, CC BY-SA 4.0
  UD_Indonesian-CSUI id_csui-ud-train.conllu (training), id_csui-ud-test.conllu (dev)
                     commit 41dd7f23be883382dd111b119fe58b563c5541ee, CC BY-SA 4.0
  UD_Indonesian-PUD  id_pud-ud-test.conllu (training)
                     commit 765fb3fe486201f094cb177aff5aa84bc6b06800, CC BY-SA 3.0
Retrain with scripts/train_ud_model.sh (spaCy 3.8, seed 0).

Citations
- Universal Dependencies: Marie-Catherine de Marneffe, Christopher D. Manning, Joakim Nivre
  and Daniel Zeman. 2021. Universal Dependencies. Computational Linguistics 47(2): 255-308.
- UD Indonesian-GSD: Ryan McDonald, Joakim Nivre, Yvonne Quirmbach-Brundage, Yoav Goldberg,
  Dipanjan Das, Kuzman Ganchev, Keith Hall, Slav Petrov, Hao Zhang, Oscar Tackstrom, Claudia
  Bedini, Nuria Bertomeu Castello and Jungmee Lee. 2013. Universal Dependency Annotation for
  Multilingual Parsing. Proceedings of ACL 2013. Septina Dian Larasati, Vladislav Kubon and
  Daniel Zeman. 2011. Indonesian Morphology Tool (MorphInd): Towards an Indonesian Corpus.
  SCFM 2011. (Corrected in 2021 by Dan Zeman and Ika Alfina.)
- UD Indonesian-CSUI: Ika Alfina, Indra Budi and Heru Suhartanto. 2020. Tree Rotations for
  Dependency Trees: Converting the Head-Directionality of Noun Phrases. Journal of Computer
  Science 16(11): 1585-1597. M. Yudistira Hanifmuti and Ika Alfina. 2020. Aksara: An
  Indonesian Morphological Analyzer that Conforms to the UD v2 Annotation Guidelines.
  IALP 2020. Source constituency treebank: Arawinda Dinakaramani, Fam Rashel, Andry Luthfi
  and Ruli Manurung (2015), github.com/famrashel/idn-treebank.
- UD Indonesian-PUD: Ika Alfina, Daniel Zeman, Arawinda Dinakaramani, Indra Budi and Heru
  Suhartanto. 2020. Selecting the UD v2 Morphological Features for Indonesian Dependency
  Treebank. IALP 2020. Ika Alfina, Arawinda Dinakaramani, Mohamad Ivan Fanany and Heru
  Suhartanto. 2019. A Gold Standard Dependency Treebank for Indonesian. PACLIC 33. Daniel
  Zeman, Jan Hajic, Martin Popel, Martin Potthast, Milan Straka, Filip Ginter, Joakim Nivre
  and Slav Petrov. 2018. CoNLL 2018 Shared Task: Multilingual Parsing from Raw Text to
  Universal Dependencies. Proceedings of the CoNLL 2018 Shared Task. Plus McDonald et al.
  (2013) above.
LICENSE
  echo "installed $TARGET ($(du -sh "$TARGET" | cut -f1))"
fi
