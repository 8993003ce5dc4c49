#!/bin/sh
# Build the OCR-B MRZ cell classifier from scratch: idverify/documents/mrz/ocrb_cells.onnx
# (issue 16, item 2; what the committed model's run gave is in ocrb_cells.txt beside it).
#
#   scripts/build-ocrb-model.sh [TRAIN_VENV]
#
# TRAIN_VENV (default /work/train-venv) is a separate virtualenv with the training tools only,
# never idverify's own environment:  python3 -m venv /work/train-venv &&
#   /work/train-venv/bin/pip install torch==2.13.0 onnx numpy
# The cells are harvested with idverify's environment (PYTHON, default .venv/bin/python) from
# documents the project generates (python -m idverify.docgen.ocrb_cells), two processes at once.
# Deterministic: fixed seeds for the documents, the jitter and the training (--seed 16).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
TRAIN=${1:-/work/train-venv}/bin/python
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
harvest() { PYTHONPATH=$PWD nice -n 10 "$PY" -m idverify.docgen.ocrb_cells --seeds "$1" --out "$WORK/$2.npz"; }
harvest 700000:700240 a & a=$!
harvest 701000:701240 b & b=$!
harvest 800000:800020 valid
wait $a
wait $b
nice -n 10 "$TRAIN" scripts/train_ocrb_cells.py --train "$WORK/a.npz" "$WORK/b.npz" --valid "$WORK/valid.npz" \
  --epochs 4 --seed 16 --out idverify/documents/mrz/ocrb_cells.onnx
