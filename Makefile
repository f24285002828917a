# The two commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Both create the virtual environment from pyproject.toml on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test up tools clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/housing-match demo

up: $(VENV)/.installed
	$(BIN)/housing-match up

tools:
	scripts/install-tools.sh

test: $(VENV)/.installed tools
	$(BIN)/python -m pytest

clean:
	rm -rf .data $(VENV)
