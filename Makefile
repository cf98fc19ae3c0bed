# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install flower migrate seed bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m config.devstack run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

flower: $(STAMP)
	$(BIN)/python -m config.devstack run flower

migrate: $(STAMP)
	$(BIN)/flask --app app:create_app db upgrade

seed: $(STAMP)
	$(BIN)/flask --app app:create_app seed

bench: $(STAMP)
	$(BIN)/python bench/http_overhead.py

clean:
	rm -rf $(VENV) instance .pytest_cache
