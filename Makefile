# The README's two commands: `make demo` and `make test`. Both set up everything they
# need on a fresh machine (Python 3.11, Node 20, make) and are safe to run again.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The CDK CLI runs `python3 app.py` (cdk.json): put the venv first on its PATH.
CDK := PATH="$(BIN):$$PATH" npx --no-install cdk
SCENARIOS := $(wildcard examples/*.yaml)

.PHONY: demo test install install-dev chromium docs synth clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

## make chromium: headless Chromium for the replay report (its test renders the page, `make demo`
## takes a screenshot): Debian's package, installed with apt-get (through sudo when not root)
## only when ses_metrics.replay.browser finds none ($$SES_METRICS_CHROMIUM, chromium on PATH)
chromium: $(VENV)/.installed
	@if ! $(BIN)/python -c "import sys; from ses_metrics.replay.browser import find_chromium; sys.exit(find_chromium() is None)"; then \
	  sudo=""; if [ "$$(id -u)" -ne 0 ]; then sudo="sudo"; fi; \
	  echo "installing Debian's chromium package (apt-get)"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; \
	fi

synth: install
	$(CDK) synth --quiet

## make demo: install, synthesize the example platform app (cdk-nag and ses-metrics lint run
## inside), print what it declares, simulate the bundled scenario, run the CI checks (lint
## with the scenarios' tags, and every scenario's expectations), then replay a day of
## traffic (examples/replay/profile.yaml) with the template's alarms into an HTML report
## and a PNG screenshot of it (headless Chromium; without it, how to install it is printed)
demo: synth
	$(BIN)/ses-metrics explain ses-metrics.yaml --cdk-out cdk.out
	$(BIN)/ses-metrics simulate cdk.out --scenario examples/scenario.yaml --out cdk.out/simulation
	$(BIN)/ses-metrics lint cdk.out $(addprefix --scenario ,$(SCENARIOS))
	$(BIN)/ses-metrics check cdk.out $(addprefix --scenario ,$(SCENARIOS)) --junit cdk.out/ses-metrics-junit.xml
	$(BIN)/ses-metrics replay cdk.out --profile examples/replay/profile.yaml --report cdk.out/replay/report.html
	$(BIN)/python -m ses_metrics.replay.browser screenshot cdk.out/replay/report.html cdk.out/replay/report.png

## make test: install with dev tools and Chromium, check the layers (import-linter), the code
## (ruff), the types (mypy, strict on rules/ and simulator/) and the documentation site
## (mkdocs --strict), run the whole suite
test: install-dev chromium
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m pytest

## make docs: regenerate the reference pages built from the code (docs/lint-rules.md from the
## lint rule objects, docs/ses-rules.md from rules/registry.py), then build the site into
## .site/ with --strict (a broken link, anchor or API reference fails)
docs: install-dev
	$(BIN)/python docs/_generate.py
	$(BIN)/mkdocs build --strict

clean:
	rm -rf cdk.out .pytest_cache .site
