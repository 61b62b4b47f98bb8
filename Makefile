# Two entry points for a fresh clone: `make preview` (set up, build, preview) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup site preview serve browser test golden bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

site: setup
	$(BIN)/python build.py

preview: site
	$(BIN)/python build.py serve

serve: preview

# Browser tests use Debian's chromium package (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: setup browser
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
