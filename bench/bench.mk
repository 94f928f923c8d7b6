# bench/bench.mk - `make bench`: every benchmark prints its figures beside
# the named peer's, in one run, with the ratio (bench/README.md). The
# recursive make builds the peers only after install-deps brought them.
# BENCH_CPU: the core single-threaded benchmarks are pinned to.
BENCH_CPU ?= 0
export BENCH_CPU
include bench/numbers/Makefile.inc
include bench/http/Makefile.inc
include bench/check/Makefile.inc
include bench/reputation/Makefile.inc
include bench/stir/Makefile.inc
include bench/store/Makefile.inc
include bench/sip/Makefile.inc

.PHONY: bench
bench: deps
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory bench-numbers
	@$(MAKE) --no-print-directory bench-check
	@$(MAKE) --no-print-directory bench-reputation
	@$(MAKE) --no-print-directory bench-store
	@$(MAKE) --no-print-directory bench-sip
	@$(MAKE) --no-print-directory bench-stir
	@$(MAKE) --no-print-directory bench-http
