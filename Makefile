# Entry points for a fresh clone: `make preview` (set up, build, preview with drafts), `make check`,
# `make new TITLE="..." TYPE=condition`, `make hooks` and `make test`. Each sets up .venv first and runs inside it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup site preview serve check new hooks browser tools test golden bench lighthouse clean cms

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

# `make check` checks the whole site; `make check FILES="content/x.md"` reports only those files' own problems;
# `make check SINCE=origin/main` only the files changed since that commit (as the pull request does).
check: setup
	$(BIN)/python build.py check $(if $(SINCE),--changed-since $(SINCE)) $(FILES)

# `make new TITLE="Carpal tunnel syndrome" TYPE=condition FOLDER=conditions` starts a draft page.
TYPE ?= condition
new: setup
	@[ -n "$(TITLE)" ] || { echo 'make new: say the title, e.g. make new TITLE="Carpal tunnel syndrome" TYPE=condition FOLDER=conditions' >&2; exit 2; }
	$(BIN)/python build.py new "$(TITLE)" --type "$(TYPE)" $(if $(FOLDER),--folder "$(FOLDER)")

# Git hooks from .pre-commit-config.yaml; the hooks call .venv/bin/ruff and .venv/bin/python, so they work
# without activating the virtual environment.
hooks: setup
	$(BIN)/python -m pip install --quiet 'pre-commit>=4'
	$(BIN)/pre-commit install

# Browser tests use Debian's chromium package (Playwright's own browser download is not used).
browser:
	@[ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The W3C Nu HTML Checker (npm vnu-jar) runs on Java; both are installed here when missing.
VNU := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --prefix .tools --no-save --no-audit --no-fund --ignore-scripts -E vnu-jar@26.9.27 >/dev/null

tools: $(VNU) node_modules/.package-lock.json

# decap-server (the form editor's local backend) at the version package-lock.json pins: for `make cms` and the
# end-to-end test of the form (tests/test_cms_editor_browser.py).
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --ignore-scripts >/dev/null

# The form editor on this computer: builds the site, then serves it on http://localhost:8000/admin/ with
# decap-server on localhost:8081 (each save goes to its own cms/... branch of this repository, as on GitHub).
# Not `make preview`: its server sends the readers' policy, which does not allow the editor to run.
cms: site node_modules/.package-lock.json
	MODE=git BIND_HOST=127.0.0.1 node node_modules/decap-server/dist/index.js & server=$$!; \
	trap 'kill $$server' EXIT INT TERM; \
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _site

test: setup browser tools
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
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/readability.py
	$(BIN)/python benchmarks/page_weight.py

# Bounded mutation run over the writer, the sanitiser and the meaning guard (at most 20 minutes of mutants);
# writes the "Mutation testing" section of BENCHMARKS.md and prints each surviving mutant's diff.
.PHONY: mutation
mutation: setup
	$(BIN)/python benchmarks/mutation.py

# Lighthouse 12.2.3 (13 needs Node 22) with Debian's chromium, on the home page and an article.
lighthouse: setup browser
	npm install --prefix .tools/lighthouse --no-save --no-audit --no-fund -E lighthouse@12.2.3 >/dev/null
	$(BIN)/python benchmarks/lighthouse.py

clean:
	rm -rf _site ._site.staging-* benchmarks/.work .tools node_modules
