"""Named pipelines: placeholder, filled in by the lowering / CPU work."""
