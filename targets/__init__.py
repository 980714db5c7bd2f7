"""Strata targets."""
