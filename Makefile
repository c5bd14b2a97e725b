# The two commands a newcomer needs: `make synth` and `make test`. Both install what is missing first,
# and only inside the project (.tools/, .venv/, node_modules/): nothing goes into the system Python.
SHELL := /bin/bash
PYTHON ?= python3
# pipenv lives in its own virtualenv under .tools/ and is called by path. A distribution Python marked
# "externally managed" (PEP 668: Debian 12, Ubuntu 23.04 and later) refuses `pip install`, --user too.
PIPENV_VERSION := 2026.10.3
PIPENV_HOME := .tools/pipenv
PIPENV := $(PIPENV_HOME)/bin/pipenv
PIPENV_STAMP := $(PIPENV_HOME)/.installed-$(PIPENV_VERSION)
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# Off by default: otherwise every cdktf CLI command calls HashiCorp's checkpoint (telemetry and version
# check) service and prints an ERROR line when that is unreachable. The CLI treats any non-empty value as "off".
export CHECKPOINT_DISABLE := 1
VENV := .venv
PY := $(VENV)/bin/python
ENV ?= dev

.PHONY: help bootstrap install cli synth test lint typecheck bench snapshots preflight state-bucket diff deploy clean docs apidocs

help:
	@echo "make synth            synthesize dev, staging and prod to cdktf.out/stacks/<env>/cdk.tf.json"
	@echo "make test             lint, type-check and run the whole test suite"
	@echo "make docs             diagrams, cost estimates and the comparison of the reference stacks in docs/generated/"
	@echo "make bench            measure synthesis time and memory (medians of 5 runs)"
	@echo "make snapshots        regenerate the JSON snapshots after an intended change (review the diff)"
	@echo "make preflight ENV=prod  refuse example values and missing deploy settings (diff and deploy run it)"
	@echo "make state-bucket ENV=prod  create the S3 bucket ENV keeps its state in (once, before its first deploy)"
	@echo "make diff ENV=prod    cdktf diff for one environment (needs AWS credentials)"
	@echo "make deploy ENV=prod  cdktf deploy for one environment (needs AWS credentials)"
	@echo "make bootstrap        only install pipenv $(PIPENV_VERSION) into $(PIPENV_HOME)/"

# Every virtualenv here is made with `$(PYTHON) -m venv`; Debian and Ubuntu ship that module's
# ensurepip in a separate package, so say which one before venv fails with a longer story.
define check_python
@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make with PYTHON=/path/to/python3.11" >&2; exit 1; }
@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "error: $(PYTHON) cannot create virtualenvs (no ensurepip); on Debian/Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }
endef

$(PIPENV_STAMP):
	$(check_python)
	@echo "==> pipenv $(PIPENV_VERSION) into $(PIPENV_HOME)/, its own virtualenv (under a minute)"
	@rm -rf $(PIPENV_HOME)
	$(PYTHON) -m venv $(PIPENV_HOME)
	$(PIPENV_HOME)/bin/pip install --quiet --disable-pip-version-check pipenv==$(PIPENV_VERSION)
	@touch $@

bootstrap: $(PIPENV_STAMP)

# The virtualenv exactly as Pipfile.lock pins it, re-synced when the lock changes (a new pipenv alone
# does not re-sync). --python only when creating it: pipenv recreates an existing virtualenv given one.
# The interpreter's full path, not `python3`: pipenv reads a bare `python3` as "any 3.x" and picks the
# newest one it finds (pyenv's 3.13 here), not the one $(PYTHON) runs.
$(VENV)/.synced: Pipfile.lock | $(PIPENV_STAMP)
	@echo "==> pipenv sync: $(VENV)/ as Pipfile.lock pins it (first time: minutes, the provider bindings are large)"
	$(PIPENV) sync --dev $(if $(wildcard $(PY)),,--python "$$($(PYTHON) -c 'import sys; print(sys.executable)')")
	@touch $@

