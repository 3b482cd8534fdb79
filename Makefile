# rackd — see README.md. `make run` is the standalone demo; `make test` runs every test tier.
SHELL := /bin/bash
CONFIG ?=
NODE_MODULES_STAMP := node_modules/.package-lock.json

.PHONY: all deps build run test test-unit test-integration lint typecheck bench clean

all: build

deps:
	@scripts/install-deps.sh

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: $(NODE_MODULES_STAMP)
	npx tsc -p tsconfig.build.json

# No CONFIG: a throw-away namespace lab with a real DHCP client (scripts/demo-lab.sh); Ctrl-C ends it.
run: deps build
ifeq ($(CONFIG),)
	scripts/demo-lab.sh
else
	node bin/rackd.js run --config $(CONFIG)
endif

test: deps build
	npx vitest run $(VITEST_ARGS)

test-unit: build
	npx vitest run --project unit

test-integration: deps build
	npx vitest run --project integration

lint: $(NODE_MODULES_STAMP)
	npx eslint .

typecheck: $(NODE_MODULES_STAMP)
	npx tsc --noEmit -p .

clean:
	rm -rf dist
