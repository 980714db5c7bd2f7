"""The PyTorch frontend: modules through torch.export into nn, compiled for the CPU and
compared with PyTorch's own outputs; dynamic dims, .pt2 files, unsupported ops."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import strata  # noqa: E402
from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError  # noqa: E402
from strata.frontends.formats import detect, import_file  # noqa: E402
from strata.frontends.torch import import_program  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from torch_models import ResNet18, TinyBert  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def _outputs(y: object) -> list[np.ndarray]:
    items = y if isinstance(y, (list, tuple)) else [y]
    return [t.detach().numpy() for t in items]  # type: ignore[union-attr]


def check(
    module: nn.Module,
    *inputs: torch.Tensor,
    dynamic_shapes: object = None,
    run_inputs: Sequence[torch.Tensor] | None = None,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> strata.CompiledModel:
    """Compile `module` through torch.export and compare with PyTorch on `run_inputs`
    (default: the example inputs)."""
    module = module.eval()
    compiled = strata.compile(module, example_inputs=inputs, dynamic_shapes=dynamic_shapes)
    xs = list(run_inputs if run_inputs is not None else inputs)
    with torch.no_grad():
        want = _outputs(module(*xs))
    got = compiled.run([x.numpy() for x in xs])
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return compiled


class Fn(nn.Module):
    """A module whose forward is `fn` (one small graph per op family)."""

    def __init__(self, fn: Callable[..., object], **params: torch.Tensor) -> None:
        super().__init__()
        self.fn = fn
        for k, v in params.items():
            self.register_parameter(k, nn.Parameter(v, requires_grad=False))

    def forward(self, *xs: torch.Tensor) -> object:
        return self.fn(self, *xs)


def randomize_batch_norm(m: nn.Module) -> nn.Module:
    """Non-trivial running statistics and affine parameters (fresh ones are 0 / 1)."""
    g = torch.Generator().manual_seed(1)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mod.running_mean.copy_(torch.rand(c, generator=g) - 0.5)
            mod.running_var.copy_(torch.rand(c, generator=g) + 0.5)
            mod.weight.data.copy_(torch.rand(c, generator=g) + 0.5)
            mod.bias.data.copy_(torch.rand(c, generator=g) - 0.5)
    return m


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


# ---- op families -----------------------------------------------------------------------------


def test_elementwise_and_activations() -> None:
    def f(_: nn.Module, a: torch.Tensor, b: torch.Tensor) -> object:
        y = (a + b) * 2.0 - b / (a.abs() + 1.0)
        y = y + torch.sigmoid(a) * torch.tanh(b) + F.relu(a - 0.1) + F.gelu(b)
        y = y + F.gelu(a, approximate="tanh") + torch.exp(-a * a) + torch.sqrt(b * b + 1)
        y = y + torch.clamp(a, -0.5, 0.5) + F.relu6(b * 4) + F.leaky_relu(a, 0.2) + F.silu(b)
        y = y + torch.rsqrt(a * a + 1) + torch.maximum(a, b) - torch.minimum(a, b)
        return y, torch.where(a > b, a, b * 3), (a >= 0) & (b < 0.5), torch.remainder(a, 0.7)

    a, b = torch.randn(3, 4, 5), torch.randn(3, 4, 5)
    check(Fn(f), a, b)


def test_more_math() -> None:
    def f(_: nn.Module, a: torch.Tensor, b: torch.Tensor) -> object:
        pos = a.abs() + 0.5
        y = torch.log2(pos) + torch.log10(pos) + torch.log1p(pos) + torch.expm1(a * 0.5)
        y = y + torch.trunc(a * 3) + F.hardsigmoid(b * 4) + torch.fmod(a * 5, 1.5)
        y = y + torch.atan(a) + torch.asin(a.clamp(-0.9, 0.9)) + torch.cosh(b) + torch.tan(b * 0.5)
        nan = torch.where(a > 1.0, a * float("nan"), a)
        return y, torch.isnan(nan), torch.floor_divide(a * 4, 1.5), torch.pow(2.0, a)

    check(Fn(f), torch.randn(3, 7), torch.randn(3, 7))


def test_integer_and_broadcast_arithmetic() -> None:
    def f(_: nn.Module, x: torch.Tensor, i: torch.Tensor) -> object:
        return x * 2 + i, i * 3 - 1, (i // 2), x + x.new_ones(1, 6)

    x, i = torch.randn(4, 6), torch.randint(-5, 5, (4, 6))
    check(Fn(f), x, i)


def test_reductions_and_softmax() -> None:
    def f(_: nn.Module, x: torch.Tensor) -> object:
        return (
            x.mean(dim=-1),
            x.sum(dim=(0, 2), keepdim=True),
            x.amax(dim=1),
            torch.softmax(x, dim=1),
            torch.log_softmax(x, dim=-1),
            x.mean(),
        )

    check(Fn(f), torch.randn(2, 5, 7))


def test_shape_ops() -> None:
    def f(_: nn.Module, x: torch.Tensor, y: torch.Tensor) -> object:
        a = x.view(2, 12, 5).permute(2, 0, 1).reshape(5, -1)
        b = torch.cat([x, y], dim=1)[:, 1:6:2, :, ::2]
        c = x.transpose(0, 2).unsqueeze(1).squeeze(1)
        d = x[:, 2, 0].unsqueeze(-1).expand(2, 5, 3)
        e0, e1 = torch.split(y, [1, 2], dim=1)
        return a, b, c, d, e0 * 2, e1.flatten(1), x.select(1, -1), x[:, 1:].squeeze()

    x = torch.randn(2, 4, 3, 5)
    check(Fn(f), x, torch.randn(2, 3, 3, 5))
    # a non-contiguous input
    check(Fn(lambda _, t: t.permute(1, 0) * 2), torch.randn(4, 3)[::2])


def test_indexing_and_padding() -> None:
    def f(_: nn.Module, x: torch.Tensor, i: torch.Tensor) -> object:
        rows = torch.arange(3).view(3, 1)
        return (
            x.index_select(1, i),
            x[:, i],
            x[rows, torch.tensor([[0, 2, 1]])],
            torch.gather(x, 1, i.view(1, -1).expand(3, 2)),
            x.argmax(dim=1),
            *x.max(dim=0),
            F.pad(x, (1, 2), value=0.5),
        )

    check(Fn(f), torch.randn(3, 5), torch.tensor([4, 0]))


def test_rearrange_and_statistics() -> None:
    def f(_: nn.Module, x: torch.Tensor) -> object:
        values, indices = torch.topk(x, 3, dim=-1)
        return (
            torch.flip(x, [0, 2]),
            torch.cumsum(x, dim=1),
            values,
            indices,
            x.repeat(2, 1, 3),
            x.repeat(2, 1, 1, 1),
            F.pad(x, (2, 1), mode="reflect"),
            F.pad(x, (1, 2), mode="replicate"),
            x.var(dim=-1),
            x.var(dim=(0, 1), unbiased=False, keepdim=True),
            torch.prod(x, dim=1),
        )

    check(Fn(f), torch.randn(2, 4, 6))


def test_linear_algebra_and_embedding() -> None:
    g = torch.Generator().manual_seed(2)

    def f(m: nn.Module, x: torch.Tensor, ids: torch.Tensor, b: torch.Tensor) -> object:
        h = F.linear(x, m.w, m.bias)  # addmm on 2-d, matmul + add on 3-d
        h3 = F.linear(x.unsqueeze(0).expand(2, 3, 8), m.w)
        return h, h3, x @ m.w.t(), torch.bmm(b, b.transpose(1, 2)), F.embedding(ids, m.table)

    mod = Fn(
        f,
        w=torch.randn(6, 8, generator=g),
        bias=torch.randn(6, generator=g),
        table=torch.randn(10, 4, generator=g),
    )
    check(mod, torch.randn(3, 8), torch.tensor([[1, 9, 0], [3, 3, 7]]), torch.randn(2, 3, 5))


def test_conv_pool_batch_norm() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
            self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8, bias=False)
            self.bn = nn.BatchNorm2d(8)
            self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)

        def forward(self, x: torch.Tensor) -> object:
            y = self.bn(self.dw(F.relu(self.conv(x))))
            p = F.max_pool2d(y, 3, 2, 1)
            q = F.avg_pool2d(y, 2)
            r = F.adaptive_avg_pool2d(y, (2, 2))
            return p, q, r, self.up(y)

    check(randomize_batch_norm(Net()), torch.randn(2, 3, 16, 16))


def test_group_norm_resize_and_other_pools() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gn = nn.GroupNorm(2, 6)

        def forward(self, x: torch.Tensor, s: torch.Tensor, v: torch.Tensor) -> object:
            y = self.gn(x)
            return (
                y,
                F.interpolate(y, scale_factor=2, mode="nearest"),
                F.interpolate(y, size=(5, 7), mode="bilinear", align_corners=False),
                F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=True),
                F.avg_pool1d(s, 3, 2),
                F.adaptive_avg_pool1d(s, 4),
                F.max_pool3d(v, 2),
                F.avg_pool3d(v, 2),
            )

    gn = Net()
    with torch.no_grad():
        gn.gn.weight.uniform_(0.5, 1.5)
        gn.gn.bias.uniform_(-0.5, 0.5)
    check(gn, torch.randn(2, 6, 4, 4), torch.randn(2, 3, 8), torch.randn(1, 2, 4, 4, 4))


# ---- models ----------------------------------------------------------------------------------


def test_resnet18() -> None:
    """torchvision's ResNet-18 layout (half the widths) on a 64x64 image."""
    model = randomize_batch_norm(ResNet18(num_classes=10, shrink=2))
    compiled = check(model, torch.randn(1, 3, 64, 64), rtol=1e-4, atol=1e-4)
    assert len(compiled.inputs) == 1 and compiled.inputs[0].shape == (1, 3, 64, 64)


