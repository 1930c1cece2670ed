"""Measuring models on held-out writers: `textrecog eval`, metrics, model cards."""
