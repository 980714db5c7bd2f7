"""The TFLite frontend: `import_model(.tflite path | bytes, ...) -> ImportedModel`.

Dependency contract: numpy, `mlir`, the `tflite` package (a core dependency: the flatbuffer
schema's generated classes, pure Python) and the Strata core. Neither TensorFlow nor LiteRT
is needed; nothing outside this package imports it unless a TFLite model is given.
"""

from strata.frontends.tflite.importer import import_model, unsupported_ops

__all__ = ["import_model", "unsupported_ops"]
