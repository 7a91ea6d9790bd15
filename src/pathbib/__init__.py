"""pathbib: a bibliography manager and BibTeX exporter for curated awesome lists."""

__version__ = "0.1.0"
