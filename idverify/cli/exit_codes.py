"""The exit codes of every ``idverify`` command: one table, one meaning per number.

A scheduler (cron, a Kubernetes Job, CI) acts on them without parsing output:

======  =============  ========================================================================
code    name           meaning
======  =============  ========================================================================
0       OK             the command did its work (a call succeeded, whatever the decision)
1       FAILED         it ran, and some items failed: QA cases, re-verified accounts, an import
                       batch the server refused, a QA comparison that got worse, corrupt sealed
                       values found by ``rotate-seal-key``
2       USAGE          bad arguments, configuration or input file: fix the call, do not retry
3       CANNOT_LISTEN  ``serve`` could not bind a port (gRPC or metrics): it is taken by another
                       process or the address is wrong; give this replica its own port
4       REFUSED        the server refused the one request (bad input, unknown account, no key or
                       a key without the method's scope)
5       RPC_ERROR      any other error status from the server
66      NO_INPUT       ``serve`` could not read a file it needs (configuration, policy, API keys,
                       TLS certificate or key, the store's folder) (``EX_NOINPUT``)
70      SOFTWARE       ``serve`` failed to start for an unexpected reason, a bug: the one line says
                       what; ``--log-level DEBUG`` logs the traceback (``EX_SOFTWARE``)
75      UNAVAILABLE    the server or the store cannot be reached or did not answer in time:
                       retry later (``EX_TEMPFAIL`` of sysexits.h)
======  =============  ========================================================================
"""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """Process exit codes; see the module docstring for what each means."""

    OK = 0
    FAILED = 1
    USAGE = 2
    CANNOT_LISTEN = 3
    REFUSED = 4
    RPC_ERROR = 5
    NO_INPUT = 66
    SOFTWARE = 70
    UNAVAILABLE = 75
