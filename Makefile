# The template's own tasks. `make test` is what CI runs (see .ci/run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install test lint bench bake clean

install: $(BIN)/cookiecutter

$(BIN)/cookiecutter: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r pyproject.toml --extra dev
	touch $@

# Three workers on two cores: most of the long tests wait on installs, image builds and servers
# rather than the CPU. xdist_group keeps a group's tests (a bake, the engine) on one worker.
# The slowest tests are listed at the end: the figures to rebalance by.
test: install lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -n 3 --dist loadgroup --durations=25

lint: install
	$(BIN)/ruff check hooks tests benchmarks local_extensions.py
	$(BIN)/ruff format --check hooks tests benchmarks local_extensions.py
	$(BIN)/mypy

# Bakes the default project into a temporary directory and benchmarks it (README: Performance).
bench: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks.run

bake: install
	$(BIN)/cookiecutter --no-input --overwrite-if-exists . -o .bake

clean:
	rm -rf $(VENV) .bake .pytest_cache
