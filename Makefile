# `make train` and `make test` set up .venv on first use (from the pinned requirements) and
# reuse it afterwards; both are safe to run again.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: train test setup reference reference-mnist32 reference-alpha-mnist32 lab browser-check \
	gpu-check

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

train: $(STAMP)
	$(PY) -m began_lite train --preset mnist

reference: reference-mnist32 reference-alpha-mnist32

# The shipped reference model (data/reference/mnist32): train the mnist-reference preset into a
# fresh run folder, then judge its last checkpoint and export it (weights only, at most 5 MB).
reference-mnist32: $(STAMP)
	rm -rf runs/reference-mnist32
	$(PY) -m began_lite train --preset mnist-reference --out runs/reference-mnist32
	$(PY) -m began_lite reference --checkpoint runs/reference-mnist32/checkpoints/last.pt \
		--out data/reference/mnist32

# The shipped alpha-GAN reference (data/reference/alpha-mnist32): the alpha-mnist preset on one
# thread (the thread count changes the order of float sums, so this retraces the shipped run).
reference-alpha-mnist32: $(STAMP)
	rm -rf runs/reference-alpha-mnist32
	$(PY) -m began_lite train --preset alpha-mnist --out runs/reference-alpha-mnist32 \
		--set num_threads=1
	$(PY) -m began_lite reference --checkpoint runs/reference-alpha-mnist32/checkpoints/last.pt \
		--out data/reference/alpha-mnist32

test: $(STAMP)
	$(PY) -m pytest --nbval tests chapters

# JupyterLab from the repository: .jupyter/ is added to the config path (the reader's own Jupyter
# settings stay as they are), so a chapter's .py opens as a notebook on a double-click and
# autosave does not rewrite the tracked .ipynb. LAB_ARGS passes options, e.g. LAB_ARGS=--no-browser.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(PY) -m jupyterlab --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS)

# `make lab` driven by headless Chromium: double-click a chapter, run it, move a slider, wait past
# an autosave, check `git status`; screenshots in runs/browser-check/.
browser-check: $(STAMP)
	$(PY) scripts/browser_check.py

# What to run first on a machine with a GPU (<= 8 minutes there; tiny sizes on a CPU): versions,
# bench --baseline grid, 300 steps killed and resumed, torchrun on every GPU, memory estimate.
# Report in runs/gpu-check/report.md and report.json.
gpu-check: $(STAMP)
	$(PY) -m began_lite.train.gpu_check
