# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# dk2 never guesses where its knowledge is (knowledge_path has no default). With no config of
# the operator's own (no config.yaml here, DK2_CONFIG unset), `make run` reads
# config.example.yaml, whose knowledge_path is this clone's knowledge/ and whose other values
# are the defaults; dk2 logs which config file it read.
RUN_CONFIG := $(if $(DK2_CONFIG)$(wildcard config.yaml),,--config config.example.yaml)

run: $(STAMP)
	$(BIN)/python -m bot $(RUN_CONFIG) run

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy
	$(BIN)/python -m bot --knowledge knowledge check
	$(BIN)/python -m pytest

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
