"""`python -m llamo ...` runs the CLI (also what `accelerate launch -m llamo` starts)."""

from .cli import run

run()
