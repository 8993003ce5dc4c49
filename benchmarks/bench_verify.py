"""VerifyIdentity end-to-end latency: a 12-megapixel profile photo plus a phone photo of a
generated passport, through a real server (gRPC, worker processes, dlib, Tesseract).

    python benchmarks/bench_verify.py [--runs 7]

Side by side in the same run: the same call with a 640x480 profile photo, and the steps alone
(ReadDocument and CompareFaces called one after the other), to show what running them at the
same time inside VerifyIdentity saves. Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc
import matplotlib
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from idverify.app import Application  # noqa: E402
from idverify.config import load_config  # noqa: E402
from idverify.docgen import generate_document  # noqa: E402
from idverify.server.app import create_server  # noqa: E402
from idverify.app.dependencies import build_dependencies  # noqa: E402
from idverify.v1 import verification_service_pb2 as pb  # noqa: E402
from idverify.v1 import verification_service_pb2_grpc as pb_grpc  # noqa: E402

HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


def _jpeg(megapixels: float) -> tuple[bytes, str]:
    """The sample photo upscaled (aspect kept) to about ``megapixels``, as a phone JPEG."""
    img = Image.open(HOPPER).convert("RGB")
    scale = (megapixels * 1e6 / (img.width * img.height)) ** 0.5
    img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue(), f"{img.width}x{img.height}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(overrides={"server": {"port": 0}, "store": {"url": f"{tmp}/s.sqlite3"}}, environ={})
        deps = build_dependencies(config)
        running, port = create_server(config, Application(deps))
        running.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
        stub = pb_grpc.VerificationServiceStub(channel)
        doc = generate_document(11, kind="td3", level="mild", portrait=HOPPER, expired=False)
        declared = pb.DeclaredProfile(full_name=f"{doc.truth.given_names} {doc.truth.surname}",
                                      birth_date=doc.truth.birth_date.isoformat())
        documents = [pb.Image(content=i) for i in doc.images]
        rows = []
        for megapixels in (12.0, 0.3):
            photo, size = _jpeg(megapixels)
            label = f"{megapixels:g} MP photo ({size})"
            request = pb.VerifyIdentityRequest(profile_photo=pb.Image(content=photo), document_images=documents,
                                               declared=declared)
            stub.VerifyIdentity(request, timeout=300)  # warm-up
            together, apart, decisions = [], [], set()
            for _ in range(args.runs):
                t = time.perf_counter()
                reply = stub.VerifyIdentity(request, timeout=300)
                together.append((time.perf_counter() - t) * 1000)
                decisions.add(pb.VerificationDecision.Name(reply.decision))
                t = time.perf_counter()
                stub.ReadDocument(pb.ReadDocumentRequest(images=documents), timeout=300)
                stub.CompareFaces(pb.CompareFacesRequest(reference=documents[0], probe=pb.Image(content=photo),
                                                         reference_kind=pb.REFERENCE_KIND_DOCUMENT), timeout=300)
                apart.append((time.perf_counter() - t) * 1000)
            rows.append((label, statistics.median(together), statistics.median(apart), decisions))
        channel.close()
        running.stop(0).wait()
        deps.close()
    print(f"\n{args.runs} runs each, medians\n")
    print("| profile photo | VerifyIdentity ms | ReadDocument then CompareFaces ms | saved by running together | decisions |")
    print("|---|---|---|---|---|")
    for label, together, apart, decisions in rows:
        print(f"| {label} | {together:.0f} | {apart:.0f} | {apart / together:.2f}x | {', '.join(sorted(decisions))} |")


if __name__ == "__main__":
    main()
