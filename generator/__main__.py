"""`python3 -m generator` is the `guides` command."""
from .cli import run

run()
