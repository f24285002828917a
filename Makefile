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

demo: $(VENV)/.installed .tools/node_modules/.bin/s3rver
	$(BIN)/housing-match demo

up: $(VENV)/.installed .tools/node_modules/.bin/s3rver
	$(BIN)/housing-match up

# The durable embedded broker's object store (see services/system/broker.py).
.tools/node_modules/.bin/s3rver:
	scripts/install-tools.sh broker

tools:
	scripts/install-tools.sh

# Four processes, one test file each at a time (--dist loadfile keeps a file's shared broker and
# stack in one process); the suite mostly waits on brokers and services, so 4 beat 2 CPUs' worth.
test: $(VENV)/.installed tools
	$(BIN)/python -m pytest -n 4 --dist loadfile

clean:
	rm -rf .data $(VENV)
