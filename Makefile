# The README's two commands: `make run` and `make test`. Both create .venv/ when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/remon run

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check monitor spiders tests bench
	$(BIN)/mypy monitor

bench: $(VENV)/.installed-test
	$(BIN)/python bench/extraction.py --cli
	$(BIN)/python bench/languages.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/dedup.py --stories
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/faults.py --kills 1000 --anchored

clean-venv:
	rm -rf $(VENV)
