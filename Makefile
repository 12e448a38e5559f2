# The front door. Every target sets up what it needs; `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
CHECKOV_STAMP := $(CHECKOV_VENV)/.setup-stamp
NOTEBOOK_VENV := .venv-notebooks
NOTEBOOK_STAMP := $(NOTEBOOK_VENV)/.setup-stamp
ENV ?= dev
export CHECKPOINT_DISABLE := 1
# Every test, gate and stack process is a fresh interpreter: with no bytecode cache each one recompiles
# botocore, moto and checkov from source (measured: `checkov --version` takes half the time compiled). The
# virtualenvs are installed compiled, and this repo's own modules may cache theirs (.gitignore'd).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: bootstrap help setup lint fmt contracts build validate test clean up down status seed demo plan apply destroy outputs bench openapi drill audit notebooks analytics-report cost

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock pyproject.toml
	@echo "setup: .venv from requirements/dev.lock (a minute or two the first time) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/dev.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

# checkov pins its own dependency set (boto3 among them), so it lives in a virtualenv of its own.
$(CHECKOV_STAMP): requirements/checkov.lock $(STAMP)
	@echo "setup: .venv-checkov from requirements/checkov.lock ..."
	@test -x $(CHECKOV_VENV)/bin/python || $(BIN)/uv venv --quiet --python $(BIN)/python $(CHECKOV_VENV)
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(CHECKOV_VENV)/bin/python requirements/checkov.lock
	@touch $@

# The app client suite (tests/clients: Amplify JS under node) installs its pinned packages where node is.
CLIENTS := tests/clients
CLIENTS_STAMP := $(CLIENTS)/node_modules/.setup-stamp
$(CLIENTS_STAMP): $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	@echo "setup: $(CLIENTS)/node_modules from package-lock.json (npm ci) ..."
	@cd $(CLIENTS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) $(CHECKOV_STAMP) ## create the virtualenvs and install everything (idempotent); find or make the AWS provider schema (one line)
	@if command -v node >/dev/null && command -v npm >/dev/null; then $(MAKE) --no-print-directory --silent $(CLIENTS_STAMP); \
	else echo "setup: skipped the Amplify client suite's npm ci: no node/npm on PATH (its test skips; in CI it fails)"; fi
	$(if $(filter setup test validate,$(MAKECMDGOALS)),@$(BIN)/python -m ops.terraform.provider_schema --setup,@:)
	$(if $(filter setup,$(MAKECMDGOALS)),@echo "setup done: $(BIN)/ops $(BIN)/terraform $(CHECKOV_VENV)/bin/checkov",@:)

lint: setup ## ruff lint + format check, notebooks committed without outputs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ops analytics check-notebooks

fmt: setup ## format Python and Terraform in place
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/terraform fmt -recursive terraform

contracts: setup ## export the shared contracts to terraform/contracts/
	$(BIN)/ops contracts export

# Rebuilt only when function code or the packager changes (the packager itself is reproducible).
LAMBDA_SOURCES := $(shell find lambdas -type f -not -path '*/__pycache__/*' -not -name '*.pyc')
build/lambda/manifest.json: $(STAMP) $(LAMBDA_SOURCES) ops/lambda_build.py
	$(BIN)/ops build lambdas

build: build/lambda/manifest.json ## package every Lambda function: build/lambda/<fn>.zip + manifest.json (reproducible)

validate: setup build ## offline Terraform gates: fmt, validate, terraform test, plan per env, checkov
	$(BIN)/ops tf validate $(if $(TF_DIR),--dir $(TF_DIR)) $(if $(REPORTS),--reports $(REPORTS))

# The suite in two worker processes, a test file at a time (tests/parallel_units.py: what stays together, and why).
PYTEST_WORKERS := -n 2 --no-loadscope-reorder

test: setup ## everything CI runs: lint, Terraform gates, the whole pytest suite (two workers)
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory validate
	$(BIN)/pytest $(PYTEST_WORKERS)

# The credential check comes first: a wrong profile or an expired token is one line, before a build.
plan: setup ## plan ENV=dev|staging|prod against AWS (needs credentials; ENV=local: make up)
	@$(BIN)/ops env check --env $(ENV)
	@$(MAKE) --no-print-directory build
	$(BIN)/ops env plan --env $(ENV)

apply: setup ## apply the saved plan of ENV (prod asks for confirmation), then keep the DR user pool
	$(BIN)/ops env apply --env $(ENV)

# Destroy names its env on the command line (no default) and asks first; ARGS=--dry-run | --yes.
destroy: setup ## destroy ENV=dev|staging (explicit ENV, asks first; ARGS=--dry-run shows the plan, ARGS=--yes skips the question)
	@test "$(origin ENV)" = "command line" || { echo "error: make destroy needs an explicit ENV=..., e.g. make destroy ENV=dev ARGS=--dry-run" >&2; exit 2; }
	$(BIN)/ops env destroy --env $(ENV) $(ARGS)

