"""Strata targets.cpu."""
