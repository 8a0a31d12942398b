# Two commands for a new user: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EMULATOR := node_modules/amplify-dynamodb-simulator/emulator
LAUNCHER := .local/build/DynamoDBLocalLoopback.class

.PHONY: install browser run test lint typecheck pytest bench package clean

install: $(VENV)/.installed node_modules/.installed $(LAUNCHER)

# The end-to-end tests drive Debian's chromium through Playwright (never `playwright install`);
# Japanese pages need the IPA fonts. A no-op when both are there; only `make test` needs them.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-ipafont-gothic >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-ipafont-gothic; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# DynamoDB Local has no host flag; this small launcher binds its Jetty connector to 127.0.0.1.
$(LAUNCHER): local/DynamoDBLocalLoopback.java node_modules/.installed
	mkdir -p $(dir $@)
	javac -d $(dir $@) -cp "$(EMULATOR)/DynamoDBLocal.jar:$(EMULATOR)/DynamoDBLocal_lib/*" $<

run: install
	$(BIN)/python -m local.stack run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy --explicit-package-bases chalicelib local bench infra app.py

pytest: install browser
	$(BIN)/python -m pytest

test: lint typecheck pytest package

bench: install
	$(BIN)/python -m bench

# CloudFormation for AWS, offline: no credentials needed, but chalice fetches Lambda wheels from PyPI.
PACKAGE_STAGE  ?= prod
PACKAGE_REGION ?= ap-northeast-1
package: $(VENV)/.installed
	rm -rf build/package
	$(BIN)/python -m infra.template --stage $(PACKAGE_STAGE) -o build/infra.json
	AWS_DEFAULT_REGION=$(PACKAGE_REGION) $(BIN)/chalice package --stage $(PACKAGE_STAGE) \
		--merge-template build/infra.json build/package
	$(BIN)/cfn-lint --regions $(PACKAGE_REGION) -- build/package/sam.json

clean:
	rm -rf $(VENV) node_modules .local build .pytest_cache .mypy_cache .ruff_cache
