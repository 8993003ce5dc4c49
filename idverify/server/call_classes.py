"""Which calls are heavy: they need the worker processes (dlib, Tesseract) and take seconds.

A heavy call and a light one are admitted by separate limits (:mod:`idverify.server.limits`),
so a MatchProfile or CheckAccount never waits for a slot held by a face comparison.

- Heavy: CompareFaces, ReadDocument, VerifyIdentity, Signup, and RegisterAccount,
  RegisterAccounts or CheckAccount carrying a face photo (the service detects and embeds it).
- Light: every other call (MatchProfile, the linker's calls without photos, ExplainLink,
  GetLinkedAccounts, DeleteAccount, RecordReview, RecordContract, and ScreeningService's
  ScreenMessage and ScreenProfile: pure text work in the serving thread).

Classified from the method and the parsed request only, before any work is done.
"""

from __future__ import annotations

from typing import Any

from linker.v1 import linking_service_pb2 as lpb

__all__ = ["HEAVY", "LIGHT", "CALL_CLASSES", "call_class"]

HEAVY = "heavy"
LIGHT = "light"
CALL_CLASSES = (HEAVY, LIGHT)

#: Always heavy: every one of them runs a face or document engine.
_HEAVY_RPCS = frozenset({"CompareFaces", "ReadDocument", "VerifyIdentity", "Signup"})

#: Heavy only when a signal carries a photo to embed.
_PHOTO_RPCS = frozenset({"RegisterAccount", "RegisterAccounts", "CheckAccount"})


def call_class(rpc: str, request: Any) -> str:
    """``HEAVY`` or ``LIGHT`` for the call of ``rpc`` (a method name such as ``CompareFaces``)."""
    if rpc in _HEAVY_RPCS:
        return HEAVY
    if rpc in _PHOTO_RPCS and _carries_photo(request):
        return HEAVY
    return LIGHT


def _carries_photo(request: Any) -> bool:
    if isinstance(request, lpb.RegisterAccountsRequest):
        return any(_signals_carry_photo(item.signals) for item in request.accounts)
    if isinstance(request, (lpb.RegisterAccountRequest, lpb.CheckAccountRequest)):
        return _signals_carry_photo(request.signals)
    return False  # a request that did not parse is refused before any work


def _signals_carry_photo(signals) -> bool:
    return any(s.type == lpb.SIGNAL_TYPE_FACE_PHOTO or s.photo for s in signals)
