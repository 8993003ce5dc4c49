"""Fold the element-wise chains of Paddle-exported ONNX graphs (the PP-OCRv4 models RapidOCR ships).

Paddle2ONNX writes PP-OCRv4's building blocks as chains of single element-wise nodes, which
onnxruntime runs one pass over the tensor each and which keep its NCHWc convolutions from
fusing their activations (each convolution is wrapped in layout reorders):

* a learnable affine block after a convolution, ``Mul(s) -> Add(t)`` with scalar ``s, t``:
  folded into the convolution's weights and bias (``W' = s W``, ``b' = s b + t``);
* hard-swish as ``Add(3) -> Clip(0, 6) -> Mul(x) -> Div(6)``: rewritten as
  ``x * HardSigmoid(x; 1/6, 1/2)`` (the same function; opset 12 has no HardSwish, and raising
  the opset would change other nodes' signatures), which onnxruntime fuses into the convolution;
* an affine block ``Mul(c) -> Add(d)`` read only by unpadded 1 x 1 convolutions: folded into them
  (``W' = c W``, ``b' = b + d * sum W``). Before a padded convolution it stays: the padding's
  zeros are not ``c * 0 + d``.

The results agree with the shipped graphs to float rounding (about 1e-6; tests compare them) and
run about 1.3 times faster on the CPU (benchmarks/RESULTS.md, issue 16 item 4). Pure: bytes in,
bytes out; the caller reads the model file.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

__all__ = ["fold_elementwise"]


def fold_elementwise(model: bytes) -> tuple[bytes, dict[str, int]]:
    """The graph ``model`` (serialised ONNX) with the chains above folded, and how many of each
    kind were folded (``conv_affine``, ``hardswish``, ``pointwise_affine``). A graph with none
    of them comes back with the same nodes."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load_from_string(model)
    g = m.graph
    consts: dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    nodes: list[Any] = []
    for n in g.node:  # Constant nodes become initializers, so that folding can read them
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        else:
            nodes.append(n)
    graph_outputs = {o.name for o in g.output}
    folded: collections.Counter[str] = collections.Counter()

    def scalar(name: str) -> float | None:
        a = consts.get(name)
        return float(a.reshape(-1)[0]) if a is not None and a.size == 1 else None

    def readers() -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = collections.defaultdict(list)
        for n in nodes:
            for i in n.input:
                out[i].append(n)
        return out

    def sole_reader(name: str, op: str, by: dict[str, list[Any]]) -> Any | None:
        r = by.get(name, [])
        return r[0] if len(r) == 1 and r[0].op_type == op and name not in graph_outputs else None

    def affine_after(name: str, by: dict[str, list[Any]]) -> tuple[Any, Any, float, float] | None:
        """``Mul(name, s) -> Add(., t)`` read from ``name`` alone, scalar s and t."""
        mul = sole_reader(name, "Mul", by)
        if mul is None or len(mul.input) != 2:
            return None
        s = scalar(mul.input[0] if mul.input[1] == name else mul.input[1])
        add = sole_reader(mul.output[0], "Add", by)
        if s is None or add is None or len(add.input) != 2:
            return None
        t = scalar(add.input[0] if add.input[1] == mul.output[0] else add.input[1])
        return None if t is None else (mul, add, s, t)

    def conv_params(conv: Any) -> tuple[np.ndarray, np.ndarray] | None:
        if len(conv.input) < 2 or conv.input[1] not in consts or (len(conv.input) > 2 and conv.input[2] not in consts):
            return None
        w = consts[conv.input[1]].astype(np.float32)
        b = consts[conv.input[2]].astype(np.float32) if len(conv.input) > 2 else np.zeros(w.shape[0], np.float32)
        return w, b

    def set_params(conv: Any, w: np.ndarray, b: np.ndarray, tag: str) -> None:
        wn, bn = f"{conv.output[0]}.{tag}.w", f"{conv.output[0]}.{tag}.b"
        consts[wn], consts[bn] = w.astype(np.float32), b.astype(np.float32)
        del conv.input[1:]
        conv.input.extend([wn, bn])

    # 1. Conv -> Mul(s) -> Add(t)
    by = readers()
    for conv in [n for n in nodes if n.op_type == "Conv"]:
        chain = affine_after(conv.output[0], by)
        params = conv_params(conv)
        if chain is None or params is None:
            continue
        mul, add, s, t = chain
        w, b = params
        set_params(conv, w * s, b * s + t, "affine")
        conv.output[0] = add.output[0]
        nodes.remove(mul)
        nodes.remove(add)
        folded["conv_affine"] += 1
        by = readers()

    # 2. hard-swish: Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(6)
    for add in [n for n in nodes if n.op_type == "Add"]:
        if len(add.input) != 2:
            continue
        x, three = (add.input[0], add.input[1]) if scalar(add.input[1]) is not None else (add.input[1], add.input[0])
        if scalar(three) != 3.0 or scalar(x) is not None:
            continue
        clip = sole_reader(add.output[0], "Clip", by)
        if clip is None or len(clip.input) != 3 or scalar(clip.input[1]) != 0.0 or scalar(clip.input[2]) != 6.0:
            continue
        mul = sole_reader(clip.output[0], "Mul", by)
        if mul is None or x not in mul.input:
            continue
        div = sole_reader(mul.output[0], "Div", by)
        if div is None or div.input[0] != mul.output[0] or scalar(div.input[1]) != 6.0:
            continue
        gate = div.output[0] + ".hardsigmoid"
        at = nodes.index(add)
        for n in (add, clip, mul, div):
            nodes.remove(n)
        nodes.insert(at, helper.make_node("HardSigmoid", [x], [gate], name=gate, alpha=1.0 / 6.0, beta=0.5))
        nodes.insert(at + 1, helper.make_node("Mul", [x, gate], [div.output[0]], name=div.output[0] + ".hardswish"))
        folded["hardswish"] += 1
        by = readers()

    # 3. Mul(c) -> Add(d) read only by unpadded 1 x 1 convolutions
    def pointwise(n: Any, name: str) -> bool:
        if n.op_type != "Conv" or n.input[0] != name or conv_params(n) is None:
            return False
        at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        return (consts[n.input[1]].shape[2:] == (1, 1) and not any(at.get("pads", [])) and at.get("group", 1) == 1
                and at.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET"))

    for mul in [n for n in nodes if n.op_type == "Mul"]:
        if mul not in nodes or len(mul.input) != 2:
            continue
        x = mul.input[1] if scalar(mul.input[0]) is not None else mul.input[0]
        if scalar(x) is not None:
            continue
        producer_readers = by.get(x, [])
        if producer_readers != [mul]:
            continue
        chain = affine_after(x, by)
        if chain is None:
            continue
        _, add, c, d = chain
        users = by.get(add.output[0], [])
        if not users or add.output[0] in graph_outputs or not all(pointwise(n, add.output[0]) for n in users):
            continue
        for conv in users:
            w, b = conv_params(conv)  # type: ignore[misc]
            set_params(conv, w * c, b + d * w.sum(axis=(1, 2, 3)), "pointwise")
            conv.input[0] = x
        nodes.remove(mul)
        nodes.remove(add)
        folded["pointwise_affine"] += 1
        by = readers()

    used = {i for n in nodes for i in n.input}
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in consts.items() if k in used)
    return m.SerializeToString(), dict(folded)
