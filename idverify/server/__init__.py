"""The gRPC server: start-up, the error interceptor, dependencies and the thin servicers.

Data flow: a call enters :mod:`idverify.server.interceptors` (request id, malformed requests,
domain exceptions to statuses), reaches a thin servicer (:mod:`idverify.server.verification`,
:mod:`linker.service`) which calls plain functions of the engine packages with the heavy
objects held in :class:`idverify.server.deps.Dependencies`, and returns their response message.
"""
