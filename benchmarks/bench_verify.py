"""VerifyIdentity end-to-end latency: a 12-megapixel profile photo plus a phone photo of a
generated passport, through a real server (gRPC, worker processes, dlib, Tesseract).

    python benchmarks/bench_verify.py [--runs 7]
    python benchmarks/bench_verify.py --signup --linker-accounts 100000 --runs 40

Side by side in the same run: the same call with a 640x480 profile photo, and the steps alone
(ReadDocument and CompareFaces called one after the other), to show what running them at the
same time inside VerifyIdentity saves. Prints medians in milliseconds.

``--signup``: the linker is on and holds ``--linker-accounts`` accounts (bench_linker.py's
synthetic population, registered through the engine's register_many before the server starts),
and each run times a Signup call (a new account id each time, the same photo and document)
beside VerifyIdentity on the same request, alternating, for the 0.3 MP photo: medians and p99
of both, their difference, and the linking step alone (``Linking.register`` timed inside the
server process), which is what the difference should be when the machine is quiet.
"""

from __future__ import annotations

import argparse
import collections
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
from linker.v1 import linking_service_pb2 as lpb  # noqa: E402

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
    parser.add_argument("--signup", action="store_true", help="time Signup beside VerifyIdentity, linker prefilled")
    parser.add_argument("--linker-accounts", type=int, default=100_000)
    args = parser.parse_args()
    if args.signup:
        signup_against_verify(args.runs, args.linker_accounts)
        return
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


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def signup_against_verify(runs: int, accounts: int) -> None:
    """Signup and VerifyIdentity on the same request through a real server, the linker holding
    ``accounts`` accounts (see the module docstring)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_signup import config_for, prefill

    with tempfile.TemporaryDirectory() as tmp:
        config = config_for(f"{tmp}/s.sqlite3", workers=2)
        deps = build_dependencies(config)
        app = Application(deps)
        took = prefill(app.linking.linker, accounts) if accounts else 0.0
        linking_ms: list[float] = []
        register = app.linking.register

        def timed_register(request):
            t = time.perf_counter()
            try:
                return register(request)
            finally:
                linking_ms.append((time.perf_counter() - t) * 1000)

        app.linking.register = timed_register  # this process only: the server calls this object
        running, port = create_server(config, app)
        running.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
        stub = pb_grpc.VerificationServiceStub(channel)
        doc = generate_document(11, kind="td3", level="mild", portrait=HOPPER, expired=False)
        declared = pb.DeclaredProfile(full_name=f"{doc.truth.given_names} {doc.truth.surname}",
                                      birth_date=doc.truth.birth_date.isoformat(), email="grace@example.org")
        photo, size = _jpeg(0.3)
        verify = pb.VerifyIdentityRequest(profile_photo=pb.Image(content=photo),
                                          document_images=[pb.Image(content=i) for i in doc.images], declared=declared)
        stub.VerifyIdentity(verify, timeout=300)  # warm-up
        verify_ms, signup_ms, decisions = [], [], collections.Counter()
        for i in range(runs + 1):
            request = pb.SignupRequest(kind=lpb.ACCOUNT_KIND_CLIENT)
            request.verification.CopyFrom(verify)
            request.verification.account_id = f"bench-{i}"
            t = time.perf_counter()
            reply = stub.Signup(request, timeout=300)
            elapsed = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            stub.VerifyIdentity(verify, timeout=300)
            if i:  # the first Signup warms the linker's path
                signup_ms.append(elapsed)
                verify_ms.append((time.perf_counter() - t) * 1000)
                decisions[lpb.LinkDecision.Name(reply.registered.decision)] += 1
        channel.close()
        running.stop(0).wait()
        faces = len(app.linking.linker.index)
        deps.close()
    linking_ms = linking_ms[1:]
    print(f"\n{runs} runs each, alternating, 0.3 MP photo ({size}); linker prefilled with {accounts:,} accounts "
          f"({faces:,} faces) in {took:.0f} s; link decisions {dict(decisions)}\n")
    print("| call | median ms | p99 ms |")
    print("|---|---|---|")
    print(f"| VerifyIdentity | {statistics.median(verify_ms):.0f} | {_pct(verify_ms, 99):.0f} |")
    print(f"| Signup (verify + link + record) | {statistics.median(signup_ms):.0f} | {_pct(signup_ms, 99):.0f} |")
    print(f"| difference of the medians | {statistics.median(signup_ms) - statistics.median(verify_ms):.0f} | |")
    print(f"| linking step alone (Linking.register, in the server) | {statistics.median(linking_ms):.1f} "
          f"| {_pct(linking_ms, 99):.1f} |")


if __name__ == "__main__":
    main()
