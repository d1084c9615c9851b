# iSAGE developer entry points. `make demo` and `make test` install what they need first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
# qttools5-dev-tools: Qt's lrelease, which builds the interface translations (isage_qgis/i18n/*.qm);
# postgresql-15-postgis-3 (pulls postgresql-15): the team record's tests start a throwaway PostgreSQL +
# PostGIS cluster of their own (tests/postgres_testutil.py); no server of the machine's is used
APT_PACKAGES := qgis python3-qgis qgis-providers qttools5-dev-tools postgresql-15-postgis-3

.PHONY: install system-packages torch-plan test numpy2-venv test-qgis344 demo lint clean translations

install: $(STAMP)

# Debian packages: QGIS for the plugin and its tests, at least QGIS_MIN (the oldest LTR users run; Debian
# 12 ships 3.22 in main and 3.40 in bookworm-backports, which is added on Debian 12); skipped when present.
QGIS_MIN := 3.40
BACKPORTS_LIST := /etc/apt/sources.list.d/bookworm-backports.sources
system-packages:
	@installed=$$(dpkg-query -W -f='$${Version}' qgis 2>/dev/null || echo 0); \
	if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || ! dpkg --compare-versions "$$installed" ge $(QGIS_MIN); then \
	  echo "Installing Debian packages: $(APT_PACKAGES) >= $(QGIS_MIN) (found: $$installed)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  SUITE=""; \
	  if grep -q '^VERSION_CODENAME=bookworm$$' /etc/os-release; then \
	    SUITE="-t bookworm-backports"; \
	    [ -f $(BACKPORTS_LIST) ] || printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
	      'Suites: bookworm-backports' 'Components: main' \
	      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' | $$SUDO tee $(BACKPORTS_LIST) >/dev/null; \
	  fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$SUITE $(APT_PACKAGES); \
	fi

# TORCH=default|cpu|cuda: default takes what the package index gives (on these machines the local CPU
# wheel) after a dry run refuses a CUDA build nobody asked for; cpu adds PyTorch's CPU index (torch about
# 192 MB); cuda takes PyPI's CUDA build (Linux: 29 packages, about 2.7 GB).
TORCH ?= default
ifeq ($(filter $(TORCH),default cpu cuda),)
$(error TORCH=$(TORCH): use TORCH=default, TORCH=cpu or TORCH=cuda)
endif
TORCH_SPEC := torch==2.13.0
TORCH_PLAN ?= $(VENV)/torch-plan.json
TORCH_ARGS := $(shell /usr/bin/python3 -c "from isage_qgis.engine.install_plan import torch_pip_args as a; print(' '.join(a('$(TORCH)')))")

$(STAMP): pyproject.toml constraints.txt | system-packages
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	@if [ "$(TORCH)" = default ]; then $(MAKE) --no-print-directory torch-plan; fi
	$(PIP) install -q -c constraints.txt $(TORCH_ARGS) $(TORCH_SPEC)
	$(PIP) install -q -c constraints.txt $(TORCH_ARGS) -e '.[dev,benchmark,cluster]'
	@touch $(STAMP)

# What installing torch would download, without installing it: stops (exit 2) on an unasked-for CUDA build.
torch-plan:
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	@rm -f $(TORCH_PLAN)
	@$(PIP) install -q --dry-run --ignore-installed --report $(TORCH_PLAN) \
	  -c constraints.txt $(TORCH_ARGS) $(TORCH_SPEC) 2>&1 | grep -v "^WARNING: Location" || true
	@/usr/bin/python3 -m isage_qgis.engine.install_plan $(TORCH_PLAN) $(TORCH)

# QGIS runs headless in the tests (pytest-qgis); the platform must be set before Qt starts.
# Then the engine's tests again with numpy 2 (which pyproject allows) in a venv without Debian's packages,
# and the QGIS-side tests on QGIS 3.44 in a Debian 13 chroot (test-qgis344).
test: install numpy2-venv translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(NP2_VENV)/bin/python -m pytest -q -p no:pytest_qgis -m "not gdal_bindings" tests --ignore=tests/qgis
	$(MAKE) --no-print-directory test-qgis344

