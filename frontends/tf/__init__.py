"""The TensorFlow frontend: `import_graph_def(GraphDef | .pb / .pbtxt path | SavedModel dir,
...) -> ImportedModel`.

Dependency contract: numpy, `mlir`, `tensorboard` (the GraphDef protobuf classes) and the
Strata core; `tensorflow` only to freeze a SavedModel directory. Nothing outside this package
imports it unless a TF model is given.
"""

from strata.frontends.tf.importer import (
    freeze_saved_model,
    import_graph_def,
    load_graph_def,
)

__all__ = ["freeze_saved_model", "import_graph_def", "load_graph_def"]
