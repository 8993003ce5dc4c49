"""Face comparison speed: idverify's pipeline against the naive face_recognition pipeline.

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_faces.py [--pairs 8] [--pairs-12mp 4]
        [--rps-requests 48] [--rounds 3] [--skip-rps]

Part 1, side by side in one run: for same-person and different-person pairs of the large
photos in ../shared/faces, rendered as 640x480 and as 12 MP (4000x3000, upscaled) JPEGs, the
median milliseconds per pair of
  naive:    face_recognition.load_image_file -> face_locations -> face_encodings, full resolution
  idverify: idverify.faces.pipeline.compare_faces (in-process)
and whether the decisions agree (naive: distance <= 0.6, face_recognition's tolerance).
Part 0 (``--accuracy``, from the cache of benchmarks/face_measurements.py): per set (photo
pairs; portraits printed at each docgen level), the decisions at the configured per-class
thresholds against face_recognition at 0.6, FAR/FRR at a few thresholds for both, and the
median CPU seconds per pair of each.
Part 2: CompareFaces requests per second through a real gRPC server at concurrency 8 with one
and with two worker processes. The machine is shared: medians and ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import threading
import time
from pathlib import Path

from PIL import Image

from idverify.app import Application  # noqa: E402
from idverify.faces.models import load_face_models
from idverify.faces.pipeline import compare_faces
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings, decode_image
from idverify.v1 import verification_service_pb2 as pb

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
PEOPLE = ("barack_obama", "joe_biden", "alex_lacamoire", "kit_harington", "rose_leslie", "lin_manuel_miranda")
NAIVE_TOLERANCE = 0.6


def render(data: bytes, size: tuple[int, int]) -> bytes:
    """The photo fitted into ``size`` (upscaled or downscaled, grey padding) as JPEG q92."""
    rgb = Image.fromarray(decode_image(data).rgb)
    scale = min(size[0] / rgb.width, size[1] / rgb.height)
    fitted = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", size, (128, 128, 128))
    canvas.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
    buf = io.BytesIO()
    canvas.save(buf, format="JPEG", quality=92)
    return buf.getvalue()


def choose_pairs(n: int) -> list[tuple[str, str, bool]]:
    with open(SHARED / "pairs.csv", newline="") as fh:
        rows = [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(fh)]
    rows = [r for r in rows if r[0].split("/")[0] in PEOPLE and r[1].split("/")[0] in PEOPLE]
    same = [r for r in rows if r[2]][: (n + 1) // 2]
    different = [r for r in rows if not r[2]][:: 7][: n // 2]
    return same + different


def naive_pair(a: bytes, b: bytes) -> float | None:
    import face_recognition

    encodings = []
    for data in (a, b):
        image = face_recognition.load_image_file(io.BytesIO(data))
        locations = face_recognition.face_locations(image)
        found = face_recognition.face_encodings(image, locations)
        if not found:
            return None
        encodings.append(found[0])
    return float(face_recognition.face_distance([encodings[0]], encodings[1])[0])


def bench_pairs(pairs, size, models, settings, images) -> dict:
    naive_ms, ours_ms, rows = [], [], []
    for a, b, same in pairs:
        da, db = render((SHARED / a).read_bytes(), size), render((SHARED / b).read_bytes(), size)
        t = time.perf_counter()
        nd = naive_pair(da, db)
        naive_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        response = compare_faces(da, db, pb.REFERENCE_KIND_PORTRAIT, models=models, settings=settings, image_settings=images)
        ours_ms.append((time.perf_counter() - t) * 1000)
        naive_match = nd is not None and nd <= NAIVE_TOLERANCE
        ours = pb.FaceDecision.Name(response.decision).removeprefix("FACE_DECISION_")
        agree = (ours == "MATCH") == naive_match and ours != "INCONCLUSIVE"
        reasons = ",".join(r.code for r in response.reasons)
        rows.append((same, nd, response.distance if response.has_distance else None, naive_match, ours, agree, reasons))
    return {"naive": statistics.median(naive_ms), "ours": statistics.median(ours_ms), "rows": rows}


def bench_rps(processes: int, requests: int, concurrency: int, reference: bytes, probe: bytes) -> float:
    import grpc

    from idverify.config import Config, ServerSettings
    from idverify.server.app import create_server
    from idverify.app.dependencies import build_dependencies
    from idverify.v1 import verification_service_pb2_grpc as pb_grpc

    config = Config(server=ServerSettings(port=0, worker_processes=processes))
    deps = build_dependencies(config)  # starts and warms the workers before timing
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    stub = pb_grpc.VerificationServiceStub(channel)
    request = pb.CompareFacesRequest(
        reference=pb.Image(content=reference), probe=pb.Image(content=probe), reference_kind=pb.REFERENCE_KIND_PORTRAIT
    )
    stub.CompareFaces(request, timeout=120)  # one warm call
    remaining = [requests]
    lock = threading.Lock()
    errors = []

    def client() -> None:
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            try:
                stub.CompareFaces(request, timeout=120)
            except grpc.RpcError as exc:
                errors.append(exc.code())

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    channel.close()
    running.stop(0).wait()
    deps.close()
    if errors:
        print(f"  {len(errors)} errors: {set(errors)}", file=sys.stderr)
    return requests / elapsed


def _spin(n: int) -> float:
    """A pure-Python CPU job for the control measurement; returns its CPU seconds."""
    start = time.process_time()
    x = 0
    for i in range(n):
        x += i * i
    return time.process_time() - start


def control_rate(processes: int, jobs: int = 8, n: int = 3_000_000) -> float:
    """Jobs per second of a pure-Python busy loop through a WorkerPool of ``processes``: the
    scaling the machine allows right now, whatever our code does."""
    from idverify.workers import WorkerPool

    pool = WorkerPool(processes)
    try:
        pool.warm_up()
        start = time.perf_counter()
        for future in [pool.submit(_spin, n) for _ in range(jobs)]:
            future.result()
        return jobs / (time.perf_counter() - start)
    finally:
        pool.close()


def accuracy() -> int:
    """Part 0: per-set decisions and FAR/FRR, ours at the configured thresholds against
    face_recognition at 0.6, from the cached measurements (no re-measuring)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import calibrate_faces as cal
    import face_measurements as fm

    settings = FaceSettings()
    pairs = cal.build_pairs(fm.load(fm.DEFAULT_CACHE, SHARED), SHARED, settings)
    print("| set | pairs (genuine / impostor) | idverify genuine not MATCH | idverify impostor MATCH "
          "| face_recognition 0.6 genuine rejected | impostor accepted | idverify s/pair | face_recognition s/pair |")
    print("|---|---|---|---|---|---|---|---|")
    for s in dict.fromkeys(p.set for p in pairs):
        ps = [p for p in pairs if p.set == s]
        gen, imp = [p for p in ps if p.same], [p for p in ps if not p.same]
        ours = {id(p): cal.decision(p, cal.thresholds_for(p.reference_class, settings), settings) for p in ps}
        print(
            f"| {s} | {len(gen)} / {len(imp)} | {cal.pct(sum(ours[id(p)] != 'MATCH' for p in gen), len(gen))} "
            f"| {sum(ours[id(p)] == 'MATCH' for p in imp)} "
            f"| {cal.pct(sum(p.naive is None or p.naive > NAIVE_TOLERANCE for p in gen), len(gen))} "
            f"| {sum(p.naive is not None and p.naive <= NAIVE_TOLERANCE for p in imp)} "
            f"| {statistics.median(p.cpu_ours for p in ps):.3f} | {statistics.median(p.cpu_naive for p in ps):.3f} |"
        )
    print("\n(distances measured once by face_measurements.py; thresholds from FaceSettings(); not held out:"
          " calibrate_faces.py reports the leave-one-person-out rates)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=8, help="pairs at 640x480")
    parser.add_argument("--pairs-12mp", type=int, default=4, help="pairs at 12 MP (naive takes seconds each)")
    parser.add_argument("--rps-requests", type=int, default=48)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating 1/2-worker rounds")
    parser.add_argument("--skip-rps", action="store_true")
    parser.add_argument("--accuracy", action="store_true", help="per-set accuracy from the measurement cache, then exit")
    args = parser.parse_args(argv)
    if args.accuracy:
        return accuracy()
    if not (SHARED / "pairs.csv").is_file():
        print(f"no {SHARED}/pairs.csv", file=sys.stderr)
        return 2
    settings, images = FaceSettings(), ImageSettings()
    models = load_face_models(settings)
    import face_recognition  # noqa: F401  (load its models before timing)

    print("| size | pairs | naive median ms/pair | idverify median ms/pair | speed-up | decisions agree |")
    print("|---|---|---|---|---|---|")
    details = {}
    for label, size, n in (("640x480", (640, 480), args.pairs), ("12 MP (4000x3000)", (4000, 3000), args.pairs_12mp)):
        if n < 1:
            continue
        result = bench_pairs(choose_pairs(n), size, models, settings, images)
        agree = sum(r[5] for r in result["rows"])
        print(
            f"| {label} | {len(result['rows'])} | {result['naive']:.0f} | {result['ours']:.0f} | "
            f"{result['naive'] / result['ours']:.1f}x | {agree}/{len(result['rows'])} |",
            flush=True,
        )
        details[label] = result["rows"]
    print("\nper pair (same person, naive distance, idverify distance, naive match, idverify decision, reasons):")
    for label, rows in details.items():
        for same, nd, od, nm, ours, _, reasons in rows:
            nds = f"{nd:.3f}" if nd is not None else "no face"
            ods = f"{od:.3f}" if od is not None else "-"
            print(f"  {label}: same={int(same)} naive={nds} idverify={ods} naive_match={nm} idverify={ours} {reasons}")

    if not args.skip_rps:
        pair = choose_pairs(2)[0]
        reference = render((SHARED / pair[0]).read_bytes(), (640, 480))
        probe = render((SHARED / pair[1]).read_bytes(), (640, 480))
        import os

        print(f"\nload average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        print(
            f"\n| worker processes | CompareFaces req/s at concurrency {args.concurrency} "
            f"({args.rps_requests} requests of a 640x480 pair), each round | median |"
        )
        print("|---|---|---|")
        rps: dict[int, list[float]] = {1: [], 2: []}
        control: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.rounds):  # alternate, so background load hits both alike
            for processes in (1, 2):
                rps[processes].append(bench_rps(processes, args.rps_requests, args.concurrency, reference, probe))
                control[processes].append(control_rate(processes))
        for processes, values in rps.items():
            print(f"| {processes} | {', '.join(f'{v:.2f}' for v in values)} | {statistics.median(values):.2f} |")
        print(f"\nspeed-up two vs one (medians): {statistics.median(rps[2]) / statistics.median(rps[1]):.2f}x")
        print(
            "control, a pure-Python busy loop through the same pool (jobs/s, median): "
            f"1 process {statistics.median(control[1]):.2f}, 2 processes {statistics.median(control[2]):.2f}, "
            f"speed-up {statistics.median(control[2]) / statistics.median(control[1]):.2f}x "
            "(below 1.9x means the machine, not the service, limits the scaling)"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