NP2_VENV := build/venv-numpy2
NP2_STAMP := $(NP2_VENV)/.installed
numpy2-venv: $(NP2_STAMP)
$(NP2_STAMP): pyproject.toml constraints.txt
	@[ -x $(NP2_VENV)/bin/python ] || /usr/bin/python3 -m venv $(NP2_VENV)
	grep -v '^numpy' constraints.txt > $(NP2_VENV)/constraints.txt && echo 'numpy>=2' >> $(NP2_VENV)/constraints.txt
	$(NP2_VENV)/bin/pip install -q -c $(NP2_VENV)/constraints.txt $(TORCH_ARGS) $(TORCH_SPEC)
	$(NP2_VENV)/bin/pip install -q -c $(NP2_VENV)/constraints.txt $(TORCH_ARGS) -e '.[dev,benchmark,cluster]'
	@$(NP2_VENV)/bin/python -c "import numpy; assert int(numpy.__version__.split('.')[0]) >= 2, numpy.__version__"
	@touch $(NP2_STAMP)

# The QGIS-side tests on QGIS 3.44 (Debian 13) in a chroot under /var/tmp, with the host's engine (root).
test-qgis344: install
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) bash scripts/test_qgis344.sh

# The interface translations: each isage_qgis/i18n/*.ts (written by people) built into a .qm (what Qt loads)
# by Qt's lrelease; the .qm files are build outputs (git-ignored) and ship in the zip.
# `python scripts/translations.py update` adds the source's new sentences to the .ts files.
LRELEASE ?= $(firstword $(wildcard /usr/lib/qt5/bin/lrelease /usr/lib/qt6/bin/lrelease) lrelease)
TS_FILES := $(wildcard isage_qgis/i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)
translations: $(QM_FILES)
isage_qgis/i18n/%.qm: isage_qgis/i18n/%.ts | system-packages
	$(LRELEASE) -silent $< -qm $@

demo: install
	$(VENV)/bin/isage demo --out demo_workspace

lint: install
	$(PY) -m ruff check isage_core isage_qgis scripts benchmarks tests
	$(PY) -m ruff format --check isage_core isage_qgis scripts benchmarks tests

clean:
	rm -rf $(VENV) demo_workspace build *.egg-info

# ---- QGIS plugin: package, deploy, screenshot ---------------------------------------------------------
# The plugin folder as QGIS installs it: isage_qgis/ with the code, metadata.txt and icons/ inside.
PLUGIN_STAGE := build/plugin/isage_qgis
PLUGIN_ZIP ?= dist/isage_qgis.zip
PROFILE_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
SCREENSHOT_PACKAGES := xvfb xauth imagemagick fonts-open-sans

.PHONY: plugin-stage package bandit deploy screenshot-packages screenshot screenshot-service-frames \
	screenshot-postgis-record

ENGINE_SRC := build/engine-src

