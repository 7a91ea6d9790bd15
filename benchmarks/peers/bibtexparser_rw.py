"""Peer: bibtexparser 2 parse + write with its default middleware stacks (no LaTeX decoding).

usage: python bibtexparser_rw.py IN.bib OUT.bib
"""

import sys

import bibtexparser

src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as fh:
    library = bibtexparser.parse_string(fh.read())
with open(dst, "w", encoding="utf-8") as fh:
    fh.write(bibtexparser.write_string(library))
