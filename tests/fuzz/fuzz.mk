# tests/fuzz/fuzz.mk - `make fuzz`: each libFuzzer target runs FUZZ_TIME
# seconds under ASan and UBSan (clang), with the seeds in
# tests/fuzz/seeds/<target>. Crashes land in build/fuzz/crash-<target>/.
#   make fuzz FUZZ_TIME=600            every target, 10 minutes each
#   make fuzz FUZZ_TARGETS=fuzz-number one target
FUZZ_TARGETS ?= $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_CFLAGS  := -std=c11 -g -O1 $(CPPFLAGS) $(PKG_CFLAGS) \
                -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all -MMD -MP
FUZZ_LINK    := -fsanitize=fuzzer,address,undefined
FUZZ_OBJ     := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/libcallsift.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libcallsift.a
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_LINK) -o $@ $< \
	    $(BUILD)/fuzz/libcallsift.a $(LIBS)


fuzz: deps
	@scripts/install-deps fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz/corpus-$$t $(BUILD)/fuzz/crash-$$t; \
	    echo "fuzz: $$t for $(FUZZ_TIME)s"; \
	    $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	        -print_final_stats=1 \
	        -artifact_prefix=$(BUILD)/fuzz/crash-$$t/ \
	        $(BUILD)/fuzz/corpus-$$t tests/fuzz/seeds/$$t \
	        || exit 1; \
	done

# fuzz-http-body drives the HTTP API's handlers (src/server), which are
# not in the library: it links the server's objects as well.
FUZZ_SERVER_OBJ := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,\
                     $(wildcard src/server/*.c))
$(BUILD)/fuzz/fuzz-http-body: tests/fuzz/fuzz-http-body.c $(FUZZ_SERVER_OBJ) \
                              $(BUILD)/fuzz/libcallsift.a
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_LINK) -o $@ $< $(FUZZ_SERVER_OBJ) \
	    $(BUILD)/fuzz/libcallsift.a $(LIBS)

# fuzz-batch-lines drives the CLI's line reader, built with a 16-byte read
# so one input moves and grows its buffer many times.
$(BUILD)/fuzz/fuzz-batch-lines: tests/fuzz/fuzz-batch-lines.c src/cli/lines.c \
                                $(BUILD)/fuzz/libcallsift.a
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_LINK) -DREAD_CHUNK=16 -o $@ $< \
	    src/cli/lines.c $(BUILD)/fuzz/libcallsift.a $(LIBS)

# Objects follow their headers (an object built against an older header
# links against functions that are no longer there, or lays out a struct
# the library no longer has). The server's objects too: one built before
# struct sift_reputation_stats grew made ASan report an overflow that was
# not in the code.
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_SERVER_OBJ:.o=.d) \
         $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%.d)
