"""What every client command shares: where the server is, credentials, images, the call, JSON.

The target and credentials come from flags or the environment (flags win): ``--target`` or
``IDVERIFY_TARGET`` (default ``127.0.0.1:50051``), ``--api-key`` or ``IDVERIFY_API_KEY`` (sent
as ``authorization: Bearer``), ``--tls-ca`` or ``IDVERIFY_TLS_CA`` (a PEM CA bundle: the call
goes over TLS). An error names the argument it is about (``--photo: not an image``), locally
before the call and, from the ErrorInfo ``field`` of a refusal, after it. ``--json`` prints the
response in protobuf's JSON mapping with every binary field summarised as its size and SHA-256
(``--include-images`` keeps the bytes, base64).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from idverify.cli.exit_codes import ExitCode
from idverify.client import error_info

__all__ = ["ClientError", "DEFAULT_TARGET", "ENV_API_KEY", "ENV_TARGET", "ENV_TLS_CA", "Called",
           "add_client_options", "call", "read_image", "to_json"]

DEFAULT_TARGET = "127.0.0.1:50051"
ENV_TARGET = "IDVERIFY_TARGET"
ENV_API_KEY = "IDVERIFY_API_KEY"
ENV_TLS_CA = "IDVERIFY_TLS_CA"

_REFUSED = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION,
            grpc.StatusCode.NOT_FOUND, grpc.StatusCode.OUT_OF_RANGE, grpc.StatusCode.ALREADY_EXISTS,
            grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED}


class ClientError(Exception):
    """A failed client command, with the exit code the CLI returns."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_client_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of every client command (target, credentials, deadline, output)."""
    p.add_argument("--target", help=f"server host:port (default ${ENV_TARGET} or {DEFAULT_TARGET})")
    p.add_argument("--api-key", help=f"API key (default ${ENV_API_KEY}); sent as authorization: Bearer")
    p.add_argument("--tls-ca", help=f"PEM CA bundle: call over TLS (default ${ENV_TLS_CA}; empty: plaintext)")
    p.add_argument("--timeout", type=float, default=60.0, help="deadline in seconds (default 60)")
    p.add_argument("--json", action="store_true", help="print the response as JSON (binary fields summarised)")
    p.add_argument("--include-images", action="store_true", help="with --json: keep binary fields (base64)")
    return p


def target(args: argparse.Namespace) -> str:
    """The server's host:port: ``--target``, else ``$IDVERIFY_TARGET``, else the default."""
    return getattr(args, "target", None) or os.environ.get(ENV_TARGET) or DEFAULT_TARGET


def _channel(args: argparse.Namespace) -> grpc.Channel:
    options = [("grpc.max_send_message_length", 64 * 1024 * 1024),
               ("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    ca = getattr(args, "tls_ca", None) or os.environ.get(ENV_TLS_CA)
    if not ca:
        return grpc.insecure_channel(target(args), options=options)
    try:
        roots = Path(ca).read_bytes()
    except OSError as exc:
        raise ClientError(f"--tls-ca: cannot read {ca}: {exc.strerror}", ExitCode.USAGE) from exc
    return grpc.secure_channel(target(args), grpc.ssl_channel_credentials(roots), options=options)


def _metadata(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    key = getattr(args, "api_key", None) or os.environ.get(ENV_API_KEY, "")
    return (("authorization", f"Bearer {key}"),) if key else ()


class Called:
    """A response and the wall time of its call as the client saw it (seconds)."""

    def __init__(self, response: Any, wall_seconds: float) -> None:
        self.response = response
        self.wall_seconds = wall_seconds


def call(args: argparse.Namespace, stub: Callable[[grpc.Channel], Any], method: str, request: Message,
         arguments: Mapping[str, str] | None = None) -> Called:
    """Call ``stub(channel).<method>(request)``; a failure becomes a :class:`ClientError` whose
    message names the command-line argument behind the ErrorInfo ``field`` (``arguments`` maps
    a request field, or its first part, to the argument that gave it)."""
    where = target(args)
    channel = _channel(args)
    started = time.perf_counter()
    try:
        response = getattr(stub(channel), method)(request, timeout=args.timeout, metadata=_metadata(args))
        return Called(response, time.perf_counter() - started)
    except grpc.RpcError as exc:
        code = exc.code()  # type: ignore[attr-defined]
        details = exc.details()  # type: ignore[attr-defined]
        if code == grpc.StatusCode.UNAVAILABLE:
            raise ClientError(f"cannot reach the idverify server at {where}: {details}", ExitCode.UNAVAILABLE) from exc
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise ClientError(f"no answer from {where} within {args.timeout:g} s", ExitCode.UNAVAILABLE) from exc
        info = error_info(exc)
        reason = f" [{info.reason}]" if info is not None and info.reason else ""
        argument = _argument(info.metadata.get("field", "") if info is not None else "", arguments or {})
        exit_code = ExitCode.REFUSED if code in _REFUSED else ExitCode.RPC_ERROR
        raise ClientError(f"{argument + ': ' if argument else ''}{code.name}{reason}: {details}", exit_code) from exc
    finally:
        channel.close()


def _argument(field: str, arguments: Mapping[str, str]) -> str:
    """The argument behind a request field path such as ``document_images[1]`` or ``probe``."""
    if not field:
        return ""
    if field in arguments:
        return arguments[field]
    head = field.split(".")[0]
    base = head.split("[")[0]
    return arguments.get(head) or arguments.get(base) or ""


def read_image(path: Path | None, argument: str, label: str = "") -> Any:
    """The file as an ``idverify.v1.Image``; a :class:`ClientError` naming ``argument`` when the
    file cannot be read or is not a JPEG, PNG, WebP or HEIC image (its header only is read)."""
    from idverify.v1 import verification_service_pb2 as pb

    data = read_bytes(path, argument)
    if not _is_image(data):
        raise ClientError(f"{argument}: not an image (JPEG, PNG, WebP or HEIC): {path}", ExitCode.USAGE)
    return pb.Image(content=data, label=label)


def read_bytes(path: Path | None, argument: str) -> bytes:
    """A file's bytes; a :class:`ClientError` naming ``argument`` when it cannot be read."""
    if path is None:
        raise ClientError(f"{argument}: missing file path", ExitCode.USAGE)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ClientError(f"{argument}: cannot read {path}: {exc.strerror}", ExitCode.USAGE) from exc


def _is_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError
    from pillow_heif import register_heif_opener

    register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header, not the pixels
            return image.format in {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def to_json(message: Message, include_images: bool = False) -> str:
    """``message`` as indented JSON (proto field names); bytes fields become
    ``{"bytes": N, "sha256": "..."}`` unless ``include_images``."""
    data = json_format.MessageToDict(message, preserving_proto_field_name=True)
    if not include_images:
        _summarise(message, data)
    return json.dumps(data, indent=2, ensure_ascii=False)


def _summarise(message: Message, data: dict[str, Any]) -> None:
    for field, value in message.ListFields():
        key = field.name
        if key not in data:
            continue
        repeated = field.is_repeated
        if field.type == FieldDescriptor.TYPE_BYTES:
            data[key] = [_digest(v) for v in value] if repeated else _digest(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE and not (field.message_type.GetOptions().map_entry):
            if repeated:
                for item, item_data in zip(value, data[key], strict=True):
                    _summarise(item, item_data)
            elif isinstance(data[key], dict):
                _summarise(value, data[key])


def _digest(value: bytes) -> dict[str, Any]:
    return {"bytes": len(value), "sha256": hashlib.sha256(value).hexdigest()}
