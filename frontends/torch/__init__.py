"""The PyTorch frontend: `import_program(ExportedProgram | .pt2 path, ...) -> ImportedModel`,
through `torch.export` and the core ATen op set (not through ONNX).

Dependency contract: `torch`, `mlir`, numpy and the Strata core (context, dialects, errors);
importing it imports torch, so nothing outside this package imports it unless a PyTorch
model is given.
"""

from strata.frontends.torch.importer import import_program, load_program

__all__ = ["import_program", "load_program"]
