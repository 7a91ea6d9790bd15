"""Exporters: pure functions from a `Library` (+ `Settings`) to the text of one export file.

`csl_json` (CSL-JSON), `bibtex` (LaTeX-ready BibTeX), `markdown` (the awesome-list README,
Jinja2 template in `templates/`), `citation` (survey.bib, CITATION.cff, APA reference).
"""
