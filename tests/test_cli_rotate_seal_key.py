"""``idverify rotate-seal-key`` end to end on a real SQLite file and a real PostgreSQL: values
sealed under key 1 are re-sealed under key 2 (key 1 kept as a previous key) in batches, after
which key 1 is dropped and every value still opens and links."""

from __future__ import annotations

import pytest

from idverify.cli import main
from idverify.cli.exit_codes import ExitCode
from idverify.errors import Unavailable
from linker.engine import Linker
from linker.sealing import key_id
from linker.settings import LinkerSettings
from linker.v1 import linking_service_pb2 as pb

pytest_plugins = ["tests.conftest_linker"]

HASH = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
K1, K2 = "11" * 32, "22" * 32
F = pb.ACCOUNT_KIND_FREELANCER
PEOPLE = [("Zebulon Quarterman", "1957-09-13", "7364009"), ("Lachlan Berryman", "1999-02-19", "1111111"),
          ("Deakin Waller", "1960-02-10", "2635926")]


def _identity(name: str, dob: str, number: str) -> list[pb.Signal]:
    return [pb.Signal(type=pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value=name, birth_date=dob),
            pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=number, country="AUS")]


def _config(tmp_path, store_url: str, seal_key: str, previous: tuple[str, ...] = ()) -> str:
    path = tmp_path / f"idverify-{seal_key[:2]}-{len(previous)}.toml"
    keys = ", ".join(f'"{k}"' for k in previous)
    path.write_text(f'[linker]\nenabled = true\nstore_url = "{store_url}"\nhash_key = "{HASH}"\n'
                    f'seal_key = "{seal_key}"\nprevious_seal_keys = [{keys}]\n')
    return str(path)


def _linker(store_url: str, seal_key: str, previous: tuple[str, ...] = ()) -> Linker:
    settings = LinkerSettings(enabled=True, hash_key=HASH, seal_key=seal_key, previous_seal_keys=previous)
    return Linker.open(settings, store_url)


def _rotate(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["rotate-seal-key", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rotate_to_a_new_key_then_drop_the_old_one(tmp_path, store_url, capsys):
    first = _linker(store_url, K1)
    for i, person in enumerate(PEOPLE):
        first.register(f"acc-{i}", F, first.prepare(_identity(*person)))
    first.close()

    # Key 1 dropped before rotating: refused with the key id, never an empty link.
    dropped = _linker(store_url, K2)
    with pytest.raises(Unavailable) as err:
        dropped.check("acc-0", 0, [])
    assert err.value.reason == "SEAL_KEY_MISMATCH" and err.value.metadata["key_id"] == key_id(bytes.fromhex(K1))
    dropped.close()
    code, _, stderr = _rotate(capsys, "--config", _config(tmp_path, store_url, K2))
    assert code == ExitCode.USAGE and key_id(bytes.fromhex(K1)) in stderr and "SEAL_KEY_MISMATCH" in stderr

    code, stdout, stderr = _rotate(capsys, "--config", _config(tmp_path, store_url, K2, (K1,)), "--batch", "2")
    assert code == ExitCode.OK, stderr
    assert "re-sealed 4 of 6 values (67%)" in stdout and "re-sealed 6 of 6 values (100%)" in stdout
    summary = stdout.splitlines()[-1]
    assert f"key id {key_id(bytes.fromhex(K2))}: 6" in summary and key_id(bytes.fromhex(K1)) not in summary
    assert HASH not in stdout + stderr and K1 not in stdout + stderr and K2 not in stdout + stderr

    code, stdout, _ = _rotate(capsys, "--config", _config(tmp_path, store_url, K2, (K1,)))
    assert code == ExitCode.OK and "re-sealed 0 values" in stdout  # safe to re-run

    after = _linker(store_url, K2)  # key 1 gone
    try:
        for i in range(len(PEOPLE)):
            after.check(f"acc-{i}", 0, [])
        nickname = after.register("again", F, after.prepare(_identity("Zebulon Quartermann", "1957-09-13", "7364009")))
        assert nickname.linked_account_ids == ["acc-0"]
    finally:
        after.close()


def test_corrupt_values_are_listed_and_left(tmp_path, store_url, capsys):
    first = _linker(store_url, K1)
    try:
        first.register("ok", F, first.prepare(_identity(*PEOPLE[0])))
        first.register("bad", F, first.prepare(_identity(*PEOPLE[1])))
        first.store._exec("UPDATE link_sealed SET sealed = ? WHERE account_id = 'bad' AND type = ?",
                          (b"\x01" * 40, pb.SIGNAL_TYPE_DOCUMENT_NUMBER))
    finally:
        first.close()
    code, stdout, stderr = _rotate(capsys, "--config", _config(tmp_path, store_url, K2, (K1,)))
    assert code == ExitCode.FAILED
    assert "account bad: a sealed SIGNAL_TYPE_DOCUMENT_NUMBER value is corrupt (SEALED_VALUE_CORRUPT)" in stderr
    assert "re-sealed 3 values; 1 corrupt" in stdout


def test_a_bad_seal_key_is_a_usage_error(tmp_path, capsys):
    code, _, stderr = _rotate(capsys, "--config", _config(tmp_path, str(tmp_path / "s.sqlite3"), "short-seal-key-1234"))
    assert code == ExitCode.USAGE and "secrets.token_hex(32)" in stderr
    assert _rotate(capsys, "--batch", "0")[0] == ExitCode.USAGE


def test_replicas_mid_rotation_read_each_others_values(store_url):
    """Step 2 of the rotation: one replica already seals under key 2, another still under key 1;
    each holds the other key as a previous one, so each links what the other wrote."""
    old = _linker(store_url, K1, (K2,))
    new = _linker(store_url, K2, (K1,))
    try:
        old.register("by-old", F, old.prepare(_identity(*PEOPLE[0])))
        new.register("by-new", F, new.prepare(_identity(*PEOPLE[1])))
        assert {r.value.key_id for r in new.store.sealed_of(["by-old", "by-new"])} == {
            key_id(bytes.fromhex(K1)), key_id(bytes.fromhex(K2))}
        assert old.register("old-2", F, old.prepare(_identity(*PEOPLE[1]))).linked_account_ids == ["by-new"]
        assert new.register("new-2", F, new.prepare(_identity(*PEOPLE[0]))).linked_account_ids == ["by-old"]
    finally:
        old.close()
        new.close()
