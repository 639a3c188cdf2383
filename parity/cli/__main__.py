"""``python -m parity.cli``: the same command as the ``parity`` console script (tests use this form)."""

from parity.cli import main

main()
