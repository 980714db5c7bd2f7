"""Strata's command-line drivers: ``strata-opt``, ``strata-translate`` and ``stratac``.

Dependency contract: the modules here import the `mlir` bindings and the rest of `strata`;
nothing in `strata` imports them.
"""
