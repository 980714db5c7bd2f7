"""Strata frontends.onnx."""