# The plugin folder, with the engine of the same version in bundled/: a pure-Python wheel built from a
# clean copy of the sources (no stale build/lib files) and the constraints it is installed under.
plugin-stage: install translations
	rm -rf $(dir $(PLUGIN_STAGE)) $(ENGINE_SRC) && mkdir -p $(PLUGIN_STAGE) $(ENGINE_SRC)
	cp -r isage_qgis/. $(PLUGIN_STAGE)/
	rm -f $(PLUGIN_STAGE)/i18n/*.ts  # the zip ships the compiled .qm files
	cp -r metadata.txt icons $(PLUGIN_STAGE)/
	cp LICENSE $(PLUGIN_STAGE)/
	cp -r pyproject.toml README.md LICENSE isage_core $(ENGINE_SRC)/
	find $(ENGINE_SRC) $(dir $(PLUGIN_STAGE)) \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +
	cd $(ENGINE_SRC) && $(CURDIR)/$(PY) -m pip wheel -q --no-deps --no-build-isolation --no-index \
	  -w $(CURDIR)/$(PLUGIN_STAGE)/bundled . 2>&1 | grep -v "^WARNING: Location" || true
	cp constraints.txt $(PLUGIN_STAGE)/bundled/
	@ls $(PLUGIN_STAGE)/bundled/geoisage-$$(sed -n 's/^version=//p' metadata.txt)-py3-none-any.whl >/dev/null \
	  || { echo "the engine wheel's version is not metadata.txt's"; exit 1; }

# dist/isage_qgis.zip: installable with Plugins > Manage and Install Plugins > Install from ZIP. Then the
# plugin repository's upload gates on what the zip holds (the plugin and the bundled engine's code):
# Bandit and detect-secrets; a finding fails the target.
PACKAGE_SCAN := build/package-scan
package: plugin-stage
	@mkdir -p $(dir $(PLUGIN_ZIP)) && rm -f $(PLUGIN_ZIP)
	cd $(dir $(PLUGIN_STAGE)) && /usr/bin/python3 -m zipfile -c $(abspath $(PLUGIN_ZIP)) isage_qgis
	@/usr/bin/python3 -m zipfile -l $(PLUGIN_ZIP) | tail -n +2 | wc -l | xargs echo "$(PLUGIN_ZIP): files:"
	@du -k $(PLUGIN_ZIP) | cut -f1 | xargs -I{} echo "$(PLUGIN_ZIP): {} KiB"
	rm -rf $(PACKAGE_SCAN) && mkdir -p $(PACKAGE_SCAN)
	/usr/bin/python3 -m zipfile -e $(PLUGIN_ZIP) $(PACKAGE_SCAN)
	/usr/bin/python3 -m zipfile -e $(PACKAGE_SCAN)/isage_qgis/bundled/geoisage-*.whl $(PACKAGE_SCAN)/engine
	$(VENV)/bin/bandit -r $(PACKAGE_SCAN) -q
	cd $(PACKAGE_SCAN) && $(CURDIR)/$(VENV)/bin/detect-secrets scan --all-files . > ../detect-secrets.json
	@$(PY) -c "import json, sys; r = json.load(open('build/detect-secrets.json'))['results']; \
	  [print(f, s['type'], s['line_number']) for f, l in r.items() for s in l]; \
	  print('detect-secrets:', sum(map(len, r.values())), 'findings'); sys.exit(1 if r else 0)"

# Bandit alone on the staged plugin and the bundled engine's code (make package runs it on the zip too).
bandit: plugin-stage
	rm -rf build/bandit && mkdir -p build/bandit
	/usr/bin/python3 -m zipfile -e $(PLUGIN_STAGE)/bundled/geoisage-*.whl build/bandit/engine
	$(VENV)/bin/bandit -r $(PLUGIN_STAGE) build/bandit/engine -q

# Copy the plugin into a QGIS profile (PROFILE_DIR=... for another one); enable it in Plugins afterwards.
deploy: plugin-stage
	mkdir -p $(PROFILE_DIR)/python/plugins
	rm -rf $(PROFILE_DIR)/python/plugins/isage_qgis
	cp -r $(PLUGIN_STAGE) $(PROFILE_DIR)/python/plugins/isage_qgis
	@echo "deployed to $(PROFILE_DIR)/python/plugins/isage_qgis"

screenshot-packages:
	@if ! dpkg -s $(SCREENSHOT_PACKAGES) >/dev/null 2>&1; then \
	  echo "Installing Debian packages: $(SCREENSHOT_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(SCREENSHOT_PACKAGES); \
	fi

# docs/screenshot.png: the QGIS desktop under Xvfb with the plugin, a sample frame mosaic, clicks and a prediction;
# docs/screenshot_proposal.png: the same after Next proposal; docs/screenshot_assessment.png: the panel while
# assessing the map (a sample point shown, the result layers hidden), after a partial report;
# docs/screenshot_pt_BR.png: the first one again with QGIS and the plugin in Brazilian Portuguese.
screenshot: install plugin-stage screenshot-packages
	$(PY) scripts/screenshot.py --plugin $(PLUGIN_STAGE) --engine-python $(PY) --out docs/screenshot.png \
	  --proposal-out docs/screenshot_proposal.png --assessment-out docs/screenshot_assessment.png --locale en_US
	$(PY) scripts/screenshot.py --plugin $(PLUGIN_STAGE) --engine-python $(PY) --out docs/screenshot_pt_BR.png \
	  --locale pt_BR
	$(MAKE) --no-print-directory screenshot-service-frames
	$(MAKE) --no-print-directory screenshot-postgis-record

# docs/screenshot_postgis_record.png: an annotator's panel on a team's PostGIS record after the trainer trained
# from the panel, beside the map (the model's classes, the team's clicks), grabbed by its headless test.
screenshot-postgis-record: install
	ISAGE_SCREENSHOT_DIR=docs QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/qgis/test_postgis_record.py \
	  -k trainer_trains

# docs/screenshot_service_frames.png: the dialog of frames from an XYZ layer, grabbed by its headless test.
screenshot-service-frames: install
	ISAGE_SCREENSHOT_DIR=docs QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/qgis/test_service_frames.py \
	  -k dialog_shows
