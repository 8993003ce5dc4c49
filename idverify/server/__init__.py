"""The gRPC transport: start-up, interceptors and guards, and the thin servicers.

Data flow: a call enters :mod:`idverify.server.interceptors` (request id, guards for keys, rate
and admission, malformed requests, domain exceptions to statuses), reaches a thin servicer
(:mod:`idverify.server.verification`, :mod:`idverify.server.linking`) which hands the request to
the application layer's use cases (:mod:`idverify.app`) and returns their response message.
"""
