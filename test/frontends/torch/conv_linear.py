# A torch.export program imports into nn: user inputs are arguments (named after forward's
# parameters, a torch.export.Dim dim dynamic), parameters and buffers are dense_resource
# weights named after their state-dict keys, FX node names become locations;
# --batch-size pins the dynamic dim, --outputs picks FX nodes.
# REQUIRES: torch
# RUN: %PYTHON %s %t.pt2
# RUN: strata-translate --import-torch %t.pt2 --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
# RUN: strata-translate --import-torch %t.pt2 --batch-size 3 --outputs relu | FileCheck %s --check-prefix=PINNED
# RUN: not strata-translate --import-torch %t.missing.pt2 2>&1 | FileCheck %s --check-prefix=MISSING

import sys

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 2)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn(self.conv(image)))
        return self.fc(y.mean(dim=(2, 3)))


torch.manual_seed(0)
batch = torch.export.Dim("batch")
program = torch.export.export(
    Net().eval(), (torch.randn(2, 3, 8, 8),), dynamic_shapes=({0: batch},)
)
torch.export.save(program, sys.argv[1])

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:[^:]*]]: tensor<?x3x8x8xf32> {nn.name = "image"}
# CHECK-SAME:    -> (tensor<?x2xf32> {nn.name = "addmm"})
# CHECK:         %[[W:.*]] = "nn.constant"() {value = dense_resource<conv.weight> : tensor<4x3x3x3xf32>}
# CHECK:         "nn.conv"(%[[X]], %[[W]], %{{.*}}) {{.*}}pads = array<i64: 1, 1, 1, 1>{{.*}} loc("convolution")
# CHECK:         "nn.batch_normalization"
# CHECK:         "nn.relu"
# CHECK:         "nn.reduce_mean"{{.*}}axes = array<i64: 2, 3>
# CHECK:         "nn.transpose"
# CHECK:         "nn.gemm"{{.*}} loc("addmm")

# MISSING: strata-translate: error: model file '{{.*}}missing.pt2' does not exist

# PINNED-LABEL: func.func @main
# PINNED-SAME:    tensor<3x3x8x8xf32> {nn.name = "image"}
# PINNED-SAME:    -> (tensor<3x4x8x8xf32> {nn.name = "relu"})
