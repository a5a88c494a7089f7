"""`python -m critica …` runs the same command line as `critica …`."""

from critica.cli import main

main()
