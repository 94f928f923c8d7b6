# bench/bench.mk - `make bench`: every benchmark prints its figures beside
# the named peer's, in one run, with the ratio (bench/README.md).
.PHONY: bench
bench: deps all
	@scripts/install-deps bench
	@echo "no benchmarks yet"
