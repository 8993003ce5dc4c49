"""Folding the exporter's element-wise chains: the same function, fewer nodes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from idverify.documents.onnx_folding import fold_elementwise


def _run(model: bytes, x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


def _const(name: str, value) -> object:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value, np.float32), name))


def _block_graph(second_kernel: int, second_pads: int) -> bytes:
    """Conv -> affine -> hard-swish (as Paddle2ONNX writes it) -> affine -> Conv(second_kernel)."""
    rng = np.random.default_rng(3)
    w1 = numpy_helper.from_array(rng.normal(size=(4, 3, 3, 3)).astype(np.float32), "w1")
    b1 = numpy_helper.from_array(rng.normal(size=4).astype(np.float32), "b1")
    w2 = numpy_helper.from_array(rng.normal(size=(5, 4, second_kernel, second_kernel)).astype(np.float32), "w2")
    b2 = numpy_helper.from_array(rng.normal(size=5).astype(np.float32), "b2")
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        _const("s", [0.7]), _const("t", [0.2]), _const("three", 3.0), _const("zero", 0.0), _const("six", 6.0),
        _const("c", [1.3]), _const("d", [-0.4]),
        helper.make_node("Mul", ["s", "c1"], ["m1"]),
        helper.make_node("Add", ["m1", "t"], ["a1"]),
        helper.make_node("Add", ["a1", "three"], ["h1"]),
        helper.make_node("Clip", ["h1", "zero", "six"], ["h2"]),
        helper.make_node("Mul", ["a1", "h2"], ["h3"]),
        helper.make_node("Div", ["h3", "six"], ["hs"]),
        helper.make_node("Mul", ["c", "hs"], ["m2"]),
        helper.make_node("Add", ["m2", "d"], ["a2"]),
        helper.make_node("Conv", ["a2", "w2", "b2"], ["y"], pads=[second_pads] * 4),
    ]
    graph = helper.make_graph(nodes, "block", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w1, b1, w2, b2])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], ir_version=7).SerializeToString()


def test_a_block_folds_into_its_convolutions_and_computes_the_same():
    model = _block_graph(second_kernel=1, second_pads=0)
    folded, counts = fold_elementwise(model)
    assert counts == {"conv_affine": 1, "hardswish": 1, "pointwise_affine": 1}
    ops = [n.op_type for n in onnx.load_from_string(folded).graph.node]
    assert ops == ["Conv", "HardSigmoid", "Mul", "Conv"]
    x = np.random.default_rng(0).normal(size=(1, 3, 8, 8)).astype(np.float32) * 3
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-5, atol=1e-5)


def test_an_affine_block_before_a_padded_convolution_stays():
    # The padding's zeros are not c * 0 + d: folding it there would change the borders.
    model = _block_graph(second_kernel=3, second_pads=1)
    folded, counts = fold_elementwise(model)
    assert counts == {"conv_affine": 1, "hardswish": 1}
    ops = [n.op_type for n in onnx.load_from_string(folded).graph.node]
    assert ops == ["Conv", "HardSigmoid", "Mul", "Mul", "Add", "Conv"]
    x = np.random.default_rng(1).normal(size=(1, 3, 8, 8)).astype(np.float32) * 3
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-5, atol=1e-5)


def test_a_graph_without_the_chains_keeps_its_nodes():
    nodes = [_const("k", [2.0]), helper.make_node("Mul", ["x", "k"], ["y"])]
    graph = helper.make_graph(nodes, "plain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], ir_version=7).SerializeToString()
    folded, counts = fold_elementwise(model)
    assert counts == {}
    assert [n.op_type for n in onnx.load_from_string(folded).graph.node] == ["Mul"]
    np.testing.assert_array_equal(_run(folded, np.array([1.0, -3.0], np.float32)), [2.0, -6.0])


@pytest.mark.parametrize(("name", "shape"), [("ch_PP-OCRv4_rec_infer.onnx", (2, 3, 48, 320)),
                                             ("ch_PP-OCRv4_det_infer.onnx", (1, 3, 224, 320))])
def test_the_shipped_ppocr_graphs_fold_and_give_the_same_outputs(name, shape):
    import rapidocr_onnxruntime as rapidocr

    model = (Path(rapidocr.__file__).parent / "models" / name).read_bytes()
    folded, counts = fold_elementwise(model)
    assert counts["conv_affine"] >= 20 and counts["hardswish"] >= 20 and counts["pointwise_affine"] >= 10
    assert len(onnx.load_from_string(folded).graph.node) < len(onnx.load_from_string(model).graph.node)
    x = np.random.default_rng(2).uniform(-1, 1, size=shape).astype(np.float32)
    old, new = _run(model, x), _run(folded, x)
    np.testing.assert_allclose(new, old, rtol=1e-3, atol=1e-4)
    if "rec" in name:  # the recogniser's best character at every column is unchanged
        assert (old.argmax(-1) == new.argmax(-1)).all()
