"""`python3 -m generator` is the `guides` command."""
from .cli import main

main(prog_name="guides")