node_modules/.installed: package-lock.json
	@echo "==> npm ci: the cdktf CLI pinned in package-lock.json into node_modules/ (first time: about a minute)"
	npm ci --no-audit --no-fund
	@touch $@

# checkov in its own virtualenv: its pins make pipenv's resolver search for many minutes. One of them
# (soupsieve 4.1.3) needs Python >= 3.11.5, which pip would only report as "ResolutionImpossible".
CHECKOV := .tools/checkov/bin/checkov
$(CHECKOV): tools/checkov/requirements.txt tools/checkov/constraints.txt
	$(check_python)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))' || { echo "error: checkov's pinned dependencies need Python >= 3.11.5 ($(PYTHON) is older, e.g. Debian 12's 3.11.2); run make with PYTHON=/path/to/a-newer-python3.11" >&2; exit 1; }
	@echo "==> checkov into .tools/checkov/, its own virtualenv (first time: a few minutes)"
	$(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet --disable-pip-version-check -r tools/checkov/requirements.txt
	@touch $@

# What `npx cdktf synth|diff|deploy` needs: the virtualenv cdktf.json's app runs, and the pinned CLI.
cli: $(VENV)/.synced node_modules/.installed

install: cli $(CHECKOV)

synth: cli
	@echo "==> python main.py: synthesizing dev, staging and prod"
	$(PY) main.py

lint: $(VENV)/.synced
	@echo "==> ruff"
	$(VENV)/bin/ruff check constructs_lib stacks tests tools examples main.py

typecheck: $(VENV)/.synced
	@echo "==> mypy --strict (a cold cache takes up to half a minute, a warm one about a second)"
	$(VENV)/bin/mypy

# Two workers (the machines have two cores); tests of one file stay on one worker, so each module's
# fixture synthesizes once.
test: install lint typecheck docs
	@echo "==> pytest on 2 workers (about a minute on 2 cores)"
	$(VENV)/bin/pytest -n 2 --dist loadfile

# Diagrams (Graphviz's dot, installed from Debian when missing; CI runs as root), cost estimates and
# the environment comparison, from a fresh synthesis of the reference stacks. Commit the result.
docs: $(VENV)/.synced
	@command -v dot >/dev/null || { echo "==> graphviz from Debian (dot draws the diagrams)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; }
	@echo "==> docs: diagrams, cost estimates and comparison in docs/generated/, API reference in docs/api/"
	$(PY) main.py >/dev/null
	$(PY) -m constructs_lib.docs --synth-dir cdktf.out --out docs/generated
	$(PY) tools/apidocs.py

bench: $(VENV)/.synced
	@echo "==> bench: medians of 5 runs of each scenario (a few minutes)"
	$(PY) tools/bench.py

# After an intended infrastructure change: regenerate the snapshots, then review `git diff tests/`.
snapshots: $(VENV)/.synced
	$(VENV)/bin/pytest tests/test_snapshots.py --snapshot-update -q

# The preflight refuses an environment that still holds example values (one line per problem)
# before terraform starts.
preflight: $(VENV)/.synced
	$(PY) main.py --preflight $(ENV)

# Once per state bucket, before the first deploy of an environment that names it (its own state is
# the local file terraform.state-bucket-<bucket>.tfstate in the project root: keep it).
state-bucket: cli
	npx cdktf deploy --app "$(PY) main.py --state-bucket $(ENV)" --output cdktf.out.state state-bucket

diff: cli preflight
	npx cdktf diff $(ENV)

deploy: cli preflight
	npx cdktf deploy $(ENV)

clean:
	rm -rf cdktf.out cdktf.out.state .pytest_cache .mypy_cache .ruff_cache dist build

# The API reference (docs/api/*.md) from the docstrings; reads the source, imports nothing (also
# part of `make docs`). Run it after changing a public name or docstring and commit the result.
apidocs: $(VENV)/.synced
	$(PY) tools/apidocs.py
