"""Strata frontends."""
