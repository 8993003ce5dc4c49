"""The checked-in generated code is in step with protos/."""

from __future__ import annotations

from idverify.codegen import REPO_ROOT, generate


def test_generated_code_matches_protos(tmp_path):
    written = generate(out_dir=tmp_path)
    assert written, "no .proto files found"
    stale = []
    for fresh in written:
        rel = fresh.relative_to(tmp_path)
        checked_in = REPO_ROOT / rel
        if not checked_in.is_file() or checked_in.read_bytes() != fresh.read_bytes():
            stale.append(str(rel))
    assert not stale, f"out of step with protos/ (run `python -m idverify.codegen`): {stale}"
