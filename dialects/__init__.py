"""Strata's own MLIR dialects, each declared once in Python (see `opdef`)."""
