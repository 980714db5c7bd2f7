"""The Caffe frontend: `import_net(deploy.prototxt, net.caffemodel, ...) -> ImportedModel`.

Dependency contract: numpy, `mlir`, protobuf, `grpcio-tools` (protoc, to generate the message
classes from `caffe.proto` once; see `schema`) and the Strata core. No Caffe package is
needed; nothing outside this package imports it unless a Caffe net is given.
"""

from strata.frontends.caffe.importer import import_net, load_net, load_weights

__all__ = ["import_net", "load_net", "load_weights"]
