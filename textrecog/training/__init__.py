"""Training and export (TensorFlow): `textrecog train`, the character and line trainers, `lm build`, data readers."""
