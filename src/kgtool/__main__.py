"""`python -m kgtool`: the command line."""

from .cli import main

main()
