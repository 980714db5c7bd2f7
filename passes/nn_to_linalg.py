"""convert-nn-to-linalg: placeholder, filled in by the lowering work."""
