"""`python -m pathbib`: run the command-line interface."""

from pathbib.cli import main

raise SystemExit(main())
