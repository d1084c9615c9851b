# iSAGE developer entry points. `make demo` and `make test` install what they need first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
APT_PACKAGES := qgis python3-qgis qgis-providers

.PHONY: install system-packages test demo lint clean

install: $(STAMP)

# Debian packages (QGIS for the plugin and its tests); skipped when already present.
system-packages:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "Installing Debian packages: $(APT_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

$(STAMP): pyproject.toml constraints.txt | system-packages
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PIP) install -q -c constraints.txt torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[dev,benchmark]'
	@touch $(STAMP)

# QGIS runs headless in the tests (pytest-qgis); the platform must be set before Qt starts.
test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

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
PLUGIN_ZIP := dist/isage_qgis.zip
PROFILE_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
SCREENSHOT_PACKAGES := xvfb xauth imagemagick

.PHONY: plugin-stage package deploy screenshot-packages screenshot

plugin-stage:
	rm -rf $(dir $(PLUGIN_STAGE)) && mkdir -p $(PLUGIN_STAGE)
	cp -r isage_qgis/. $(PLUGIN_STAGE)/
	cp -r metadata.txt icons $(PLUGIN_STAGE)/
	@[ ! -f LICENSE ] || cp LICENSE $(PLUGIN_STAGE)/
	find $(dir $(PLUGIN_STAGE)) \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +

# dist/isage_qgis.zip: installable with Plugins > Manage and Install Plugins > Install from ZIP.
package: plugin-stage
	@mkdir -p dist && rm -f $(PLUGIN_ZIP)
	cd $(dir $(PLUGIN_STAGE)) && /usr/bin/python3 -m zipfile -c $(CURDIR)/$(PLUGIN_ZIP) isage_qgis
	@/usr/bin/python3 -m zipfile -l $(PLUGIN_ZIP) | tail -n +2 | wc -l | xargs echo "$(PLUGIN_ZIP): files:"

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

# docs/screenshot.png: the QGIS desktop under Xvfb with the plugin, a sample frame mosaic, clicks and a prediction.
screenshot: install plugin-stage screenshot-packages
	$(PY) scripts/screenshot.py --plugin $(PLUGIN_STAGE) --engine-python $(PY) --out docs/screenshot.png
