"""The ONNX frontend: `import_model(path | bytes | ModelProto, ...) -> ImportedModel`.

Dependency contract: `onnx`, `mlir`, numpy and the Strata core (context, dialects, errors).
"""

from strata.frontends.onnx.importer import import_model

__all__ = ["import_model"]
