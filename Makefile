# rackd — see README.md. `make run` is the standalone demo; `make test` runs every test tier.
SHELL := /bin/bash
CONFIG ?=
NODE_MODULES_STAMP := node_modules/.package-lock.json
UDP_BATCH_ADDON := native/udp-batch/build/udp_batch.node

.PHONY: all deps build run test test-unit test-integration lint format typecheck bench bench-dhcp4 bench-region bench-reconfig bench-churn bench-discovery clean install uninstall

all: build

deps:
	@scripts/install-deps.sh

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: $(NODE_MODULES_STAMP) $(UDP_BATCH_ADDON)
	npx tsc -p tsconfig.build.json

# The batching UDP addon (N-API, plain C): compiled against the running Node's headers, no node-gyp needed.
$(UDP_BATCH_ADDON): native/udp-batch/udp_batch.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -fPIC -shared -DNODE_GYP_MODULE_NAME=udp_batch \
	  -I"$$(node -p "require('path').resolve(process.execPath, '../../include/node')")" -o $@ $<

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

# Formatting is prettier's (120 columns, .prettierrc.json); `make format` rewrites, `make lint` only checks.
PRETTIER_FILES := "agent/**/*.ts" "protocol/**/*.ts" "test/**/*.{ts,mjs}" "bin/*.js" "*.ts" "*.js"
lint: $(NODE_MODULES_STAMP)
	npx prettier --check --log-level warn $(PRETTIER_FILES)
	npx eslint .
	node scripts/check-imports.mjs

format: $(NODE_MODULES_STAMP)
	npx prettier --write --log-level warn $(PRETTIER_FILES)

typecheck: $(NODE_MODULES_STAMP)
	npx tsc --noEmit -p .

# Benchmarks print tables (method and latest results in docs/benchmarks.md); they are not timed tests and never run in `make test`.
bench: bench-dhcp4 bench-reconfig bench-churn bench-region bench-discovery

bench-dhcp4: deps build
	test/bench/dhcp4/run.sh

# Publish → first ACK carrying the new reservation under perfdhcp load, rackd vs Kea config-set (run.sh takes the bench lock).
bench-reconfig: deps build
	test/bench/reconfig/run.sh test/bench/reconfig/reconfig.bench.ts

# perfdhcp load on 1,000,000 reservations in region mode, alone and while deltas force a base write and a fold.
bench-churn: deps build
	test/bench/reconfig/run.sh test/bench/reconfig/churn.bench.ts

bench-region: deps build
	npx vitest run --config test/bench/vitest.config.ts test/bench/region.bench.ts

bench-discovery: deps build
	npx vitest run --config test/bench/vitest.config.ts test/bench/discovery.bench.ts

clean:
	rm -rf dist native/udp-batch/build

# `make install` as root: the built tree in $(PREFIX) with production deps only, the hardened unit, and
# example configs in /etc/rackd when absent (never overwritten). DESTDIR stages a package root.
PREFIX ?= /opt/rackd
UNITDIR ?= /etc/systemd/system
CONFDIR ?= /etc/rackd
install: build
	install -d $(DESTDIR)$(PREFIX) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR)
	cp -r bin dist docs package.json package-lock.json README.md $(DESTDIR)$(PREFIX)/
	install -D -m 0755 $(UDP_BATCH_ADDON) $(DESTDIR)$(PREFIX)/$(UDP_BATCH_ADDON)
	cd $(DESTDIR)$(PREFIX) && npm ci --omit=dev --no-audit --no-fund
	sed 's|/opt/rackd|$(PREFIX)|g; s|/etc/rackd/|$(CONFDIR)/|g' systemd/rackd.service > $(DESTDIR)$(UNITDIR)/rackd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rackd.service
	[ -e $(DESTDIR)$(CONFDIR)/rackd.yaml ] || install -m 0644 systemd/rackd.yaml $(DESTDIR)$(CONFDIR)/rackd.yaml
	[ -e $(DESTDIR)$(CONFDIR)/ipam.yaml ] || install -m 0644 examples/ipam.yaml $(DESTDIR)$(CONFDIR)/ipam.yaml
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "installed: set interfaces: in $(CONFDIR)/rackd.yaml, then systemctl enable --now rackd"

# Leaves $(CONFDIR) and the state directory: they are the operator's.
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl disable --now rackd.service || true; fi
	rm -f $(DESTDIR)$(UNITDIR)/rackd.service
	rm -rf $(DESTDIR)$(PREFIX)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
