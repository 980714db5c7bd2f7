"""CPU-target passes: placeholder, filled in by the CPU target work."""
