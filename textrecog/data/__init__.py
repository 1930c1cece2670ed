"""Readers and renderers for training and evaluation data."""
