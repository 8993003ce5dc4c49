"""The linking use cases: register, check and explain accounts, reviews, contracts, erasure.

:class:`Linking` joins the :class:`~linker.engine.Linker` to the re-verification store: new
strong evidence makes every account of the person due for re-verification, and erasing an
account erases its verification history too. The servicer translates its results to messages;
the re-verification worker calls :meth:`Linking.check_account` directly.

Unusable signals (a malformed email, a document number without its country, a photo without a
face) do not refuse a request: they are left out, listed in the result (``LinkResult.rejected``)
and weigh in the decision; only a request that carries signals and none usable is refused
(InvalidInput with the first one's reason and field, ``rejected`` in the metadata listing every
one as ``field=REASON``). A request with no signals at all keeps its meaning (register the
account with nothing to link by; check a stored account by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from idverify.app.dependencies import Dependencies
from idverify.errors import FailedPrecondition, InvalidInput, Unavailable
from linker.engine import MAX_FACES_PER_REQUEST, ExplainResult, Linker, LinkResult, Registration
from linker.signals import PreparedSignal, RejectedSignal
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["Linking", "nothing_usable"]

#: Rejected signals named in the message of a refusal; the metadata lists them all.
_NAMED_IN_MESSAGE = 5


def nothing_usable(rejected: Sequence[RejectedSignal]) -> InvalidInput:
    """The refusal of a request whose signals are all unusable: the first one's reason and
    field (what a request with that one signal alone gets), every one listed in ``rejected``."""
    first = rejected[0]
    named = "; ".join(f"{r.field}: {r.message}" for r in rejected[:_NAMED_IN_MESSAGE])
    more = f" (and {len(rejected) - _NAMED_IN_MESSAGE} more)" if len(rejected) > _NAMED_IN_MESSAGE else ""
    return InvalidInput(f"no usable signal: {named}{more}", reason=first.reason,
                        metadata={**first.metadata, "rejected": ",".join(f"{r.field}={r.reason}" for r in rejected)})


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

    def register(self, request: lpb.RegisterAccountRequest, timeout: float | None = None, *,
                 keep_unusable: bool = False) -> LinkResult:
        """Register one account with its usable signals and decide on it; ``timeout`` (seconds)
        bounds the wait for face photos to be embedded. With ``keep_unusable`` a request whose
        signals are all unusable is registered too (a signup: the verification is the request)."""
        linker = self.linker
        prepared, rejected = self._prepare(linker, request, timeout, keep_unusable)
        result = linker.register(request.account_id, request.kind, prepared, request.owner_account_id,
                                 rejected=rejected)
        self._note_links(request.account_id, result)
        return result

    def register_many(self, requests: Sequence[lpb.RegisterAccountRequest],
                      timeout: float | None = None) -> list[LinkResult]:
        """Register a batch in one transaction, decided as one call after another would decide it.

        Each item's unusable signals are in its own result; an item whose signals are all
        unusable refuses the batch. Errors name the item (``accounts[3].signals[1].country``).
        """
        linker = self.linker
        if not requests:
            raise InvalidInput("accounts is empty", reason="MISSING_FIELD", metadata={"field": "accounts"})
        if len(requests) > linker.settings.max_batch:
            raise InvalidInput(f"{len(requests)} accounts in one batch; at most {linker.settings.max_batch}",
                               reason="BATCH_TOO_LARGE", metadata={"field": "accounts",
                                                                   "max_batch": str(linker.settings.max_batch)})
        batch = []
        embedded = self._embedded(requests, batch=True, timeout=timeout)
        for i, (item, (raw, photo_errors)) in enumerate(zip(requests, embedded, strict=True)):
            try:
                signals, rejected = self._usable(linker, raw, photo_errors, keep_unusable=False)
            except InvalidInput as exc:
                exc.metadata["field"] = f"accounts[{i}].{exc.metadata.get('field', 'signals')}"
                raise
            batch.append(Registration(item.account_id, item.kind, signals, item.owner_account_id, rejected))
        results = linker.register_many(batch)
        for item, result in zip(requests, results, strict=True):
            self._note_links(item.account_id, result)
        return results

    def check(self, request: lpb.CheckAccountRequest, timeout: float | None = None, *,
              keep_unusable: bool = False) -> LinkResult:
        """What registering would decide, without registering (by account id or by signals);
        unusable signals as in :meth:`register`."""
        linker = self.linker
        if not request.account_id and not request.signals:
            raise InvalidInput("give an account_id or signals", reason="MISSING_FIELD",
                               metadata={"field": "account_id"})
        prepared, rejected = self._prepare(linker, request, timeout, keep_unusable)
        return linker.check(request.account_id, request.kind, prepared, request.owner_account_id, rejected=rejected)

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

    def _prepare(self, linker: Linker, request, timeout: float | None,
                 keep_unusable: bool) -> tuple[list[PreparedSignal], list[RejectedSignal]]:
        """One request's signals prepared, photos embedded first: the usable ones and the rest."""
        [(raw, photo_errors)] = self._embedded([request], timeout=timeout)
        return self._usable(linker, raw, photo_errors, keep_unusable)

    @staticmethod
    def _usable(linker: Linker, raw: Sequence[lpb.Signal], photo_errors: dict[int, InvalidInput],
                keep_unusable: bool) -> tuple[list[PreparedSignal], list[RejectedSignal]]:
        """Prepare ``raw``; a photo that did not embed is rejected with its own reason (NO_FACE,
        IMAGE_UNREADABLE, ...). Nothing usable among some signals refuses, unless ``keep_unusable``."""
        prepared, rejected = linker.prepare_partial(raw)
        rejected = [RejectedSignal.of(r.index, r.type, photo_errors[r.index]) if r.index in photo_errors else r
                    for r in rejected]
        if rejected and not prepared and not keep_unusable:
            raise nothing_usable(rejected)
        return prepared, rejected

    def _embedded(self, requests: Sequence, batch: bool = False,
                  timeout: float | None = None) -> list[tuple[list[lpb.Signal], dict[int, InvalidInput]]]:
        """Each request's signals with every FACE_PHOTO replaced by the FACE_EMBEDDING of its face,
        embedded in the worker pool (photos of a batch in parallel), and by signal index the
        errors of the photos that could not be embedded (those stay FACE_PHOTO). The face limit
        per account is checked before any photo is embedded; its error names the item and the
        signal: ``accounts[2].signals[0]`` in a batch, ``signals[0]`` otherwise."""
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
        errors: list[dict[int, InvalidInput]] = [{} for _ in requests]
        if not photos:
            return list(zip(out, errors, strict=True))
        faces = self._deps.faces
        if faces is None:
            raise Unavailable("face photos cannot be embedded: no face pipeline on this server",
                              reason="FACES_UNAVAILABLE")
        workers = self._deps.workers.processes if self._deps.workers is not None else 1
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(photos)))) as pool:
            futures = [pool.submit(faces.embed, photo, timeout=timeout) for _, _, photo in photos]
            for (i, j, _), future in zip(photos, futures, strict=True):
                try:
                    embedding = future.result()
                except InvalidInput as exc:
                    exc.metadata.pop("field", None)  # the photo itself is at fault: signals[j]
                    errors[i][j] = exc
                    continue
                original = requests[i].signals[j]
                out[i][j] = lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=embedding,
                                       observed_at=original.observed_at if original.HasField("observed_at") else None)
        return list(zip(out, errors, strict=True))

    def _note_links(self, account_id: str, result: LinkResult) -> None:
        """New strong evidence: every account of the person is due for re-verification."""
        history = self._deps.history
        if history is not None and result.linked_account_ids:
            history.note_link([account_id, *result.linked_account_ids])
