# bench/bench.mk - `make bench`: every benchmark prints its figures beside
# the named peer's, in one run, with the ratio (bench/README.md). The
# recursive make builds the peers only after install-deps brought them.
include bench/numbers/Makefile.inc

.PHONY: bench
bench: deps
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory bench-numbers
