"""A real server in the test process, over given dependencies, on port 0: for the ``start_server``
fixture and for fixtures wider than one test."""

from __future__ import annotations

import grpc

from idverify.app import Application
from idverify.app.dependencies import Dependencies
from idverify.server.app import create_server


def serve(deps: Dependencies) -> tuple[grpc.Server, grpc.Channel, int]:
    """Start a real server over ``deps`` on ``deps.config``'s port (0 in tests); return it, a
    channel to it and the port. For fixtures wider than a test; :func:`stop_serving` ends it."""
    running, port = create_server(deps.config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(
        f"127.0.0.1:{port}",
        options=[("grpc.max_send_message_length", 64 * 1024 * 1024)],
    )
    return running, channel, port


def stop_serving(running: grpc.Server, channel: grpc.Channel, deps: Dependencies) -> None:
    channel.close()
    running.stop(0).wait()
    deps.close()
