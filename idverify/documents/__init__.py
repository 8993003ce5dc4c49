"""Reading ID documents: MRZ, printed fields, PDF417 barcode, portrait and document checks.

    tesseract     every Tesseract setting, the engine interface and its backend (built once)
    locate        the document's outline in a photo, rectified
    mrz/          the machine-readable zone, all of it:
      locate        the MRZ zone and its character grid (morphology + geometry)
      ocr           cells, filler templates, Tesseract per line, two binarisations
      read          orientation search and best-read selection by check-digit score
      parse, ...    pure ICAO 9303 logic: layouts, check digits, parsing with OCR correction
    printed_fields  the visual inspection zone (VIZ): printed fields by their labels
    barcode       PDF417 (zxing-cpp) and the AAMVA parser
    portrait      main and ghost portraits (dlib HOG)
    checks        expiry, age, check digits, MRZ/VIZ agreement as reasons
    reader        read_document(images, reader) -> ReadDocumentResponse
    settings      DocumentSettings
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["DocumentReader", "DocumentSettings", "build_document_reader", "read_document"]

if TYPE_CHECKING:
    from idverify.documents.reader import DocumentReader, build_document_reader, read_document
    from idverify.documents.settings import DocumentSettings


def __getattr__(name: str) -> Any:
    # Lazy: the configuration imports DocumentSettings, and must not pull in OpenCV and the
    # protobuf messages with it.
    if name == "DocumentSettings":
        from idverify.documents.settings import DocumentSettings

        return DocumentSettings
    if name in ("DocumentReader", "build_document_reader", "read_document"):
        from idverify.documents import reader

        return getattr(reader, name)
    raise AttributeError(name)
