# tests/fuzz/fuzz.mk - `make fuzz`: each libFuzzer target runs FUZZ_TIME
# seconds under ASan and UBSan (clang). Crashes land in build/fuzz/.
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_FLAGS   := -std=c11 -g -O1 $(CPPFLAGS) $(PKG_CFLAGS) \
                -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LIBS)

fuzz: deps
	@scripts/install-deps fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz/corpus-$$t $(BUILD)/fuzz/crash-$$t; \
	    echo "fuzz: $$t for $(FUZZ_TIME)s"; \
	    $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	        -artifact_prefix=$(BUILD)/fuzz/crash-$$t/ \
	        $(BUILD)/fuzz/corpus-$$t tests/fuzz/seeds/$$t \
	        || exit 1; \
	done
