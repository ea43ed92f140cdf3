# One entry point for humans and CI. `make test` is the test command: it
# installs the real SIP peers (Kamailio, SIPp) if missing, so the
# integration tests run instead of skipping.

GO        ?= go
FUZZTIME  ?= 10s
# `make test` fuzzes every target this many inputs after the tests, so that
# CI explores beyond the seed corpus (20 targets: about 2 min on 2 cores).
# A count, not a duration: Go 1.26's fuzz coordinator can report a bare
# "context deadline exceeded" when a duration runs out under load
# (golang/go#75804, fixed in Go 1.27), which would fail CI for nothing.
TEST_FUZZTIME ?= 10000x
# How long the fuzzer may shrink each new interesting input (Go's default
# is 60 s each); make test bounds it by a count too, so a slow target
# (FuzzWriteText renders every output) cannot spend minutes on it.
FUZZMINIMIZETIME ?= 60s
TEST_FUZZMINIMIZETIME ?= 1000x
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
DATADIR   ?= $(PREFIX)/share
# A skipped integration test is a failure in CI (internal/testpeers.Require);
# `make test` always means "run everything".
export CI ?= 1

.PHONY: all build release install man test deps vet fuzz

all: build

# urfave_cli_no_docs leaves urfave/cli's markdown and roff generators (and
# their package init) out of the binary; `sipprobe man` prints the page
# kept in cmd/sipprobe/sipprobe.1, which a test holds to the flags.
TAGS ?= urfave_cli_no_docs

build:
	$(GO) build -buildvcs=auto -tags '$(TAGS)' -o sipprobe ./cmd/sipprobe

# What a monitoring server installs, which starts it thousands of times a
# minute: no file paths of the build machine, no symbol table or DWARF (a
# smaller file to map), and static (CGO_ENABLED=0: no dynamic loader and
# libc to map at every start; names resolve with Go's own resolver, which
# reads /etc/hosts and resolv.conf but not nsswitch modules such as mDNS).
# Panics still print stack traces.
RELEASE_BIN ?= sipprobe
release:
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -trimpath -tags '$(TAGS)' -ldflags='-s -w' -o $(RELEASE_BIN) ./cmd/sipprobe

# The man page and the completion scripts come from the binary itself
# (sipprobe man, sipprobe completion SHELL), so they match its flags.
man: build
	./sipprobe man > sipprobe.1

install: build man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 0755 sipprobe $(DESTDIR)$(BINDIR)/sipprobe
	install -m 0644 sipprobe.1 $(DESTDIR)$(MANDIR)/sipprobe.1
	./sipprobe completion bash > $(DESTDIR)$(DATADIR)/bash-completion/completions/sipprobe
	./sipprobe completion zsh > $(DESTDIR)$(DATADIR)/zsh/site-functions/_sipprobe
	./sipprobe completion fish > $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sipprobe.fish

deps:
	./scripts/install-test-deps.sh

vet:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -count=1 -timeout 20m ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME) FUZZMINIMIZETIME=$(TEST_FUZZMINIMIZETIME)

# Every Fuzz* target in the repo, FUZZTIME each. go test -fuzz takes one
# target in one package per run, so list them first.
fuzz:
	@set -e; \
	for file in $$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' .); do \
		dir=$$(dirname "$$file"); \
		for name in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$file" | cut -d' ' -f2); do \
			echo "== $$dir $$name"; \
			$(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) "./$$dir"; \
		done; \
	done
