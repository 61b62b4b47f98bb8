# Two entry points for a fresh clone: `make preview` (set up, build, preview) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup site preview test golden bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

site: setup
	$(BIN)/python build.py

preview: site
	@echo "Preview on http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _site

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

golden: setup
	$(BIN)/python tests/sample_site.py

bench: setup
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/dedupe_scale.py
	$(BIN)/python benchmarks/near_duplicate_threshold.py

clean:
	rm -rf _site ._site.staging-* benchmarks/.work
