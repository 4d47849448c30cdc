# posdesk: `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
GO ?= go
BIN := bin/posdesk
PKG := ./cmd/posdesk

# apt-get through sudo unless we are root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Fyne 2.8 on Linux: cgo plus the GL, X11, Wayland and xkbcommon headers.
BUILD_DEPS := gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
# Tests also check PDFs with qpdf and poppler, time sqlite3 .import and run the GUI under Xvfb.
TEST_DEPS := $(BUILD_DEPS) poppler-utils qpdf sqlite3 xvfb xauth
PACKAGE_DEPS := $(BUILD_DEPS) gcc-mingw-w64-x86-64 xz-utils file

# Packaging: the fyne CLI (fyne.io/tools, built from the module proxy into bin/) makes the Linux
# tar.xz and the Windows .exe with the icon, version and manifest of FyneApp.toml. The tar.xz's
# Makefile gets the icon's .png extension back (fyne-io/tools#139: `make install` failed).
FYNE_TOOLS_VERSION := v1.7.2
FYNE := bin/fyne-$(FYNE_TOOLS_VERSION)
DIST := dist
WIN_CC := x86_64-w64-mingw32-gcc
# `fyne package --release` compiles C with these flags; the Windows smoke check uses the same
# flags and tags so both share one build cache (the cold cross-build of the GL/GLFW C code takes
# ~12 min on 2 cores). Debian's mingw-w64 needs libssp for the stack protector: linked statically,
# so posdesk.exe needs no DLL besides Windows' own.
FYNE_RELEASE_CFLAGS := -O3 -pipe -D_FORTIFY_SOURCE=3 -fstack-protector-strong
WIN_ENV := CC=$(WIN_CC) GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CGO_LDFLAGS=-l:libssp.a

# apt_install installs the packages of $(1) that dpkg does not know as installed.
define apt_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "posdesk: installing$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all run build test bench lint package package-windows-check fuzz reliability reliability-short setup setup-test setup-package go-check fmt-check vet clean

all: build

## run: set up, build and open posdesk on the default database (in the user's config folder).
run: build
	@mkdir -p "$${XDG_CACHE_HOME:-$$HOME/.cache}"
	./$(BIN)

## build: set up and build bin/posdesk.
build: setup
	CGO_ENABLED=1 $(GO) build -o $(BIN) $(PKG)

## test: set up, then gofmt, go vet, the race-enabled tests (unit, storage, screens and the
## end-to-end tests that drive the built binary) and the short reliability run.
test: setup-test fmt-check vet
	CGO_ENABLED=1 $(GO) test -race -timeout 40m ./...

## bench: the benchmark table: every performance target of the project as figure, target and
## PASS/FAIL/NOT RUN (cmd/benchtable runs each benchmark alone and gives its peak RSS). The window's
## start-up is timed on bin/posdesk under Xvfb, signing in with xdotool. Raw output: bin/bench.txt.
BENCH_DEPS := xdotool
bench: setup-test build
	$(call apt_install,$(BENCH_DEPS))
	POSDESK_BIN=$(CURDIR)/$(BIN) $(GO) run ./cmd/benchtable -out bin/bench.txt

## lint: formatting and vet (staticcheck when installed).
lint: fmt-check vet
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed: skipped"; fi

## fuzz: run each fuzz target for FUZZTIME (default 10m); crashers land in testdata/fuzz. Every
## target runs even when one fails; the failed ones are listed at the end (exit 1).
FUZZTIME ?= 10m
fuzz: setup-test
	@failed=""; for pkg in $$($(GO) list ./internal/...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$pkg.$$f"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz targets that failed:$$failed"; exit 1; fi

## reliability: the full reliability run (internal/reliability): RELIABILITY_CYCLES kill -9
## cycles (1,000), RELIABILITY_CARDS card numbers seeded for the leak scan (10,000), disk full on
## every write path, 2 and 4 processes writing RELIABILITY_WRITES changes each at once (500),
## read-only databases, the bad-input catalogue; prints the figures. `make test` runs the short
## run (50 cycles, 500 numbers, 60 writes).
RELIABILITY_CYCLES ?= 1000
RELIABILITY_CARDS ?= 10000
RELIABILITY_WRITES ?= 500
reliability: setup-test
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) test -c -o bin/reliability.test ./internal/reliability
	cd internal/reliability && RELIABILITY_CYCLES=$(RELIABILITY_CYCLES) RELIABILITY_CARDS=$(RELIABILITY_CARDS) RELIABILITY_WRITES=$(RELIABILITY_WRITES) \
		../../bin/reliability.test -test.count 1 -test.timeout 180m 2>&1 | tee ../../bin/reliability.txt; exit $${PIPESTATUS[0]}

