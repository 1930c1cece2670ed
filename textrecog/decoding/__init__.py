"""From model posteriors to text: decoder options, CTC, beam search, the language model, lexicons, charsets, calibration."""
