"""Exports: a run's trace written for other tools (TensorBoard). Views only — no math here."""
