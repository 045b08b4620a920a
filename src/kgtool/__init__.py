"""kgtool: a knowledge graph of international conflicts and the CLI that serves it."""

__version__ = "0.1.0"
