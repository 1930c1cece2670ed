"""Ink in, lines and glyphs out: components, lines, word spaces, cells, writing direction."""
