# Two commands for a new user: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EMULATOR := node_modules/amplify-dynamodb-simulator/emulator
LAUNCHER := .local/build/DynamoDBLocalLoopback.class

WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
API_SOURCES := app.py $(shell find chalicelib -name '*.py' 2>/dev/null)

.PHONY: install web webtest browser run test lint typecheck pytest fuzz-short fuzz load chaos chaos-short bench package clean

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

# The web client: TypeScript types from the API's own OpenAPI document, then Vite into web/dist
# (what local/web.py serves and `make deploy` uploads; never in the Lambda zip).
web: web/dist/index.html

web/src/gen/api-schema.d.ts: $(API_SOURCES) $(VENV)/.installed node_modules/.installed
	mkdir -p build $(dir $@)
	$(BIN)/python -c "import json, app; from chalicelib.openapi import document; print(json.dumps(document()))" > build/openapi.json
	npx --no-install openapi-typescript build/openapi.json -o $@ >/dev/null

web/dist/index.html: $(WEB_SOURCES) node_modules/.installed
	npx --no-install vite build web --logLevel warn

webtest: node_modules/.installed
	npx --no-install vitest run --root web

run: install web
	$(BIN)/python -m local.stack run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install web/src/gen/api-schema.d.ts
	$(BIN)/mypy --explicit-package-bases chalicelib local bench infra app.py
	npx --no-install tsc -p web

# Two workers, each with its own throw-away stack; a test file stays on one worker (its module fixtures).
pytest: install browser web
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint typecheck webtest pytest fuzz-short chaos-short package

# schemathesis against /openapi.json of a throw-away stack, as a member, a company owner and an admin.
fuzz-short: install
	$(BIN)/python -m local.fuzz --max-time 120 --max-examples 25

fuzz: install
	$(BIN)/python -m local.fuzz --max-time 900 --max-examples 200

# A crowd writes while osmem-server, the relay and DynamoDB Local are killed in turn; nothing acknowledged may be lost.
chaos-short: install
	$(BIN)/python -m local.chaos --seconds 24 --workers 4

chaos: install
	$(BIN)/python -m local.chaos --seconds 90 --workers 8

# Requests/s, p50 and p99 of the main routes at 1, 10, 50 and 200 keep-alive clients (loopback, bounded).
load: install
	$(BIN)/python -m bench load

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
	$(BIN)/python -m infra.bundle build/package
	$(BIN)/cfn-lint --regions $(PACKAGE_REGION) -- build/package/sam.json

# The one target that needs AWS credentials (infra/README.md, "Deploying"): package for STAGE in
# the profile's region, then deploy the stack, map the search roles, upload web/dist, migrate and
# check the index. DEPLOY_BUCKET: an S3 bucket of yours in that region for the bundle and template.
.PHONY: deploy
STAGE  ?= prod
REGION  = $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),$(shell aws configure get region 2>/dev/null),ap-northeast-1)
deploy: $(VENV)/.installed web
	@test -n "$(DEPLOY_BUCKET)" || { echo "set DEPLOY_BUCKET=<an S3 bucket in $(REGION)>"; exit 2; }
	$(MAKE) package PACKAGE_STAGE=$(STAGE) PACKAGE_REGION=$(REGION)
	$(BIN)/python -m infra.deploy --stage $(STAGE) --region $(REGION) --bucket $(DEPLOY_BUCKET) \
		$(if $(SEARCH_ADMIN_ARN),--admin-arn $(SEARCH_ADMIN_ARN)) $(if $(RECREATE_INDEX),--recreate-index)

clean:
	rm -rf $(VENV) node_modules .local build .pytest_cache .mypy_cache .ruff_cache
