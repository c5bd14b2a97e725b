# The two commands a newcomer needs: `make synth` and `make test`. Both install what is missing
# (pipenv, the locked virtualenv, the pinned cdktf CLI) first.
SHELL := /bin/bash
PYTHON ?= python3
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# pipenv's console script lands in the interpreter's scripts directory (or the user base when
# site-packages is read-only); put both on PATH so `pipenv run` in cdktf.json finds it.
export PATH := $(shell $(PYTHON) -c 'import sysconfig,site; print(sysconfig.get_path("scripts")+":"+site.getuserbase()+"/bin")'):$(PATH)
VENV := .venv
PY := $(VENV)/bin/python
ENV ?= dev

.PHONY: help install synth test lint typecheck bench snapshots diff deploy clean docs

help:
	@echo "make synth            synthesize dev, staging and prod to cdktf.out/stacks/<env>/cdk.tf.json"
	@echo "make test             lint, type-check and run the whole test suite"
	@echo "make docs             diagrams, cost estimates and the comparison of the reference stacks in docs/generated/"
	@echo "make bench            measure synthesis time and memory (medians of 5 runs)"
	@echo "make snapshots        regenerate the JSON snapshots after an intended change (review the diff)"
	@echo "make diff ENV=prod    cdktf diff for one environment (needs AWS credentials)"
	@echo "make deploy ENV=prod  cdktf deploy for one environment (needs AWS credentials)"

# pipenv itself, then the virtualenv exactly as Pipfile.lock pins it (re-synced when the lock changes).
$(VENV)/.synced: Pipfile.lock
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet pipenv==2026.10.3 || $(PYTHON) -m pip install --quiet --user pipenv==2026.10.3
	$(PYTHON) -m pipenv sync --dev
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# checkov in its own virtualenv: its pins make pipenv's resolver search for many minutes.
CHECKOV := .tools/checkov/bin/checkov
$(CHECKOV): tools/checkov/requirements.txt tools/checkov/constraints.txt
	$(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet --disable-pip-version-check -r tools/checkov/requirements.txt
	@touch $@

install: $(VENV)/.synced node_modules/.installed $(CHECKOV)

synth: $(VENV)/.synced
	$(PY) main.py

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check constructs_lib stacks tests tools main.py

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy

# Two workers (the machines have two cores); tests of one file stay on one worker, so each module's
# fixture synthesizes once.
test: install lint typecheck docs
	$(VENV)/bin/pytest -n 2 --dist loadfile

# Diagrams (Graphviz's dot, installed from Debian when missing; CI runs as root), cost estimates and
# the environment comparison, from a fresh synthesis of the reference stacks. Commit the result.
docs: $(VENV)/.synced
	@command -v dot >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; }
	$(PY) main.py >/dev/null
	$(PY) -m constructs_lib.docs --synth-dir cdktf.out --out docs/generated

bench: $(VENV)/.synced
	$(PY) tools/bench.py

# After an intended infrastructure change: regenerate the snapshots, then review `git diff tests/`.
snapshots: $(VENV)/.synced
	$(VENV)/bin/pytest tests/test_snapshots.py --snapshot-update -q

diff: install
	npx cdktf diff $(ENV)

deploy: install
	npx cdktf deploy $(ENV)

clean:
	rm -rf cdktf.out .pytest_cache .mypy_cache .ruff_cache dist build
