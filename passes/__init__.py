"""Strata passes."""
