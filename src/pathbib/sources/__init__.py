"""Metadata sources for `pathbib enrich`: Crossref, arXiv and local CSL-JSON/BibTeX files.

Each source module has a short fetch function (I/O, through habanero / arxiv / the file
system) and a pure converter from the raw response to `record.Record`. `http.py` spaces,
retries and circuit-breaks requests; `cache.py` keeps parsed records in SQLite;
`lookup.py` puts them together behind the interface `enrich.plan` calls.
"""
