"""Writes for training, evaluation and models; only these change a job's state."""
