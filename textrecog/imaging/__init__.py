"""Image in, ink and model inputs out: loading, binarisation, ink extraction, crop and line normalisation."""
