"""Caffe nets for the Caffe frontend's tests, each built twice from the same random weights:
as a Caffe net (a deploy prototxt + a caffemodel, written with the message classes that
Strata generates from its caffe.proto) and as the same computation in ONNX (onnx.helper),
which ONNX Runtime runs as the reference.

`Twin` adds a layer to both at once; each method spells out the ONNX ops that compute the
Caffe layer's published semantics (not Strata's converters).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from google.protobuf import text_format
from onnx import TensorProto, helper, numpy_helper

from strata.frontends.caffe import schema

F32 = TensorProto.FLOAT


class Twin:
    def __init__(self, name: str, seed: int = 0) -> None:
        self.net = schema.net_parameter()()
        self.net.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self.inputs: list[Any] = []
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.onnx_name: dict[str, str] = {}  # Caffe blob -> its current ONNX value
        self._n = 0

    # ---- plumbing ----------------------------------------------------------------------
    def _fresh(self, base: str) -> str:
        self._n += 1
        return f"{base}__{self._n}"

    def _layer(self, name: str, type_: str, bottoms: Sequence[str], tops: Sequence[str]) -> Any:
        layer = self.net.layer.add()
        layer.name, layer.type = name, type_
        layer.bottom.extend(bottoms)
        layer.top.extend(tops)
        return layer

    def _blob(self, layer: Any, array: np.ndarray) -> None:
        b = layer.blobs.add()
        b.shape.dim.extend(array.shape)
        b.data.extend(array.astype(np.float32).ravel().tolist())

    def _init(self, array: np.ndarray, base: str) -> str:
        name = self._fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array, np.float32), name))
        return name

    def _node(
        self, op: str, ins: Sequence[str], base: str, n_out: int = 1, **attrs: Any
    ) -> list[str]:
        outs = [self._fresh(base) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, list(ins), outs, **attrs))
        return outs

    def x(self, blob: str) -> str:
        return self.onnx_name[blob]

    def set(self, blob: str, onnx_value: str) -> None:
        self.onnx_name[blob] = onnx_value

    def weights(self, *shape: int, scale: float = 0.5) -> np.ndarray:
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    # ---- layers ------------------------------------------------------------------------
    def input(self, name: str, shape: Sequence[int]) -> None:
        layer = self._layer(name, "Input", [], [name])
        layer.input_param.shape.add().dim.extend(shape)
        self.inputs.append(helper.make_tensor_value_info(name, F32, list(shape)))
        self.set(name, name)

    def conv(self, name: str, bottom: str, top: str, cin: int, m: int, k: int, *, stride: int = 1,
             pad: int = 0, group: int = 1, dilation: int = 1, bias: bool = True) -> None:  # fmt: skip
        layer = self._layer(name, "Convolution", [bottom], [top])
        p = layer.convolution_param
        p.num_output, p.group, p.bias_term = m, group, bias
        p.kernel_size.append(k)
        if stride != 1:
            p.stride.append(stride)
        if pad:
            p.pad.append(pad)
        if dilation != 1:
            p.dilation.append(dilation)
        w = self.weights(m, cin // group, k, k)
        self._blob(layer, w)
        ins = [self.x(bottom), self._init(w, f"{name}_w")]
        if bias:
            b = self.weights(m)
            self._blob(layer, b)
            ins.append(self._init(b, f"{name}_b"))
        (y,) = self._node("Conv", ins, name, strides=[stride] * 2, pads=[pad] * 4, group=group,
                          dilations=[dilation] * 2, kernel_shape=[k, k])  # fmt: skip
        self.set(top, y)

    def deconv(self, name: str, bottom: str, top: str, cin: int, m: int, k: int, *,
               stride: int = 1, pad: int = 0, group: int = 1) -> None:  # fmt: skip
        layer = self._layer(name, "Deconvolution", [bottom], [top])
        p = layer.convolution_param
        p.num_output, p.group = m, group
        p.kernel_h, p.kernel_w = k, k  # the _h / _w spelling
        p.stride_h, p.stride_w = stride, stride
        p.pad_h, p.pad_w = pad, pad
        w = self.weights(cin, m // group, k, k)
        b = self.weights(m)
        self._blob(layer, w)
        self._blob(layer, b)
        ins = [self.x(bottom), self._init(w, f"{name}_w"), self._init(b, f"{name}_b")]
        (y,) = self._node("ConvTranspose", ins, name, strides=[stride] * 2, pads=[pad] * 4,
                          group=group, kernel_shape=[k, k])  # fmt: skip
        self.set(top, y)

    def pool(self, name: str, bottom: str, top: str, method: str, k: int, stride: int,
             pad: int = 0) -> None:  # fmt: skip
        """ONNX's ceil_mode where Caffe's CEIL rounding keeps no window in the padding."""
        layer = self._layer(name, "Pooling", [bottom], [top])
        p = layer.pooling_param
        p.pool = p.DESCRIPTOR.fields_by_name["pool"].enum_type.values_by_name[method].number
        p.kernel_size, p.stride, p.pad = k, stride, pad
        op = "MaxPool" if method == "MAX" else "AveragePool"
        extra = {"count_include_pad": 1} if method == "AVE" else {}
        (y,) = self._node(op, [self.x(bottom)], name, kernel_shape=[k, k], strides=[stride] * 2,
                          pads=[pad] * 4, ceil_mode=1, **extra)  # fmt: skip
        self.set(top, y)

    def global_ave(self, name: str, bottom: str, top: str) -> None:
        layer = self._layer(name, "Pooling", [bottom], [top])
        layer.pooling_param.pool = 1
        layer.pooling_param.global_pooling = True
        (y,) = self._node("GlobalAveragePool", [self.x(bottom)], name)
        self.set(top, y)

    def relu(self, name: str, bottom: str, top: str, slope: float = 0.0) -> None:
        layer = self._layer(name, "ReLU", [bottom], [top])
        if slope:
            layer.relu_param.negative_slope = slope
            (y,) = self._node("LeakyRelu", [self.x(bottom)], name, alpha=slope)
        else:
            (y,) = self._node("Relu", [self.x(bottom)], name)
        self.set(top, y)

    def unary(self, name: str, type_: str, onnx_op: str, bottom: str, top: str) -> None:
        self._layer(name, type_, [bottom], [top])
        self.set(top, self._node(onnx_op, [self.x(bottom)], name)[0])

    def prelu(self, name: str, bottom: str, top: str, c: int, shared: bool = False) -> None:
        layer = self._layer(name, "PReLU", [bottom], [top])
        layer.prelu_param.channel_shared = shared
        slope = self.weights(1 if shared else c)
        self._blob(layer, slope)
        s = self._init(slope.reshape(-1, 1, 1) if not shared else slope, f"{name}_slope")
        self.set(top, self._node("PRelu", [self.x(bottom), s], name)[0])

    def lrn(self, name: str, bottom: str, top: str, size: int, alpha: float, beta: float,
            k: float = 1.0) -> None:  # fmt: skip
        layer = self._layer(name, "LRN", [bottom], [top])
        p = layer.lrn_param
        p.local_size, p.alpha, p.beta, p.k = size, alpha, beta, k
        (y,) = self._node("LRN", [self.x(bottom)], name, size=size, alpha=alpha, beta=beta,
                          bias=k)  # fmt: skip
        self.set(top, y)

    def inner_product(self, name: str, bottom: str, top: str, k: int, n: int,
                      transpose: bool = False) -> None:  # fmt: skip
        layer = self._layer(name, "InnerProduct", [bottom], [top])
        p = layer.inner_product_param
        p.num_output, p.transpose = n, transpose
        w = self.weights(n, k, scale=0.2)
        b = self.weights(n)
        self._blob(layer, np.ascontiguousarray(w.T) if transpose else w)
        self._blob(layer, b)
        (flat,) = self._node("Flatten", [self.x(bottom)], f"{name}_flat", axis=1)
        (y,) = self._node("Gemm", [flat, self._init(w, f"{name}_w"), self._init(b, f"{name}_b")],
                          name, transB=1)  # fmt: skip
        self.set(top, y)

    def batch_norm_scale(self, bn: str, sc: str, blob: str, c: int) -> None:
        """BatchNorm + Scale (bias_term), both in place, as ResNets write them."""
        mean, var = self.weights(c), np.abs(self.weights(c)) + 0.5
        factor = np.float32(2.0)  # Caffe keeps sums: mean and variance are divided by it
        layer = self._layer(bn, "BatchNorm", [blob], [blob])
        layer.batch_norm_param.eps = 1e-4
        self._blob(layer, mean * factor)
        self._blob(layer, var * factor)
        self._blob(layer, np.array([factor], np.float32))
        gamma, beta = self.weights(c), self.weights(c)
        layer = self._layer(sc, "Scale", [blob], [blob])
        layer.scale_param.bias_term = True
        self._blob(layer, gamma)
        self._blob(layer, beta)
        ins = [self.x(blob)] + [self._init(a, bn) for a in (gamma, beta, mean, var)]
        self.set(blob, self._node("BatchNormalization", ins, bn, epsilon=1e-4)[0])

    def eltwise(self, name: str, bottoms: Sequence[str], top: str, op: str,
                coeff: Sequence[float] = ()) -> None:  # fmt: skip
        layer = self._layer(name, "Eltwise", bottoms, [top])
        p = layer.eltwise_param
        p.operation = p.DESCRIPTOR.fields_by_name["operation"].enum_type.values_by_name[op].number
        p.coeff.extend(coeff)
        xs = [self.x(b) for b in bottoms]
        if coeff:
            xs = [self._node("Mul", [x, self._init(np.array(c, np.float32), "c")], "coeff")[0]
                  for x, c in zip(xs, coeff, strict=True)]  # fmt: skip
        onnx_op = {"SUM": "Sum", "PROD": "Mul", "MAX": "Max"}[op]
        y = xs[0]
        for x in xs[1:]:
            (y,) = self._node(onnx_op, [y, x], name)
        self.set(top, y)

    def concat(self, name: str, bottoms: Sequence[str], top: str, axis: int = 1) -> None:
        layer = self._layer(name, "Concat", bottoms, [top])
        layer.concat_param.axis = axis
        self.set(top, self._node("Concat", [self.x(b) for b in bottoms], name, axis=axis)[0])

    def slice(self, name: str, bottom: str, tops: Sequence[str], points: Sequence[int],
              size: int, axis: int = 1) -> None:  # fmt: skip
        layer = self._layer(name, "Slice", [bottom], tops)
        layer.slice_param.axis = axis
        layer.slice_param.slice_point.extend(points)
        bounds = [0, *points, size]
        split = np.array([b - a for a, b in itertools.pairwise(bounds)], np.int64)
        s = self._fresh("split")
        self.inits.append(numpy_helper.from_array(split, s))
        outs = self._node("Split", [self.x(bottom), s], name, n_out=len(tops), axis=axis)
        for t, o in zip(tops, outs, strict=True):
            self.set(t, o)

    def dropout(self, name: str, blob: str) -> None:
        self._layer(name, "Dropout", [blob], [blob]).dropout_param.dropout_ratio = 0.3

    def softmax(self, name: str, bottom: str, top: str, axis: int = 1) -> None:
        self._layer(name, "Softmax", [bottom], [top]).softmax_param.axis = axis
        self.set(top, self._node("Softmax", [self.x(bottom)], name, axis=axis)[0])

    def reshape(self, name: str, bottom: str, top: str, dims: Sequence[int],
                onnx_shape: Sequence[int]) -> None:  # fmt: skip
        self._layer(name, "Reshape", [bottom], [top]).reshape_param.shape.dim.extend(dims)
        s = self._fresh("shape")
        self.inits.append(numpy_helper.from_array(np.array(onnx_shape, np.int64), s))
        self.set(top, self._node("Reshape", [self.x(bottom), s], name)[0])

    # ---- files -------------------------------------------------------------------------
    def write(self, out: Path, weights: bool = True) -> tuple[Path, Path]:
        """NAME.prototxt (the net, no blobs) and NAME.caffemodel (the net with its blobs)."""
        out.mkdir(parents=True, exist_ok=True)
        deploy = type(self.net)()
        deploy.CopyFrom(self.net)
        for layer in deploy.layer:
            del layer.blobs[:]
        proto = out / f"{self.net.name}.prototxt"
        proto.write_text(text_format.MessageToString(deploy))
        model = out / f"{self.net.name}.caffemodel"
        if weights:
            model.write_bytes(self.net.SerializeToString())
        return proto, model

    def onnx_model(self, outputs: Sequence[str]) -> bytes:
        outs = [helper.make_tensor_value_info(self.x(o), F32, None) for o in outputs]
        graph = helper.make_graph(self.nodes, "ref", self.inputs, outs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9)
        return model.SerializeToString()


def run_onnx(twin: Twin, outputs: Sequence[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    import onnxruntime as ort

    sess = ort.InferenceSession(twin.onnx_model(outputs), providers=["CPUExecutionProvider"])
    return [np.asarray(a) for a in sess.run(None, feeds)]


def caffe_pool(x: np.ndarray, method: str, k: int, s: int, pad: int) -> np.ndarray:
    """Caffe's PoolingLayer forward (CEIL rounding) written out as its loops are."""
    n, c, h, w = x.shape
    ph = -(-(h + 2 * pad - k) // s) + 1
    pw = -(-(w + 2 * pad - k) // s) + 1
    if pad:
        ph -= (ph - 1) * s >= h + pad
        pw -= (pw - 1) * s >= w + pad
    y = np.zeros((n, c, ph, pw), np.float32)
    for i in range(ph):
        for j in range(pw):
            hs, ws = i * s - pad, j * s - pad
            he, we = min(hs + k, h + pad), min(ws + k, w + pad)
            size = (he - hs) * (we - ws)
            hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            win = x[:, :, hs:he, ws:we]
            if method == "MAX":
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                y[:, :, i, j] = win.sum(axis=(2, 3)) / size
    return y
