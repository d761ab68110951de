# The two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SYSDEPS := $(VENV)/.sysdeps-stamp
TESTDEPS := $(VENV)/.testdeps-stamp
# The bundled samples are dated 2026-11-20/21: `make run` builds the briefing as of this moment
# so they fall in its 24-hour window. Override: make run SAMPLES_AS_OF=...
SAMPLES_AS_OF ?= 2026-11-21T07:00:00Z

.PHONY: run test lint typecheck pytest bench clean sysdeps

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing briefing and its dependencies into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --quiet --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(PY) -m pip install --quiet -e '.[dev]' >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

$(SYSDEPS): scripts/system-deps.sh
	@mkdir -p $(VENV)
	bash scripts/system-deps.sh
	@touch $(SYSDEPS)

# Chromium and poppler are for the tests only: `make run` does not install them.
$(TESTDEPS): scripts/system-deps.sh
	@mkdir -p $(VENV)
	bash scripts/system-deps.sh test
	@touch $(TESTDEPS)

sysdeps: $(SYSDEPS)

run: $(SYSDEPS) $(STAMP)
	$(VENV)/bin/briefing run --config config.yaml --as-of $(SAMPLES_AS_OF)

lint: $(STAMP)
	$(VENV)/bin/ruff check briefing tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(SYSDEPS) $(TESTDEPS) $(STAMP)
	$(VENV)/bin/pytest

test: lint typecheck pytest

bench: $(SYSDEPS) $(TESTDEPS) $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
