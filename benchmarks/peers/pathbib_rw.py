"""pathbib: read library.bib and write it back unchanged (the core of every command).

usage: python pathbib_rw.py IN.bib OUT.bib
"""

import gc
import sys

from pathbib.bibio import read_library, write_library

gc.disable()  # as the CLI does (pathbib.cli.app.main)
library, _snapshot = read_library(sys.argv[1])
write_library(library, None, sys.argv[2])
