# Developer shortcuts. `make check` is what to run before a commit: lint, types, fast tests.
PY ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)

.PHONY: check lint types test test-slow

check: lint types test

lint:
	$(PY) -m ruff check src tests benchmarks

types:
	$(PY) -m mypy

# the README's test command: everything except the tests marked `slow`
test:
	$(PY) -m pytest -q

# the slow tests (.ci/run runs them after `pytest -q`)
test-slow:
	$(PY) -m pytest -q -m slow
