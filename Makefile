# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check bench mutation clean postgres-binaries

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

# The PostgreSQL tests start a throwaway server of their own; on a fresh machine (as root, e.g.
# CI) this installs the server binaries first. Elsewhere those tests say why they skip.
postgres-binaries:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing PostgreSQL for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else \
			echo "note: no PostgreSQL binaries; the PostgreSQL tests will skip"; \
		fi; \
	fi

# pytest runs on two worker processes (pytest-xdist), a test file each at a time: the files of
# the end-to-end tests share one dk2 process per file, and every test picks its own free ports
# and temporary folders. On the 2-core machine dk2 is developed on, a fresh clone's `make test`
# went from 7 min 14 s to 3 min 40 s - 4 min 16 s. `pytest tests/x` alone still runs in one
# process (add -n 2 to spread it).
test: $(STAMP) postgres-binaries
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy
	$(BIN)/python -m bot --knowledge knowledge check
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

# Mutation testing, one module at a time (bench/mutation.toml lists them with their tests
# and time budgets): `make mutation`, or `make mutation MODULES="bot.core.numbers"`. Takes
# minutes per module; never part of `make test`.
MUTATION_STAMP := $(VENV)/.mutation-installed

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	touch $(MUTATION_STAMP)

mutation: $(MUTATION_STAMP)
	nice -n 19 $(BIN)/python bench/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .mutation