## reliability-short: the short run of `make test` alone, with its figures printed.
reliability-short:
	$(MAKE) reliability RELIABILITY_CYCLES=50 RELIABILITY_CARDS=500 RELIABILITY_WRITES=60

## package: set up, then build dist/posdesk.tar.xz (Linux: binary, icon, .desktop file and a
## Makefile that installs them) and dist/posdesk.exe (Windows 10 or later, 64-bit, no console,
## icon and version from FyneApp.toml). Cold (empty Go build cache): 25-40 min on 2 cores;
## warm: about a minute.
package: setup-package $(FYNE)
	@mkdir -p $(DIST)
	@set -e; trap 'rm -f cmd/posdesk/FyneApp.toml cmd/posdesk/posdesk cmd/posdesk/posdesk.tar.xz cmd/posdesk/posdesk.exe' EXIT; \
	toml() { sed 's|^\( *Icon *= *\).*|\1"$(CURDIR)/assets/icon.png"|' FyneApp.toml > cmd/posdesk/FyneApp.toml; }; \
	echo "posdesk: Linux package"; toml; \
	(cd cmd/posdesk && "$(CURDIR)/$(FYNE)" package --os linux --release --icon "$(CURDIR)/assets/icon.png"); \
	tmp=$$(mktemp -d); tar -xJf cmd/posdesk/posdesk.tar.xz -C $$tmp; \
	sed -i '/^Icon := ".*\.png"$$/!s/^Icon := "\(.*\)"$$/Icon := "\1.png"/' $$tmp/posdesk/Makefile; \
	tar -cJf $(DIST)/posdesk.tar.xz --owner=0 --group=0 -C $$tmp posdesk; rm -rf $$tmp; \
	echo "posdesk: Windows executable (mingw-w64)"; toml; \
	(cd cmd/posdesk && $(WIN_ENV) "$(CURDIR)/$(FYNE)" package --os windows --release --icon "$(CURDIR)/assets/icon.png"); \
	mv cmd/posdesk/posdesk.exe $(DIST)/posdesk.exe
	@file $(DIST)/posdesk.exe | grep -q 'PE32+ executable (GUI) x86-64' || { file $(DIST)/posdesk.exe; echo "posdesk.exe is not a 64-bit Windows GUI program"; exit 1; }
	@ls -l $(DIST)

## package-windows-check: CI-sized check that posdesk still builds for Windows: go vet of
## internal/ for Windows, then the mingw-w64 cross-build of cmd/posdesk with the flags of
## `make package` (cold ~12 min on 2 cores, seconds with a warm build cache).
package-windows-check: setup-package
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet $$($(GO) list ./internal/... | grep -v /internal/reliability)
	$(WIN_ENV) CGO_CFLAGS="$(FYNE_RELEASE_CFLAGS)" $(GO) build -trimpath -tags release,migrated_fynedo \
		-ldflags "-s -w -H=windowsgui" -o bin/posdesk-check.exe $(PKG)
	@file bin/posdesk-check.exe | grep -q 'PE32+ executable (GUI) x86-64' && rm -f bin/posdesk-check.exe

# $(FYNE) is the fyne CLI, built from its module (`go install ...@version` also works where the
# module proxy serves version lists). GOTOOLCHAIN keeps the toolchain go.mod asks for.
$(FYNE):
	@mkdir -p bin
	@set -e; tc=$$($(GO) env GOVERSION); dir=$$(cd / && GOTOOLCHAIN=$$tc $(GO) mod download -json fyne.io/tools@$(FYNE_TOOLS_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	echo "posdesk: building the fyne CLI $(FYNE_TOOLS_VERSION)"; \
	cd "$$dir" && GOTOOLCHAIN=$$tc CGO_ENABLED=0 $(GO) build -o "$(CURDIR)/$(FYNE)" ./cmd/fyne

setup: go-check
	$(call apt_install,$(BUILD_DEPS))

setup-test: go-check
	$(call apt_install,$(TEST_DEPS))

setup-package: go-check
	$(call apt_install,$(PACKAGE_DEPS))

# go-check installs Debian's Go when there is none; go.mod's `go` line then makes it fetch the
# exact toolchain from the Go module proxy.
go-check:
	@command -v $(GO) >/dev/null || { \
		echo "posdesk: Go not found, installing golang-go"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go; }

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

clean:
	rm -rf bin dist