@pytest.mark.parametrize("sdpa", [False, True], ids=["matmul-softmax", "sdpa"])
def test_bert_style_encoder(sdpa: bool) -> None:
    model = TinyBert(sdpa=sdpa)
    ids = torch.randint(0, 50, (2, 8))
    mask = torch.ones(2, 8, dtype=torch.int64)
    mask[1, 5:] = 0
    check(model, ids, mask)


def test_transformers_bert_model() -> None:
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=64,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=32,
    )
    model = transformers.BertModel(config).eval()
    ids = torch.randint(0, 64, (2, 8))
    mask = torch.ones(2, 8, dtype=torch.int64)
    mask[0, 6:] = 0

    class Wrapper(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> object:
            out = self.bert(input_ids=ids, attention_mask=mask)
            return out.last_hidden_state, out.pooler_output

    check(Wrapper(), ids, mask)


# ---- dynamic dims, .pt2 files, the API -------------------------------------------------------


def test_dynamic_batch() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.fc = nn.Linear(4 * 8 * 8, 5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = F.relu(self.conv(x))
            return torch.softmax(self.fc(y.view(y.shape[0], -1)), dim=-1)

    net = Net().eval()
    batch = torch.export.Dim("batch", min=1, max=64)
    compiled = check(
        net,
        torch.randn(2, 3, 8, 8),
        dynamic_shapes=({0: batch},),
        run_inputs=[torch.randn(5, 3, 8, 8)],
    )
    (info,) = compiled.inputs
    assert isinstance(info.shape[0], str) and info.shape[1:] == (3, 8, 8)
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        want = net(x).numpy()
    np.testing.assert_allclose(compiled.run([x.numpy()])[0], want, rtol=RTOL, atol=ATOL)


def test_sizes_computed_at_run_time() -> None:
    """Symbolic sizes that are not an input's own dim at that position: a slice bound, a view
    with two symbolic entries, an expand to another tensor's size (nn.dynamic_* ops fed by
    nn.shape)."""

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("pos", torch.randn(1, 16, 4))

        def forward(self, x: torch.Tensor, m: torch.Tensor) -> object:
            b, s, _ = x.shape
            y = x + self.pos[:, :s]
            return y.view(b, s, 2, 2).transpose(1, 2), m[:, None, :].expand(b, s, s) * 1.5

    b, s = torch.export.Dim("b", max=8), torch.export.Dim("s", max=16)
    check(
        Net(),
        torch.randn(2, 5, 4),
        torch.randn(2, 5),
        dynamic_shapes=({0: b, 1: s}, {0: b, 1: s}),
        run_inputs=[torch.randn(3, 7, 4), torch.randn(3, 7)],
    )


def test_dynamic_dims_in_the_imported_module() -> None:
    imported = import_program(_pair_program())
    text = str(imported.module)
    assert "tensor<?x3x4xf32>" in text and "-> (tensor<?xf32>" in text
    x, y = imported.inputs
    assert x.shape[0] == y.shape[0] and isinstance(x.shape[0], str)  # one symbol: equal dims
    assert imported.outputs[0].shape == (x.shape[0],)


class _Pair(nn.Module):
    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (x + y).view(x.shape[0], -1).sum(dim=1)


def _pair_program(max_batch: int | None = None) -> object:
    b = torch.export.Dim("b", max=max_batch) if max_batch else torch.export.Dim("b")
    example = (torch.randn(2, 3, 4), torch.randn(2, 3, 4))
    return torch.export.export(_Pair(), example, dynamic_shapes=({0: b}, {0: b}))


def test_input_shapes_and_batch_size_pin_symbolic_dims() -> None:
    ep = _pair_program(max_batch=8)
    imported = import_program(ep, batch_size=3)
    assert [i.shape for i in imported.inputs] == [(3, 3, 4), (3, 3, 4)]
    assert imported.outputs[0].shape == (3,)
    assert "tensor<3x3x4xf32>" in str(imported.module) and "?" not in str(imported.module)
    # one symbol, one value: pinning x pins y
    imported = import_program(ep, input_shapes={"x": [5, 3, 4]})
    assert [i.shape for i in imported.inputs] == [(5, 3, 4), (5, 3, 4)]
    with pytest.raises(ModelImportError, match=r"same dim .* as input 'x' dim 0"):
        import_program(ep, input_shapes={"x": [5, 3, 4], "y": [6, 3, 4]})
    with pytest.raises(ModelImportError, match="dim 1 is 3 in the program, 2 was given"):
        import_program(ep, input_shapes={"x": [5, 2, 4]})
    with pytest.raises(ModelImportError, match=r"outside the range \[0, 8\]"):
        import_program(ep, batch_size=9)
    with pytest.raises(ModelImportError, match="'z', which is not an input"):
        import_program(ep, input_shapes={"z": [1]})
    # outputs: any node of the program, by its FX name
    imported = import_program(ep, outputs=["add"])
    assert [o.name for o in imported.outputs] == ["add"] and imported.outputs[0].shape[1:] == (3, 4)
    with pytest.raises(ModelImportError, match="'nope' are not nodes"):
        import_program(ep, outputs=["nope"])
    # through strata.compile
    compiled = strata.compile(ep, batch_size=4)
    x, y = torch.randn(4, 3, 4), torch.randn(4, 3, 4)
    np.testing.assert_allclose(
        compiled.run([x.numpy(), y.numpy()])[0], _Pair()(x, y).numpy(), rtol=RTOL, atol=ATOL
    )
    assert compiled.inputs[0].shape == (4, 3, 4)


def test_pt2_round_trip(tmp_path: Path) -> None:
    model = TinyBert(layers=1).eval()
    ids = torch.randint(0, 50, (1, 6))
    mask = torch.ones(1, 6, dtype=torch.int64)
    path = tmp_path / "bert.pt2"
    torch.export.save(torch.export.export(model, (ids, mask)), str(path))
    with torch.no_grad():
        want = _outputs(model(ids, mask))
    for source in (path, str(path)):
        got = strata.compile(source).run({"ids": ids.numpy(), "attention_mask": mask.numpy()})
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    # the format comes from the first bytes when the extension says nothing
    plain = tmp_path / "bert.model"
    plain.write_bytes(path.read_bytes())
    assert strata.compile(plain).inputs[0].name == "ids"
    assert strata.compile(plain, framework="torch").inputs[0].name == "ids"


def test_exported_program_is_accepted() -> None:
    m = Fn(lambda _, x: torch.tanh(x) * 3).eval()
    ep = torch.export.export(m, (torch.randn(4),))
    x = torch.randn(4)
    first = strata.compile(ep)
    np.testing.assert_allclose(
        first.run([x.numpy()])[0], (torch.tanh(x) * 3).numpy(), rtol=RTOL, atol=ATOL
    )
    assert first.compile_stats is not None
    # the cache key is a digest of the program: the same program again is a cache hit, one
    # with other weights is not
    assert strata.compile(torch.export.export(m, (torch.randn(4),))).compile_stats is None
    lin = nn.Linear(4, 2).eval()
    compiled = strata.compile(lin, example_inputs=(x,))
    with torch.no_grad():
        lin.weight.add_(1.0)
    other = strata.compile(lin, example_inputs=(x,))
    assert compiled.compile_stats is not None and other.compile_stats is not None
    with torch.no_grad():
        np.testing.assert_allclose(other.run([x.numpy()])[0], lin(x).numpy(), rtol=RTOL, atol=ATOL)


def test_stratac_compiles_a_pt2_file(tmp_path: Path) -> None:
    m = Fn(lambda _, x: F.relu(x) + 1).eval()
    path = tmp_path / "m.pt2"
    torch.export.save(torch.export.export(m, (torch.randn(2, 3),)), str(path))
    out = tmp_path / "out" / "m"
    r = subprocess.run(
        [sys.executable, "-m", "strata.tools.stratac", str(path), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    with strata.load(out) as model:
        np.testing.assert_allclose(model.run([x])[0], np.maximum(x, 0) + 1, rtol=RTOL)
    # --framework overrides the extension
    copy = tmp_path / "m.bin"
    copy.write_bytes(path.read_bytes())
    args = [str(copy), "-o", str(tmp_path / "out2" / "m"), "-q", "--framework", "torch"]
    r = subprocess.run(
        [sys.executable, "-m", "strata.tools.stratac", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr


# ---- errors ----------------------------------------------------------------------------------


def test_unsupported_ops_are_listed_with_their_nodes() -> None:
    def f(_: nn.Module, x: torch.Tensor) -> object:
        a = torch.sort(x, dim=0).values
        b = torch.sort(x * 2, dim=1).values
        return a + b + torch.diagonal(x).sum()

    ep = torch.export.export(Fn(f).eval(), (torch.randn(4, 4),))
    with pytest.raises(UnsupportedOpError) as info:
        import_program(ep)
    err = info.value
    assert set(err.unsupported) == {"aten.sort.default", "aten.diagonal.default"}
    assert len(err.unsupported["aten.sort.default"]) == 2
    assert "aten.sort.default: sort, sort_1" in str(err)
    with pytest.raises(UnsupportedOpError, match=r"aten\.diagonal\.default"):
        strata.compile(ep)


def test_training_mode_batch_norm_says_what_to_do() -> None:
    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).train()
    with pytest.raises(UnsupportedOpError, match=r"eval\(\)"):
        strata.compile(m, example_inputs=(torch.randn(2, 3, 8, 8),))


def _data_dependent(_: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return x + 1 if x.sum() > 0 else x - 1  # control flow on data: torch.export rejects it


def test_bad_sources(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        import_program("/nonexistent/model.pt2")
    with pytest.raises(strata.StrataError, match="example_inputs"):
        strata.compile(nn.ReLU())
    with pytest.raises(ModelImportError, match=r"torch\.export\.export failed"):
        strata.compile(Fn(_data_dependent), example_inputs=(torch.randn(1, 2),))
    ep = torch.export.export(nn.ReLU(), (torch.randn(2),))
    path = tmp_path / "relu.pt2"
    torch.export.save(ep, str(path))
    with pytest.raises(ModelImportError, match="input structures cannot be given"):
        import_file(path, input_structures={"input": {"kind": "sequence"}})
    assert detect(path) == "torch" and detect(path, "onnx") == "onnx"

    class Bf16(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("w", torch.ones(4, dtype=torch.bfloat16))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.w.float()

    bf16 = torch.export.export(Bf16(), (torch.randn(4),))
    with pytest.raises(ModelImportError, match=r"weight 'b_w' has dtype torch\.bfloat16"):
        import_program(bf16)
    with pytest.raises(ModelLoadError, match="unknown framework 'paddle'"):
        detect(path, "paddle")


def test_import_strata_does_not_import_torch() -> None:
    code = "import strata, strata.api, strata.frontends.formats, sys; print('torch' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


# ---- sub-graph cuts and layouts (the contract: strata.frontends.formats) ---------------------
def test_torch_cut_and_layout(tmp_path: Path) -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c1 = nn.Conv2d(3, 4, 3, padding=1)
            self.c2 = nn.Conv2d(4, 5, 3, padding=1)

        def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
            return self.c2(torch.relu(self.c1(x))) * s.sum()

    torch.manual_seed(0)
    net = Net().eval()
    x, s = torch.randn(2, 3, 8, 8), torch.randn(3)
    program = torch.export.export(net, (x, s))
    path = tmp_path / "net.pt2"
    torch.export.save(program, str(path))
    compiled = strata.compile(
        str(path),
        inputs=["relu"],
        reorder_data_layout="channel-last",
        remove_input_transpose=True,
        remove_output_transpose=True,
        cache_dir=tmp_path / "c",
    )
    assert [(i.name, i.shape) for i in compiled.inputs] == [("s", (3,)), ("relu", (2, 8, 8, 4))]
    with torch.no_grad():
        mid = torch.relu(net.c1(x))
        want = (net.c2(mid) * s.sum()).numpy()
    (got,) = compiled.run([s.numpy(), mid.numpy().transpose((0, 2, 3, 1)).copy()])
    np.testing.assert_allclose(got, want.transpose((0, 2, 3, 1)), rtol=RTOL, atol=ATOL)
    with pytest.raises(ModelImportError, match=r"'rleu' \(nearest: 'relu'\)"):
        import_file(path, inputs=["rleu"])
