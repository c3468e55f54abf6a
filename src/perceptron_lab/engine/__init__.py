"""The engine: the trainer, the trace it records, and checkpoints."""
