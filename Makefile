# `make train` and `make test` set up .venv on first use (from the pinned requirements) and
# reuse it afterwards; both are safe to run again.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: train test setup

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

train: $(STAMP)
	$(PY) -m began_lite train --preset mnist

test: $(STAMP)
	$(PY) -m pytest --nbval tests chapters
