"""A corpus of hostile and broken requests, for the live-server bad-input test (issue 9).

Every case is ``(case_id, method, request_bytes, allowed_codes, reason_prefixes)``: the raw
serialised request (so malformed protobuf and invalid UTF-8 can be sent), the status codes the
server may answer with, and, for refusals, the ErrorInfo reasons it may give. No case may
produce INTERNAL or UNKNOWN, and the server must stay SERVING through all of them.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from idverify.v1 import verification_service_pb2 as pb
from idverify.screening.v1 import screening_service_pb2 as spb
from linker.v1 import linking_service_pb2 as lpb

OK, INVALID = "OK", "INVALID_ARGUMENT"
IMAGE_REASONS = ("IMAGE_", "UNSUPPORTED_FORMAT", "MISSING_FIELD")


@dataclass(frozen=True)
class Case:
    case_id: str
    method: str
    request: bytes
    allowed: frozenset[str]
    reasons: tuple[str, ...] = ()


def _sample_rgb(size: int = 256) -> Image.Image:
    import skimage

    path = Path(skimage.__file__).parent / "data" / "astronaut.png"
    return Image.open(path).convert("RGB").resize((size, size))


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_with_header(width: int, height: int, payload: bytes = b"") -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", payload) + _png_chunk(b"IEND", b"")


def _bomb_png(side: int = 20000) -> bytes:
    """A 1-bit image of side x side pixels whose compressed size is small (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def image_corpus() -> list[tuple[str, bytes, frozenset[str], tuple[str, ...]]]:
    """(name, bytes, allowed codes, reasons) for broken, hostile and odd-but-valid images."""
    rng = random.Random(20261124)
    base = _sample_rgb()
    out: list[tuple[str, bytes, frozenset[str], tuple[str, ...]]] = []
    refuse = frozenset({INVALID})
    either = frozenset({OK, INVALID})
    encoded = {
        "jpeg": _encode(base, "JPEG", quality=85),
        "png": _encode(base, "PNG"),
        "webp": _encode(base, "WEBP", quality=80),
        "gif": _encode(base.convert("P"), "GIF"),
        "bmp": _encode(base, "BMP"),
        "tiff": _encode(base, "TIFF"),
        "heif": _encode(base, "HEIF"),
    }
    for fmt, data in encoded.items():
        for frac in (0.05, 0.3, 0.6, 0.9):
            out.append((f"{fmt}-truncated-{int(frac * 100)}", data[: max(1, int(len(data) * frac))], either if fmt in ("bmp", "tiff") else refuse, IMAGE_REASONS))
        out.append((f"{fmt}-header-only", data[:16], refuse, IMAGE_REASONS))
        for seed in range(2):
            flipped = bytearray(data)
            r = random.Random(seed)
            for _ in range(20):
                pos = r.randrange(len(flipped) // 4, len(flipped))
                flipped[pos] ^= 0xFF
            out.append((f"{fmt}-bitflips-{seed}", bytes(flipped), either, IMAGE_REASONS))
    out += [
        ("empty", b"", refuse, IMAGE_REASONS),
        ("one-byte", b"\xff", refuse, IMAGE_REASONS),
        ("text", b"hello, this is not an image\n" * 20, refuse, IMAGE_REASONS),
        ("html", b"<!doctype html><html><body><img src=x></body></html>", refuse, IMAGE_REASONS),
        ("svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect/></svg>', refuse, IMAGE_REASONS),
        ("pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", refuse, IMAGE_REASONS),
        ("zip", b"PK\x03\x04" + bytes(60), refuse, IMAGE_REASONS),
        ("elf", b"\x7fELF\x02\x01\x01" + bytes(57), refuse, IMAGE_REASONS),
        ("jpeg-magic-only", b"\xff\xd8\xff\xe0", refuse, IMAGE_REASONS),
        ("png-magic-only", b"\x89PNG\r\n\x1a\n", refuse, IMAGE_REASONS),
        ("png-huge-dimensions", _png_with_header(1_000_000, 1_000_000), refuse, ("IMAGE_TOO_LARGE", "IMAGE_UNREADABLE")),
        ("png-wide-strip", _png_with_header(2_000_000, 1), refuse, ("IMAGE_TOO_LARGE", "IMAGE_UNREADABLE", "IMAGE_TOO_SMALL")),
        ("png-zero-dimensions", _png_with_header(0, 0), refuse, IMAGE_REASONS),
        ("png-decompression-bomb", _bomb_png(), refuse, ("IMAGE_TOO_LARGE",)),
        ("png-1x1", _encode(Image.new("RGB", (1, 1)), "PNG"), refuse, ("IMAGE_TOO_SMALL",)),
        ("png-8x8", _encode(Image.new("RGB", (8, 8)), "PNG"), refuse, ("IMAGE_TOO_SMALL",)),
    ]
    for i in range(6):
        n = rng.choice([10, 100, 1000, 50_000])
        out.append((f"random-bytes-{i}", rng.randbytes(n), refuse, IMAGE_REASONS))
    # Odd but valid images: every mode converts to 8-bit RGB; the call succeeds.
    grey16 = Image.fromarray((np.asarray(base.convert("L"), dtype=np.uint16) * 257))
    valid = {
        "valid-grey": _encode(base.convert("L"), "PNG"),
        "valid-grey16": _encode(grey16, "PNG"),
        "valid-rgba": _encode(base.convert("RGBA"), "PNG"),
        "valid-palette": _encode(base.convert("P"), "PNG"),
        "valid-cmyk-jpeg": _encode(base.convert("CMYK"), "JPEG"),
        "valid-la": _encode(base.convert("LA"), "PNG"),
        "valid-heif": encoded["heif"],
        "valid-webp": encoded["webp"],
    }
    out += [(name, data, frozenset({OK}), ()) for name, data in valid.items()]
    return out


def _face_photo() -> bytes:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return path.read_bytes()


def _invalid_utf8_declared() -> bytes:
    # VerifyIdentityRequest.declared (field 3) holding DeclaredProfile.full_name (field 1) = b"\xff\xfe"
    inner = b"\x0a\x02\xff\xfe"
    return b"\x1a" + bytes([len(inner)]) + inner


def corpus() -> list[Case]:
    """Every case, about 250."""
    face = _face_photo()
    good = pb.Image(content=face)
    cases: list[Case] = []
    V = "/idverify.v1.VerificationService/"
    L = "/linker.v1.LinkingService/"
    S = "/idverify.screening.v1.ScreeningService/"
    for name, data, allowed, reasons in image_corpus():
        img = pb.Image(content=data)
        placements = {
            "compare.reference": (V + "CompareFaces", pb.CompareFacesRequest(reference=img, probe=good)),
            "compare.probe": (V + "CompareFaces", pb.CompareFacesRequest(reference=good, probe=img)),
            "read.images": (V + "ReadDocument", pb.ReadDocumentRequest(images=[img])),
        }
        for where, (method, message) in placements.items():
            cases.append(Case(f"{where}/{name}", method, message.SerializeToString(), allowed, reasons))
    declared = pb.DeclaredProfile(full_name="Test Person", birth_date="1990-01-01")
    messages = [
        ("compare-empty", V + "CompareFaces", pb.CompareFacesRequest(), ("MISSING_FIELD", "IMAGE_EMPTY", "IMAGE_")),
        ("compare-no-probe", V + "CompareFaces", pb.CompareFacesRequest(reference=good), ("MISSING_FIELD", "IMAGE_")),
        ("read-no-images", V + "ReadDocument", pb.ReadDocumentRequest(), ("MISSING_FIELD", "NO_IMAGES")),
        ("read-too-many-images", V + "ReadDocument", pb.ReadDocumentRequest(images=[good] * 5), ("TOO_MANY_ITEMS",)),
        ("verify-empty", V + "VerifyIdentity", pb.VerifyIdentityRequest(), ("MISSING_FIELD",)),
        ("verify-no-document", V + "VerifyIdentity", pb.VerifyIdentityRequest(profile_photo=good, declared=declared), ("MISSING_FIELD",)),
        ("verify-empty-document", V + "VerifyIdentity", pb.VerifyIdentityRequest(profile_photo=good, document_images=[pb.Image()], declared=declared), ("MISSING_FIELD", "IMAGE_")),
        ("verify-long-name", V + "VerifyIdentity", pb.VerifyIdentityRequest(profile_photo=good, document_images=[good], declared=pb.DeclaredProfile(full_name="A" * 100_000)), ("FIELD_TOO_LONG",)),
        ("verify-nul-name", V + "VerifyIdentity", pb.VerifyIdentityRequest(profile_photo=good, document_images=[good], declared=pb.DeclaredProfile(full_name="a\x00b")), ("FIELD_INVALID",)),
        ("match-bad-dob", V + "MatchProfile", pb.MatchProfileRequest(declared=pb.DeclaredProfile(full_name="A B", birth_date="31/31/1990")), ("DOB_INVALID", "BIRTH_DATE", "INVALID_DATE", "FIELD_INVALID")),
        ("register-empty", L + "RegisterAccount", lpb.RegisterAccountRequest(), ("MISSING_FIELD", "ACCOUNT_ID", "INVALID")),
        ("register-no-kind", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1"), ("ACCOUNT_KIND", "MISSING_FIELD")),
        ("register-nan-embedding", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float("nan")] * 128)]), ("NOT_FINITE",)),
        ("register-inf-embedding", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float("inf")] * 128)]), ("NOT_FINITE",)),
        ("register-short-embedding", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.1] * 5)]), ("EMBEDDING", "SIGNAL", "INVALID")),
        ("register-unspecified-signal", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[lpb.Signal(value="x")]), ("SIGNAL", "TYPE", "INVALID")),
        ("register-long-id", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a" * 5000, kind=lpb.ACCOUNT_KIND_CLIENT), ("FIELD_TOO_LONG",)),
        ("register-too-many-signals", L + "RegisterAccount", lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_CLIENT, signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value="10.0.0.1")] * 2000), ("TOO_MANY_ITEMS",)),
        ("register-batch-empty", L + "RegisterAccounts", lpb.RegisterAccountsRequest(), ("MISSING_FIELD",)),
        ("register-batch-no-kind", L + "RegisterAccounts", lpb.RegisterAccountsRequest(accounts=[lpb.RegisterAccountRequest(account_id="a1")]), ("ACCOUNT_KIND",)),
        ("register-batch-nan-embedding", L + "RegisterAccounts", lpb.RegisterAccountsRequest(accounts=[lpb.RegisterAccountRequest(account_id="a1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float("nan")] * 128)])]), ("NOT_FINITE",)),
        ("register-batch-too-large", L + "RegisterAccounts", lpb.RegisterAccountsRequest(accounts=[lpb.RegisterAccountRequest(account_id=f"a{i}", kind=lpb.ACCOUNT_KIND_CLIENT) for i in range(600)]), ("BATCH_TOO_LARGE",)),
        ("explain-empty", L + "ExplainLink", lpb.ExplainLinkRequest(), ("MISSING_FIELD", "ACCOUNT", "INVALID")),
        ("review-unspecified", L + "RecordReview", lpb.RecordReviewRequest(account_id_a="a", account_id_b="b"), ("REVIEW_ACTION", "MISSING_FIELD")),
        ("delete-empty", L + "DeleteAccount", lpb.DeleteAccountRequest(), ("MISSING_FIELD", "ACCOUNT", "INVALID")),
        # proto3 takes any enum number on the wire; one the contract does not define is a bad field.
        ("screen-undefined-kind", S + "ScreenMessage", spb.ScreenMessageRequest(text="hello there", sender_account_id="a1", kind=99), ("INVALID_ENUM",)),
        ("screen-undefined-kind-dry-run", S + "ScreenMessage", spb.ScreenMessageRequest(text="hello there", kind=99, dry_run=True), ("INVALID_ENUM",)),
        ("contract-empty", L + "RecordContract", lpb.RecordContractRequest(), ("MISSING_FIELD", "CONTRACT", "INVALID", "ACCOUNT")),
    ]
    for case_id, method, message, reasons in messages:
        cases.append(Case(case_id, method, message.SerializeToString(), frozenset({INVALID}), reasons))
    raw = [
        ("raw-garbage-verify", V + "VerifyIdentity", b"\xff\xff\xff\xff"),
        ("raw-garbage-register", L + "RegisterAccount", b"\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"),
        ("raw-invalid-utf8-name", V + "VerifyIdentity", _invalid_utf8_declared()),
        ("raw-truncated-length", V + "CompareFaces", b"\x0a\xff\x01abc"),
    ]
    for case_id, method, data in raw:
        cases.append(Case(case_id, method, data, frozenset({INVALID}), ("MALFORMED_REQUEST",)))
    # Broken documents, not broken bytes (issue 16): one of each damage. A document is input,
    # so each gets an answer with reasons, never a status.
    from idverify.docgen.damage import DAMAGES, damage_document

    for i, damage in enumerate(DAMAGES):
        d = damage_document(40 + i, damage, kind="td3", level="mild")
        images = [pb.Image(content=data) for data in d.images]
        cases.append(Case(f"read.damaged/{damage}", V + "ReadDocument", pb.ReadDocumentRequest(images=images).SerializeToString(),
                          frozenset({"OK"})))
        cases.append(Case(f"verify.damaged/{damage}", V + "VerifyIdentity", pb.VerifyIdentityRequest(
            profile_photo=good, document_images=images, declared=declared).SerializeToString(), frozenset({"OK"})))
    # A field sent with the wrong wire type parses as an unknown field: the request is empty.
    cases.append(Case("raw-wrong-wire-type", V + "ReadDocument", b"\x0d\x01\x02\x03\x04",
                      frozenset({INVALID}), ("MISSING_FIELD",)))
    return cases
