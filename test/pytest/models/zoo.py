"""Reference models for the end-to-end tests, built at test time (nothing binary is committed).

ResNet and MobileNetV2 are defined here in plain PyTorch (torchvision is not installable beside
the CPU torch build this project pins); BERT and GPT-2 come from `transformers` configs with
random initialisation. Each `export_*` returns ONNX bytes exported at opset 17 with PyTorch's
exporter, plus example inputs.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

OPSET = 17


# ---- ResNet (v1.5 bottleneck, as torchvision's resnet50) -----------------------------------


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        cout = width * self.expansion
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.down: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + self.down(x))


class ResNet(nn.Module):
    def __init__(self, layers: list[int], base: int = 64, num_classes: int = 1000) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, base, 7, 2, 3, bias=False),
            nn.BatchNorm2d(base),
            nn.ReLU(),
            nn.MaxPool2d(3, 2, 1),
        )
        blocks: list[nn.Module] = []
        cin = base
        for i, n in enumerate(layers):
            width = base * 2**i
            for j in range(n):
                blocks.append(Bottleneck(cin, width, 2 if (j == 0 and i > 0) else 1))
                cin = width * Bottleneck.expansion
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


def resnet50() -> nn.Module:
    return ResNet([3, 4, 6, 3])


def small_resnet() -> nn.Module:
    return ResNet([1, 1], base=8, num_classes=10)


# ---- MobileNetV2 (as torchvision's mobilenet_v2) -------------------------------------------


def conv_bn(
    cin: int, cout: int, k: int, stride: int, groups: int = 1, act: bool = True
) -> nn.Module:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
    ]
    if act:
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        layers: list[nn.Module] = []
        if expand != 1:
            layers.append(conv_bn(cin, hidden, 1, 1))
        layers += [
            conv_bn(hidden, hidden, 3, stride, groups=hidden),
            conv_bn(hidden, cout, 1, 1, act=False),
        ]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    # (expand, channels, repeats, stride)
    SETTINGS = (
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    )

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        layers: list[nn.Module] = [conv_bn(3, 32, 3, 2)]
        cin = 32
        for t, c, n, s in self.SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(conv_bn(cin, 1280, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def mobilenet_block() -> nn.Module:
    return nn.Sequential(
        conv_bn(3, 16, 3, 2), InvertedResidual(16, 16, 1, 6), InvertedResidual(16, 24, 2, 6)
    )


# ---- transformers ----------------------------------------------------------------------------


class LastHidden(nn.Module):
    """Wraps a transformers model so the export has one tensor input and one output."""

    def __init__(self, model: nn.Module, **kwargs: object) -> None:
        super().__init__()
        self.model = model
        self.kwargs = kwargs

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, **self.kwargs).last_hidden_state


def bert(layers: int = 2, hidden: int = 64, heads: int = 4, ffn: int = 128) -> nn.Module:
    from transformers import BertConfig, BertModel

    cfg = BertConfig(
        num_hidden_layers=layers,
        hidden_size=hidden,
        num_attention_heads=heads,
        intermediate_size=ffn,
    )
    return LastHidden(BertModel(cfg))


def bert_base() -> nn.Module:
    return bert(12, 768, 12, 3072)


def gpt2(layers: int = 2, hidden: int = 64, heads: int = 4) -> nn.Module:
    from transformers import GPT2Config, GPT2Model

    return LastHidden(
        GPT2Model(GPT2Config(n_layer=layers, n_embd=hidden, n_head=heads)), use_cache=False
    )


def gpt2_small() -> nn.Module:
    return gpt2(12, 768, 12)


# ---- export ----------------------------------------------------------------------------------


def export(
    build: Callable[[], nn.Module],
    inputs: dict[str, np.ndarray],
    seed: int = 0,
    opset: int = OPSET,
    dynamo: bool = True,
) -> bytes:
    """ONNX bytes of `build()` (random init with `seed`, eval mode) traced on `inputs`.

    `dynamo=True` uses torch.export (PyTorch's default exporter); `False` the TorchScript one.
    The dynamo exporter writes opset 18 and converts down, which fails for the CNNs here
    (ReduceMean's axes input) and leaves them at 18, and for GPT-2 at 17 writes
    `Split(num_outputs=...)`, an opset-18 attribute: use the TorchScript exporter for genuine
    opset-17 CNNs and `opset=18` for GPT-2.
    """
    torch.manual_seed(seed)
    model = build().eval()
    args = tuple(torch.from_numpy(v) for v in inputs.values())
    buf = io.BytesIO()
    with torch.no_grad():
        if not dynamo:
            torch.onnx.export(
                model, args, buf, input_names=list(inputs), opset_version=opset, dynamo=False
            )
            return buf.getvalue()
        program = torch.onnx.export(
            model, args, input_names=list(inputs), opset_version=opset, dynamo=True
        )
    assert program is not None
    program.save(buf)  # weights inline: the models stay under protobuf's 2 GB limit
    return buf.getvalue()


def image(batch: int = 1, size: int = 224, seed: int = 0) -> dict[str, np.ndarray]:
    return {
        "input": np.random.default_rng(seed)
        .standard_normal((batch, 3, size, size))
        .astype(np.float32)
    }


def tokens(
    batch: int = 1, seq: int = 128, vocab: int = 1000, seed: int = 0
) -> dict[str, np.ndarray]:
    return {
        "input_ids": np.random.default_rng(seed).integers(0, vocab, (batch, seq)).astype(np.int64)
    }


# ---- MLP -------------------------------------------------------------------------------------


def mlp(sizes: tuple[int, ...] = (784, 1024, 1024, 10)) -> nn.Module:
    """Linear layers with ReLU between them (exported as Gemm + Relu)."""
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def features(batch: int = 32, width: int = 784, seed: int = 0) -> dict[str, np.ndarray]:
    return {"input": np.random.default_rng(seed).standard_normal((batch, width)).astype(np.float32)}
