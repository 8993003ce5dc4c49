"""The linking use cases: register, check and explain accounts, reviews, contracts, erasure.

:class:`Linking` joins the :class:`~linker.engine.Linker` to the re-verification store: new
strong evidence makes every account of the person due for re-verification, and erasing an
account erases its verification history too. The servicer translates its results to messages;
the re-verification worker calls :meth:`Linking.check_account` directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from idverify.app.dependencies import Dependencies
from idverify.errors import FailedPrecondition, InvalidInput, Unavailable
from linker.engine import MAX_FACES_PER_REQUEST, ExplainResult, Linker, LinkResult, Registration
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["Linking"]


class Linking:
    """The LinkingService use cases over ``deps.linker`` and ``deps.history``."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    @property
    def enabled(self) -> bool:
        """True when a linker is configured (``linker.enabled`` with a hash key)."""
        return self._deps.linker is not None

    @property
    def linker(self) -> Linker:
        """The linker; FailedPrecondition (LINKER_DISABLED) when none is configured."""
        linker = self._deps.linker
        if linker is None:
            raise FailedPrecondition(
                "account linking is not configured on this server (set linker.hash_key)",
                reason="LINKER_DISABLED",
            )
        return linker

    def register(self, request: lpb.RegisterAccountRequest, timeout: float | None = None) -> LinkResult:
        """Register one account with its signals and decide on it; ``timeout`` (seconds) bounds
        the wait for face photos to be embedded."""
        linker = self.linker
        signals = self._embedded([request], timeout=timeout)[0]
        result = linker.register(request.account_id, request.kind, linker.prepare(signals), request.owner_account_id)
        self._note_links(request.account_id, result)
        return result

    def register_many(self, requests: Sequence[lpb.RegisterAccountRequest],
                      timeout: float | None = None) -> list[LinkResult]:
        """Register a batch in one transaction, decided as one call after another would decide it.

        Errors name the item (``accounts[3].signals[1].country``).
        """
        linker = self.linker
        if not requests:
            raise InvalidInput("accounts is empty", reason="MISSING_FIELD", metadata={"field": "accounts"})
        if len(requests) > linker.settings.max_batch:
            raise InvalidInput(f"{len(requests)} accounts in one batch; at most {linker.settings.max_batch}",
                               reason="BATCH_TOO_LARGE", metadata={"field": "accounts",
                                                                   "max_batch": str(linker.settings.max_batch)})
        batch = []
        for i, (item, raw) in enumerate(zip(requests, self._embedded(requests, batch=True, timeout=timeout), strict=True)):
            try:
                signals = linker.prepare(raw)
            except InvalidInput as exc:
                exc.metadata["field"] = f"accounts[{i}].{exc.metadata.get('field', 'signals')}"
                raise
            batch.append(Registration(item.account_id, item.kind, signals, item.owner_account_id))
        results = linker.register_many(batch)
        for item, result in zip(requests, results, strict=True):
            self._note_links(item.account_id, result)
        return results

    def check(self, request: lpb.CheckAccountRequest, timeout: float | None = None) -> LinkResult:
        """What registering would decide, without registering (by account id or by signals)."""
        linker = self.linker
        if not request.account_id and not request.signals:
            raise InvalidInput("give an account_id or signals", reason="MISSING_FIELD",
                               metadata={"field": "account_id"})
        return linker.check(request.account_id, request.kind, linker.prepare(self._embedded([request], timeout=timeout)[0]),
                            request.owner_account_id)

    def check_account(self, account_id: str) -> LinkResult:
        """The linker's current view of a registered account (NotFound when it is not)."""
        return self.check(lpb.CheckAccountRequest(account_id=account_id))

    def registration(self, account_id: str) -> tuple[int, str] | None:
        """The registered account's kind and owner, or None when it is not registered."""
        row = self.linker.store.account(account_id)
        return None if row is None else (row.kind, row.owner_account_id)

    def linked_accounts(self, account_id: str, include_weak: bool):
        """The account's person id and the accounts linked to it, with their evidence."""
        return self.linker.linked_accounts(account_id, include_weak)

    def explain(self, account_id_a: str, account_id_b: str) -> ExplainResult:
        """Why two accounts are (or are not) one person: the evidence path and the reviews."""
        return self.linker.explain(account_id_a, account_id_b)

    def delete(self, account_id: str, reason: str) -> tuple[bool, int, list[str]]:
        """Erase an account's signals, faces and verification history (deleted, erased, affected)."""
        deleted, erased, affected = self.linker.delete(account_id, reason)
        history = self._deps.history
        if history is not None:
            history.erase(account_id)  # erasure covers the verification history too
        return deleted, erased, affected

    def review(self, account_id_a: str, account_id_b: str, action: int, reviewer: str, note: str):
        """Record a reviewer's link or unlink; returns (event id, person a, person b)."""
        return self.linker.review(account_id_a, account_id_b, action, reviewer, note)

    def contract(self, contract_id: str, client_account_id: str, freelancer_account_id: str):
        """Decide on a contract between two accounts; returns (decision, evidence path)."""
        return self.linker.contract(contract_id, client_account_id, freelancer_account_id)

    def _embedded(self, requests: Sequence, batch: bool = False,
                  timeout: float | None = None) -> list[list[lpb.Signal]]:
        """Each request's signals with every FACE_PHOTO replaced by the FACE_EMBEDDING of its face,
        embedded in the worker pool (photos of a batch in parallel). Errors name the item and the
        signal: ``accounts[2].signals[0]`` in a batch, ``signals[0]`` otherwise. The face limit
        per account is checked before any photo is embedded."""
        for i, request in enumerate(requests):
            faces = [j for j, s in enumerate(request.signals)
                     if s.type in (lpb.SIGNAL_TYPE_FACE_PHOTO, lpb.SIGNAL_TYPE_FACE_EMBEDDING)]
            if len(faces) > MAX_FACES_PER_REQUEST:
                where = f"signals[{faces[MAX_FACES_PER_REQUEST]}]"
                raise InvalidInput(f"at most {MAX_FACES_PER_REQUEST} faces per account in one request",
                                   reason="TOO_MANY_FACES",
                                   metadata={"field": f"accounts[{i}].{where}" if batch else where})
        photos = [(i, j, s.photo) for i, r in enumerate(requests) for j, s in enumerate(r.signals)
                  if s.type == lpb.SIGNAL_TYPE_FACE_PHOTO]
        out = [list(r.signals) for r in requests]
        if not photos:
            return out
        faces = self._deps.faces
        if faces is None:
            raise Unavailable("face photos cannot be embedded: no face pipeline on this server",
                              reason="FACES_UNAVAILABLE")
        workers = self._deps.workers.processes if self._deps.workers is not None else 1
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(photos)))) as pool:
            futures = [pool.submit(faces.embed, photo, timeout=timeout) for _, _, photo in photos]
            for (i, j, _), future in zip(photos, futures, strict=True):
                where = f"accounts[{i}].signals[{j}]" if batch else f"signals[{j}]"
                try:
                    embedding = future.result()
                except InvalidInput as exc:
                    exc.metadata["field"] = where
                    raise
                original = requests[i].signals[j]
                out[i][j] = lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=embedding,
                                       observed_at=original.observed_at if original.HasField("observed_at") else None)
        return out

    def _note_links(self, account_id: str, result: LinkResult) -> None:
        """New strong evidence: every account of the person is due for re-verification."""
        history = self._deps.history
        if history is not None and result.linked_account_ids:
            history.note_link([account_id, *result.linked_account_ids])
