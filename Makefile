# Tusk — the two commands that matter: `make run` and `make test`.
# Everything else is a step of those two. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

UNAME := $(shell uname -s)
# sqlite_fts5: full-text history search. webkit2_41: WebKitGTK 4.1 on Linux.
TAGS := sqlite_fts5
ifeq ($(UNAME),Linux)
TAGS += webkit2_41
endif
GOTAGS := -tags '$(TAGS)'
WAILS := go tool wails
GO_PKGS := ./...
# Version, commit and build date from git (scripts/version.sh), linked into
# main; on Linux the same hardening flags as `make dist`, so both share the
# build cache.
LDFLAGS := $(shell scripts/version.sh ldflags)
BUILD_ENV :=
ifeq ($(UNAME),Linux)
LDFLAGS += -extldflags '-Wl,-z,relro,-z,now'
BUILD_ENV := GOFLAGS=-buildmode=pie
endif

.PHONY: run build dev deps deps-test deps-dist bindings test lint go-test fe-check fe-test e2e webkit webkit-native bench bench-ui bench-ui-smoke clean \
	dist dist-verify dist-install-check icons

## run: install what is missing, build, launch the app
run: build
	./build/bin/tusk

## build: a release build in build/bin/
build: deps
	$(BUILD_ENV) $(WAILS) build -m -trimpath -tags '$(TAGS)' -ldflags "$(LDFLAGS)" -o tusk -nocolour
	@touch frontend/dist/.gitkeep
	scripts/webext.sh build/bin

## demo: the app on a throwaway PostgreSQL seeded with a sample shop database,
## with the connection and a Welcome tab of example queries already saved;
## everything is stopped and removed when the app exits. No display: set
## DEMO_HEADLESS=1 to run it under xvfb-run.
demo:
	@scripts/demo.sh

## dev: hot-reloading development session (wails dev; -s: Vite's dev server
## serves the frontend, so the production build wails would run first is skipped)
dev: deps
	$(WAILS) dev -s -m -tags '$(TAGS)'

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

deps-dist:
	@scripts/deps.sh dist

## bindings: regenerate frontend/wailsjs from the bound Go API (never committed)
bindings:
	$(WAILS) generate module -tags '$(TAGS)' >/dev/null
	@test -f frontend/wailsjs/go/main/App.d.ts

## test: everything CI checks, starting and stopping every service it needs
test: deps-test lint go-test fe-check fe-test e2e webkit bench-ui-smoke dist dist-verify dist-install-check
	@echo "make test: all checks passed"

lint: bindings
	@echo '--- gofmt'; out=$$(gofmt -l $$(git ls-files '*.go' ':!:frontend/**')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@echo '--- go vet'; go vet $(GOTAGS) $(GO_PKGS)
	@echo '--- staticcheck'; go tool staticcheck $(GOTAGS) $(GO_PKGS)
	@echo '--- actionlint (the release workflow)'; go tool actionlint
	@echo '--- shellcheck'; shellcheck -x scripts/*.sh scripts/dist/*.sh .ci/run
	@echo '--- generated bindings are not committed'; \
		if [ -n "$$(git ls-files frontend/wailsjs)" ]; then echo "frontend/wailsjs is generated: git rm -r --cached frontend/wailsjs"; exit 1; fi

go-test:
	@echo '--- go test -race'
	@rm -f test-results/faults-*.txt
	scripts/with-keyring.sh go test -race -count=1 $(GOTAGS) $(GO_PKGS)
	@echo '--- fault suite (backend/internal/faults, TestMistypedBoundCallsFault; docs/reliability.md)'
	@cat test-results/faults-server.txt test-results/faults-bound.txt
	@echo '--- go test, dev build tag (defaults that differ in `wails dev` builds)'
	go test -count=1 -tags '$(TAGS) dev' -run 'Level|DataDir' ./backend/logging/ ./backend/storage/

fe-check: bindings
	@echo '--- svelte-check'
	cd frontend && npm run --silent check

fe-test: bindings
	@echo '--- vitest'
	cd frontend && npm run --silent test

## e2e: the real app under `wails dev` + Xvfb, driven by Chromium
e2e: bindings
	@echo '--- e2e'
	scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' node --test --test-concurrency=1 --test-timeout=900000 frontend/e2e/

## webkit: the built app in a real WebKitGTK window under Xvfb, screenshot
## checked; SIGTERM at several instants after launch must quit it
webkit: build
	@echo '--- WebKitGTK window'
	xvfb-run -a -s '-screen 0 1280x800x24' scripts/webkit-shot.sh test-results/webkit/window.png
	@echo '--- SIGTERM in the first instants after launch still quits'
	xvfb-run -a -s '-screen 0 1280x800x24' scripts/quit-early.sh

## webkit-native: the native menu, its accelerators, text editing keys, files,
## the quit protocol, window state, single instance and SIGTERM, checked in a
## real WebKitGTK window under Xvfb with a D-Bus session (screenshots and log
## in test-results/native)
webkit-native: build
	@echo '--- WebKitGTK native shell'
	scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' scripts/webkit-native.sh test-results/native

## dist: release artifacts in dist/ — .deb, .rpm, .tar.gz, the Windows exe and
## NSIS installer (when mingw-w64 is installed; required under CI=true), and
## SHA256SUMS signed with GPG and minisign. Keys come from the environment
## (docs/releasing.md); without them throwaway keys make a TEST signature.
dist: deps-dist
	scripts/dist/build.sh
	scripts/dist/sign.sh

## dist-verify: check dist/ (checksums, signatures, Authenticode, package
## metadata, lintian), then prove each check fails on a flipped byte
dist-verify:
	scripts/dist/verify.sh
	scripts/dist/verify.sh --self-test

## dist-install-check: install the .deb into a throwaway root and check that
## the installed app starts and paints under Xvfb
dist-install-check:
	scripts/dist/install-check.sh

## icons: regenerate the committed Windows and macOS icons from build/appicon.png
icons:
	go run ./scripts/iconset -ico build/windows/icon.ico -icns build/darwin/iconfile.icns

## bench: benchmark figures (not part of make test): end-to-end figures
## against a throwaway PostgreSQL (also written to docs/benchmarks.md; flags
## via BENCHFLAGS, e.g. BENCHFLAGS=-sleep-trials=200), then the package
## micro-benchmarks
bench:
	go run $(GOTAGS) ./backend/internal/benchcmd $(BENCHFLAGS)
	go test -run '^$$' -bench . -benchmem $(GOTAGS) ./backend/...

## bench-ui: the released app in a real WebKitGTK window under Xvfb, against a
## throwaway PostgreSQL: startup, memory (PSS of the app and its WebKit
## processes), run → first rows, scrolling; printed beside the targets and
## written to docs/benchmarks.md. Not part of `make test`: timings need a
## quiet machine. Flags via BENCHUIFLAGS (e.g. BENCHUIFLAGS='-launches 9').
bench-ui: build deps-test
	scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' go run $(GOTAGS) ./backend/internal/benchui $(BENCHUIFLAGS)

## bench-ui-smoke: bench-ui on small tables, one launch, nothing written;
## fails when a figure cannot be measured (never on a target). In `make test`.
bench-ui-smoke: build
	@echo '--- bench-ui smoke'
	scripts/with-keyring.sh xvfb-run -a -s '-screen 0 1280x800x24' go run $(GOTAGS) ./backend/internal/benchui -smoke

clean:
	rm -rf build/bin build/dist-keys dist frontend/wailsjs test-results
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete
