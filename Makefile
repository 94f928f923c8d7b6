# callsift - plain GNU Makefile (STYLE.md: no generator underneath).
#
#   make               build/callsift and build/libcallsift.a
#   make run           install deps, build, start the server on 127.0.0.1:8080
#   make test          install deps, build, check style, run every test
#                      (unit tests normally and under ASan+UBSan, CLI tests)
#   make bench         benchmarks against the named peers (bench/README.md)
#   make fuzz          libFuzzer targets, FUZZ_TIME seconds each
#   make install       PREFIX=/usr/local (DESTDIR honoured)
#   make numbering-data  regenerate src/number/gen_*.c from libphonenumber
#   make check-style   clang-format and banned calls

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
CLANG      ?= clang
BUILD      := build
OPT        ?= -O2 -g
FUZZ_TIME  ?= 60

# Debian packages found through pkg-config; grows as modules land.
PKGS       := libutf8proc libhs libpsl jansson sqlite3 libcrypto libcurl \
              libmicrohttpd
PKG_CFLAGS := $(if $(PKGS),$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS   := $(if $(PKGS),$(shell pkg-config --libs $(PKGS)))

WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wno-missing-field-initializers \
              -Wno-format-truncation
CPPFLAGS   := -Iinclude -Isrc -D_DEFAULT_SOURCE -DSIFT_VERSION='"$(VERSION)"' \
              -DSIFT_DATADIR='"$(PREFIX)/share/callsift"'
ALL_CFLAGS := -std=c11 $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) \
              -MMD -MP
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
LIBS       := $(PKG_LIBS) -lm -lpthread

LIB_SRC    := $(sort $(wildcard src/util/*.c src/number/*.c src/text/*.c \
                src/orgs/*.c src/stir/*.c src/engine/*.c src/store/*.c \
                src/reputation/*.c src/record/*.c))
CLI_SRC    := $(sort $(wildcard src/cli/*.c src/server/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ   := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
ASAN_LIB   := $(LIB_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_CLI   := $(CLI_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_UNIT  := $(UNIT_SRC:%.c=$(BUILD)/asan/%.o)
# The library again with its stages timed inside the check (util/stages.h),
# for bench-check only.
STAGE_LIB  := $(LIB_SRC:%.c=$(BUILD)/stages/%.o)

.PHONY: all run test test-build unit bench fuzz install numbering-data eval \
        examples \
        signal-docs \
        check-style deps clean pkg-check

all: pkg-check $(BUILD)/callsift $(BUILD)/libcallsift.a

pkg-check:
	@[ -z "$(PKGS)" ] || pkg-config --exists $(PKGS) || { echo "missing libraries:" \
	    "run scripts/install-deps (or make run / make test)"; exit 1; }

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -c $< -o $@

$(BUILD)/stages/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DSIFT_STAGE_TIMING -c $< -o $@

$(BUILD)/stages/libcallsift.a: $(STAGE_LIB)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libcallsift.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/libcallsift.a: $(ASAN_LIB)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/callsift: $(CLI_OBJ) $(BUILD)/libcallsift.a
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(BUILD)/libcallsift.a $(LIBS)

$(BUILD)/asan/callsift: $(ASAN_CLI) $(BUILD)/asan/libcallsift.a
	$(CC) $(OPT) $(SAN) -o $@ $(ASAN_CLI) $(BUILD)/asan/libcallsift.a $(LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libcallsift.a
	$(CC) $(OPT) -o $@ $(UNIT_OBJ) $(BUILD)/libcallsift.a $(LIBS)

$(BUILD)/asan/unit-tests: $(ASAN_UNIT) $(BUILD)/asan/libcallsift.a
	$(CC) $(OPT) $(SAN) -o $@ $(ASAN_UNIT) $(BUILD)/asan/libcallsift.a $(LIBS)

deps:
	@scripts/install-deps

# Explain a few example caller IDs, the seed's first.
examples: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-examples $(BUILD)/callsift

# Detection and false positives on the labelled cases and public SMS sets.
eval: deps
	@$(MAKE) --no-print-directory all $(BUILD)/eval $(BUILD)/eval-urls
	@$(BUILD)/eval $(CURDIR) $(CURDIR)/../shared/data
	@echo
	@echo "URL extraction alone (text module, no organisations):"
	@$(BUILD)/eval-urls $(CURDIR)/../shared/data/jpcert-phishurl

$(BUILD)/eval: $(BUILD)/obj/tests/eval/eval.o $(BUILD)/libcallsift.a
	$(CC) $(OPT) -o $@ $< $(BUILD)/libcallsift.a $(LIBS)

$(BUILD)/eval-urls: bench/eval-urls.c $(BUILD)/libcallsift.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcallsift.a $(LIBS)

# Regenerate docs/signals/ from data/signals.tsv and data/rules.
signal-docs:
	/usr/bin/python3 scripts/gen-signal-docs

# run and test install the packages first, then build in a second make so
# pkg-config sees what was just installed.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-server $(BUILD)/callsift

# The whole suite: style, unit tests (plain and sanitized), CLI tests.
# tests/run prints TAP per suite and ends with "N passed, N failed".
test: deps
	@scripts/install-deps test browser sip
	@$(MAKE) --no-print-directory test-build
	@tests/run

test-build: all $(BUILD)/unit-tests $(BUILD)/asan/unit-tests \
            $(BUILD)/asan/callsift

unit: $(BUILD)/unit-tests
	@SIFT_TEST_ROOT=$(CURDIR) $(BUILD)/unit-tests

check-style:
	@scripts/check-style

numbering-data:
	@scripts/install-deps data
	/usr/bin/python3 scripts/gen-numbering

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include/callsift \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BUILD)/callsift $(DESTDIR)$(PREFIX)/bin/callsift
	install -m 644 $(BUILD)/libcallsift.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/callsift.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/callsift/*.h $(DESTDIR)$(PREFIX)/include/callsift/
	install -d $(DESTDIR)$(PREFIX)/share/callsift/rules \
	    $(DESTDIR)$(PREFIX)/share/callsift/orgs
	install -m 644 data/signals.tsv data/callsift.conf data/watchlist \
	    data/advice.tsv data/helplines data/urls.conf \
	    $(DESTDIR)$(PREFIX)/share/callsift/
	install -m 644 data/rules/*.rules $(DESTDIR)$(PREFIX)/share/callsift/rules/
	install -m 644 data/orgs/*.orgs $(DESTDIR)$(PREFIX)/share/callsift/orgs/
	install -d $(DESTDIR)$(PREFIX)/share/callsift/web
	install -m 644 web/index.html web/app.js web/app.css web/favicon.svg \
	    $(DESTDIR)$(PREFIX)/share/callsift/web/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@PKGS@|$(PKGS)|g' callsift.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/callsift.pc

include bench/bench.mk
include tests/fuzz/fuzz.mk

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/obj/tests/eval/eval.d
-include $(ASAN_LIB:.o=.d) $(ASAN_CLI:.o=.d) $(ASAN_UNIT:.o=.d)
-include $(STAGE_LIB:.o=.d)
