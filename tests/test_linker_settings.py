"""The linker's settings: the seal key must be a real 256-bit key, previous keys are for reading
only, and a bad key stops ``idverify serve`` with exit code 2 and one line saying how to make one."""

from __future__ import annotations

import pytest

from idverify.cli import main
from idverify.cli.exit_codes import ExitCode
from idverify.config import load_config
from idverify.errors import ConfigError

HASH = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SEAL = "5ea1" * 16
OLD = "ab" * 32


def _load(**linker):
    return load_config(overrides={"linker": {"enabled": True, "hash_key": HASH, **linker}}, environ={})


@pytest.mark.parametrize("bad", [
    "service-test-seal-key",  # 21 characters, once stretched by one SHA-256
    "seal-key-" + "0" * 55,  # 64 characters, not hex
    SEAL[:-1],  # 63 hex characters
    SEAL + "00",  # 66
    "XqG1n2k3n4m5b6v7c8x9z0a1s2d3f4g5h6j7k8l9p0o=",  # base64 of 32 bytes: not accepted
], ids=["short", "not-hex", "63-hex", "66-hex", "base64"])
def test_a_seal_key_that_is_not_64_hex_characters_is_refused(bad):
    with pytest.raises(ConfigError) as err:
        _load(seal_key=bad)
    assert err.value.reason == "CONFIG_VALUE"
    assert "64 hex characters" in err.value.message and "secrets.token_hex(32)" in err.value.message
    assert bad not in err.value.message


def test_a_real_key_is_accepted_in_either_case_but_never_the_hash_key():
    assert _load(seal_key=SEAL.upper()).linker.seal_key == SEAL.upper()
    for same in (HASH, HASH.upper()):
        with pytest.raises(ConfigError, match="must differ from linker.hash_key"):
            _load(seal_key=same)


def test_previous_seal_keys_from_toml_and_the_environment(tmp_path):
    path = tmp_path / "idverify.toml"
    path.write_text(f'[linker]\nseal_key = "{SEAL}"\nprevious_seal_keys = ["{OLD}", "an-older-short-key"]\n')
    assert load_config(path, environ={}).linker.previous_seal_keys == (OLD, "an-older-short-key")
    env = {"IDVERIFY_LINKER__PREVIOUS_SEAL_KEYS": f'["{OLD}"]'}
    assert load_config(environ=env).linker.previous_seal_keys == (OLD,)


@pytest.mark.parametrize(("previous", "needle"), [
    (["too-short"], "previous_seal_keys[0] must be 64 hex"),
    ([OLD, HASH], "previous_seal_keys[1] must differ from linker.hash_key"),
    ([SEAL.upper()], "previous_seal_keys[0] repeats linker.seal_key"),
    ([OLD, OLD], "previous_seal_keys[1] repeats"),
])
def test_bad_previous_seal_keys_are_refused(previous, needle):
    with pytest.raises(ConfigError) as err:
        _load(seal_key=SEAL, previous_seal_keys=previous)
    assert needle in err.value.message and err.value.reason == "CONFIG_VALUE"


def test_serve_refuses_a_short_seal_key_with_one_line_and_exit_code_2(tmp_path, capsys):
    path = tmp_path / "idverify.toml"
    path.write_text(f'[linker]\nenabled = true\nhash_key = "{HASH}"\nseal_key = "a-16-char-secret"\n')
    assert main(["serve", "--config", str(path)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "linker.seal_key must be 64 hex characters" in err
    assert 'python -c "import secrets; print(secrets.token_hex(32))"' in err


def test_the_keys_never_show_in_a_repr_or_a_log(caplog):
    import logging

    config = _load(seal_key=SEAL, previous_seal_keys=[OLD])
    assert (config.linker.hash_key, config.linker.seal_key, config.linker.previous_seal_keys) == (HASH, SEAL, (OLD,))
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings %s %r; config %s %r", config.linker, config.linker, config, config)
    for shown in (repr(config.linker), str(config.linker), repr(config), str(config), caplog.text):
        assert "store_url" in shown or "settings" in shown
        for key in (HASH, SEAL, OLD):
            assert key not in shown


def test_posted_details_per_account_are_bounded():
    assert _load(seal_key=SEAL).linker.posted_per_account == 50
    assert _load(seal_key=SEAL, posted_per_account=5).linker.posted_per_account == 5
    with pytest.raises(ConfigError, match="posted_per_account"):
        _load(seal_key=SEAL, posted_per_account=0)


def test_the_face_graph_dtype_is_f32_or_f16():
    assert _load().linker.hnsw_dtype == "f32"
    assert _load(hnsw_dtype="f16").linker.hnsw_dtype == "f16"
    with pytest.raises(ConfigError) as err:
        _load(hnsw_dtype="i8")
    assert err.value.reason == "CONFIG_VALUE" and "hnsw_dtype" in err.value.message