bootstrap: setup ## create the Terraform state backend of ENV's AWS account (explicit ENV; once per account, before the first plan)
	@test "$(origin ENV)" = "command line" || { echo "error: make bootstrap needs an explicit ENV=..., e.g. make bootstrap ENV=dev (it creates that env's account's state backend)" >&2; exit 2; }
	$(BIN)/ops env bootstrap --env $(ENV) $(ARGS)

outputs: setup ## print ENV's stack-outputs document (JSON); ENV=local reads the running local stack
	$(BIN)/ops stack outputs --env $(ENV)

demo: setup ## the whole backend on this machine, offline: start it and walk one scenario end to end
	@$(BIN)/ops local status >/dev/null 2>&1 || $(BIN)/ops local up
	$(BIN)/python -m ops.demo

up: setup ## start the local stack (moto + API fronts in two regions), offline
	$(BIN)/ops local up

down: setup ## stop the local stack
	$(BIN)/ops local down

status: setup ## health of the local stack
	$(BIN)/ops local status

seed: setup ## create the demo users on the local stack and print their credentials
	$(BIN)/ops local seed

MODE ?= failover
drill: setup ## DR drill of ENV: MODE=failover|non-destructive [INJECT=fault] (prod: dry run unless ARGS=--yes)
	$(BIN)/ops drill run --env $(ENV) --mode $(MODE) $(if $(INJECT),--inject $(INJECT)) $(ARGS)

FORMAT ?= table
audit: setup ## archival audit of ENV (local: make up first): settings, objects, cost, TTL archive; exit 1 on a violation [FORMAT=table|json|md OUT=file]
	$(BIN)/ops audit lifecycle --env $(ENV) --format $(FORMAT) $(if $(OUT),--out $(OUT)) $(ARGS)

bench: setup ## benchmarks, each as a ratio to a baseline measured in the same run -> reports/bench/
	$(BIN)/python -m benchmarks.api_bench
	$(BIN)/python -m benchmarks.local_stack_bench
	$(BIN)/python -m benchmarks.analytics_bench
	$(BIN)/python -m benchmarks.audit_bench
	$(BIN)/python -m benchmarks.load_test
	$(BIN)/python -m benchmarks.live_bench
	$(BIN)/python -m benchmarks.broadcast_bench

# The env's offline plan says what is deployed; `make validate` writes it when there is none yet.
COST_PLOT = reports/cost/$(ENV)-cost-vs-mau.png
cost: setup ## monthly cost of ENV by service at MAU=1k,100k,1M [USAGE=profile | DAYS=30 from analytics of ANALYTICS_ENV] + plot
	@test -f reports/plans/$(ENV).json || ! test -f terraform/envs/$(ENV).tfvars || $(MAKE) --no-print-directory validate
	$(BIN)/ops cost estimate --env $(ENV) $(if $(MAU),--mau $(MAU)) $(if $(USAGE),--usage $(USAGE)) $(if $(DAYS),--from-analytics $(DAYS)) $(if $(ANALYTICS_ENV),--analytics-env $(ANALYTICS_ENV)) --plot $(COST_PLOT)

# JupyterLab has a virtualenv of its own, made on first use; its python3 kernel is the project's .venv.
$(NOTEBOOK_STAMP): requirements/notebooks.lock $(STAMP)
	@test -x $(NOTEBOOK_VENV)/bin/python || $(BIN)/uv venv --quiet --python $(BIN)/python $(NOTEBOOK_VENV)
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(NOTEBOOK_VENV)/bin/python requirements/notebooks.lock
	@$(BIN)/python -m ipykernel install --prefix $(NOTEBOOK_VENV) --name python3 --display-name "Python 3 (mobile-backend-toolkit)" >/dev/null 2>&1
	@touch $@

# Analytics default to the local stack; `make analytics-report ENV=prod` reads prod through Athena.
ANALYTICS_ENV = $(if $(filter command line environment,$(origin ENV)),$(ENV),local)

notebooks: setup $(NOTEBOOK_STAMP) ## JupyterLab on notebooks/ (local stack: make up, then ops analytics generate)
	$(NOTEBOOK_VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

analytics-report: setup ## execute every notebook against ENV (default local) [SINCE=day UNTIL=day] -> HTML in reports/analytics/
	$(BIN)/ops analytics report --env $(ANALYTICS_ENV) $(if $(SINCE),--since $(SINCE)) $(if $(UNTIL),--until $(UNTIL))

openapi: setup ## regenerate lambdas/mobile_api/openapi.json from the code
	PYTHONPATH=lambdas $(BIN)/python -m mobile_api openapi

clean: ## remove build output, reports and caches (keeps the virtualenvs)
	rm -rf build reports .cache .pytest_cache .ruff_cache
