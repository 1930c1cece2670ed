"""Recognizers: model directories, their LiteRT runtimes, the character engine and the line engine."""
