"""``idverify serve``: the flags of the common settings, and start-up failures as one line.

Every setting is in the configuration (TOML file, ``IDVERIFY_<SECTION>__<KEY>``); the flags here
override the ones an operator sets most often. A start-up failure never ends in a traceback: it
prints one line naming what failed and exits with its code (:mod:`idverify.cli.exit_codes`):
a port in use (gRPC or metrics) 3, a file that cannot be read 66, a bad setting 2, an
unreachable store 75, anything else 70 (the traceback is logged at ``--log-level DEBUG``).
"""

from __future__ import annotations

import argparse
import logging
import sys

from idverify.cli.exit_codes import ExitCode

__all__ = ["add_parser", "run"]

log = logging.getLogger(__name__)

#: ConfigError reasons that have an exit code of their own; every other one is a bad setting.
_CONFIG_EXIT_CODES = {"CONFIG_BIND": ExitCode.CANNOT_LISTEN, "CONFIG_UNREADABLE": ExitCode.NO_INPUT,
                      "CONFIG_MODELS_MISSING": ExitCode.NO_INPUT}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` and its flags."""
    serve = sub.add_parser("serve", help="run the gRPC server")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 50051; 0 picks a free one)")
    serve.add_argument("--db", help="SQLite file or postgresql:// URL (default: per-user data dir)")
    serve.add_argument("--config", help="TOML configuration file")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    serve.add_argument("--metrics-host", help="interface of the Prometheus endpoint (metrics.host)")
    serve.add_argument("--metrics-port", type=int,
                       help="port of the Prometheus endpoint (metrics.port, default 9464; 0 picks a free "
                            "one); each replica on a host needs its own")
    serve.add_argument("--no-metrics", action="store_true", help="serve no Prometheus endpoint")
    serve.add_argument("--worker-processes", type=int,
                       help="processes for dlib and Tesseract (server.worker_processes; 0: one per core)")
    serve.add_argument("--threads", type=int, help="call-handling threads (server.threads)")
    serve.add_argument("--policy", help="decision policy TOML file (policy.path)")
    serve.add_argument("--keys-file", help="API keys file; turns authentication on (auth.keys_file)")
    serve.add_argument("--tls-cert", help="PEM certificate chain; serves TLS (tls.cert_file)")
    serve.add_argument("--tls-key", help="PEM private key (tls.key_file)")


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    return {
        "server": {"host": args.host, "port": args.port, "worker_processes": args.worker_processes,
                   "threads": args.threads},
        "store": {"url": args.db},
        "metrics": {"host": args.metrics_host, "port": args.metrics_port,
                    "enabled": False if args.no_metrics else None},
        "policy": {"path": args.policy},
        "auth": {"enabled": True if args.keys_file else None, "keys_file": args.keys_file},
        "tls": {"cert_file": args.tls_cert, "key_file": args.tls_key},
    }


def run(args: argparse.Namespace) -> int:
    """Load the configuration and serve until stopped; return the exit code."""
    from idverify.config import load_config
    from idverify.errors import ConfigError, Unavailable
    from idverify.logs import configure_logging

    configure_logging(args.log_level)
    try:
        config = load_config(args.config, overrides=_overrides(args))
        from idverify.server.app import serve

        return serve(config)
    except ConfigError as exc:
        code = _CONFIG_EXIT_CODES.get(exc.reason, ExitCode.USAGE)
        what = "configuration error" if code == ExitCode.USAGE else "cannot start"
        return _fail(f"{what}: {exc.message}", code)
    except Unavailable as exc:
        return _fail(f"cannot start: {exc.message} [{exc.reason}]", ExitCode.UNAVAILABLE)
    except OSError as exc:
        name = f" {exc.filename}" if exc.filename else ""
        return _fail(f"cannot start: cannot open{name}: {exc.strerror or exc}", ExitCode.NO_INPUT)
    except KeyboardInterrupt:
        return _fail("interrupted during start-up", ExitCode.FAILED)
    except Exception as exc:  # a bug: one line for the operator, the traceback for the developer
        log.debug("start-up failed", exc_info=True)
        return _fail(f"cannot start: unexpected {type(exc).__name__}: {exc}", ExitCode.SOFTWARE)


def _fail(message: str, code: ExitCode) -> int:
    print(f"idverify: {message}", file=sys.stderr)
    return code
