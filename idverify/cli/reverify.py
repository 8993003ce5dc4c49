"""``idverify reverify``: run a re-verification worker against the shared store.

    idverify reverify --once                    # cron / Kubernetes Job: process what is due, exit
    idverify reverify --poll-interval 30        # continuous: process, sleep when idle, repeat
    idverify reverify --target host:50051       # heavy steps on a server instead of in-process

Exit codes (:mod:`idverify.cli.exit_codes`): 0 every due account was processed (or none was
due); 1 some accounts failed for good (parked; see the logs and ``request_recheck``); 2 bad
configuration; 75 the store or the server is unavailable (retry the job later).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading

from idverify.cli.exit_codes import ExitCode

__all__ = ["add_parser", "run"]


log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``reverify`` sub-command."""
    p = sub.add_parser("reverify", help="re-verify due accounts (a worker; several may share a store)")
    p.add_argument("--once", action="store_true", help="process what is due now, then exit")
    p.add_argument("--target", help="server host:port for the checks (default: run them in-process)")
    p.add_argument("--api-key", default=os.environ.get("IDVERIFY_API_KEY", ""),
                   help="API key for --target (default: $IDVERIFY_API_KEY)")
    p.add_argument("--concurrency", type=int, default=2, help="accounts checked at once (default 2)")
    p.add_argument("--name", default=f"{socket.gethostname()}-{os.getpid()}", help="worker name in the history")
    p.add_argument("--timeout", type=float, default=120.0, help="deadline per check in seconds")
    p.add_argument("--poll-interval", type=float, help="seconds to sleep when nothing is due")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: [store] url)")
    p.add_argument("--config", help="TOML configuration file")
    p.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def run(args: argparse.Namespace) -> int:
    """Run the worker from parsed arguments; return the exit code."""
    from idverify.config import load_config
    from idverify.errors import ConfigError, Unavailable
    from idverify.logs import configure_logging

    try:
        config = load_config(args.config, overrides={"store": {"url": args.db},
                                                     "reverify": {"poll_interval_seconds": args.poll_interval}})
    except ConfigError as exc:
        print(f"idverify: configuration error: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE
    configure_logging(args.log_level)
    try:
        return _work(args, config)
    except ConfigError as exc:
        print(f"idverify: configuration error: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE
    except Unavailable as exc:
        print(f"idverify: unavailable, retry later: {exc.message}", file=sys.stderr)
        return ExitCode.UNAVAILABLE


def _work(args: argparse.Namespace, config) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from idverify.app.reverify import AccountChecker, in_process
    from idverify.cli.remote import remote
    from idverify.reverify.store import open_reverify_store
    from idverify.reverify.worker import Worker
    from idverify.metrics import Metrics, MetricsSettings

    store = open_reverify_store(config.store.resolved())
    runtime = (remote(config, args.target, args.timeout, args.api_key) if args.target
               else in_process(config, args.timeout))
    fanout = ThreadPoolExecutor(max(2, args.concurrency), thread_name_prefix="reverify-fanout")
    metrics = Metrics()
    try:
        if args.metrics_port is not None:
            metrics.serve(MetricsSettings(port=args.metrics_port, host="0.0.0.0"))
        checker = AccountChecker(runtime.steps, fanout, runtime.recheck_document,
                                 check_account=runtime.check_account,
                                 retained_images=store.retained_images if config.reverify.retain_images else None,
                                 reverify=runtime.reverify)
        progress = _Progress(sys.stdout.isatty())

        def on_result(account_id, result, error):
            if result is not None:
                metrics.reverified.labels(str(result.decision)).inc()
            else:
                metrics.reverify_failures.labels(getattr(error, "reason", type(error).__name__)).inc()
            progress.advance(result is not None)

        worker = Worker(store, checker, config.reverify, policy_version=runtime.steps.policy_version,
                        model_version=runtime.model_version, name=args.name, concurrency=args.concurrency,
                        on_result=on_result)
        backlog = worker.backlog()
        metrics.backlog.set(backlog)
        log.info("re-verification starting", extra={"worker": args.name, "backlog": backlog,
                                                     "mode": "remote" if args.target else "in-process"})
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with progress.start(backlog):
            stats = worker.run_once(stop) if args.once else worker.run_forever(stop)
        metrics.backlog.set(worker.backlog())
        log.info("re-verification finished", extra={"worker": args.name, "processed": stats.processed,
                                                     "failed": stats.failed, "retried": stats.retried,
                                                     "lost_leases": stats.lost_leases})
        print(f"re-verified {stats.processed}, failed {stats.failed}, to retry {stats.retried}", flush=True)
        return ExitCode.FAILED if stats.failed else ExitCode.OK
    finally:
        fanout.shutdown(wait=False)
        metrics.close()
        runtime.close()
        store.close()


class _Progress:
    """A rich progress bar on a terminal; nothing otherwise (the log lines tell the story)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar = None
        self._task = None

    def start(self, total: int):
        import contextlib

        if not self._enabled:
            return contextlib.nullcontext()
        from rich.progress import Progress

        self._bar = Progress(transient=False)
        self._task = self._bar.add_task("re-verifying", total=total or None)
        return self._bar

    def advance(self, ok: bool) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
