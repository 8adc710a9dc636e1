# atlasplot — build with `make`, test with `make test`. V=1 shows the commands.
PREFIX   ?= /usr/local
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter
# Every object can go into libatlasplot.so, which exports the public API (AP_API in
# include/atlasplot.h) and nothing else; override: a CFLAGS given on the command line
# (check-asan's) keeps these.
override CFLAGS += -fPIC -fvisibility=hidden
CPPFLAGS += -Isrc -Iinclude -I$(BUILD)
LDLIBS   += -lpng -lz -ljpeg -lm -lpthread -ldl
# The text layer (src/text/) alone sees Cairo, Pango and fontconfig. Expanded when used,
# so that `make test` runs scripts/deps.sh (which installs them) first.
TEXT_PKGS   := pangocairo pangoft2 fontconfig
TEXT_CFLAGS  = $(shell pkg-config --cflags $(TEXT_PKGS))
LDLIBS      += $(shell pkg-config --libs $(TEXT_PKGS))
VERSION  := 0.1.0
SOVER    := 0
SONAME   := libatlasplot.so.$(SOVER)
SOLIB     = $(BUILD)/libatlasplot.so
PYDIR    ?= $(PREFIX)/lib/python3/dist-packages
PY_SRC   := $(wildcard python/atlasplot/*.py)

BUILD    ?= build
BIN      ?= atlasplot
LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c src/*/*/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
# NO_GL=1: the cpu backend alone, built with tests/nogl first on the include path, whose
# GL, EGL and OSMesa headers are #errors: so the build itself proves that nothing
# outside src/draw/gl/ includes one (tests/sh_nogl.sh does it in make test).
ifeq ($(NO_GL),1)
LIB_SRC  := $(filter-out src/draw/gl/%,$(LIB_SRC))
TEST_SRC := $(filter-out tests/test_render.c,$(TEST_SRC))
CPPFLAGS += -DAP_NO_GL -Itests/nogl
endif
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SHADERS  := $(wildcard shaders/*.glsl)
DEP      := $(LIB_OBJ:.o=.d) $(BUILD)/cli/main.d $(TEST_BIN:=.d)

ifeq ($(V),1)
Q :=
else
Q := @
endif

FUZZ         := idx npy csv png zdef jpeg manifest
FUZZ_SECONDS ?= 30
# The harnesses link the layers under io/ from source (built with the fuzzer's instrumentation),
# all of them, so that a new module a reader calls cannot leave `make fuzz` unlinkable.
FUZZ_SRC     := $(sort $(wildcard src/base/*.c src/core/*.c src/io/*.c))
REPLAY_BIN   := $(FUZZ:%=$(BUILD)/replay/replay_%)

.PHONY: all test bench golden clean install uninstall deps demo fuzz check-asan valgrind layers gpu-check

# NO_SO=1 (check-asan): no shared library, so no Python tests: an instrumented .so
# would need the sanitizer's runtime preloaded into python3.
ifeq ($(NO_SO),1)
all: $(BIN)
else
all: $(BIN) $(SOLIB)
endif

$(BIN): $(BUILD)/cli/main.o $(BUILD)/libatlasplot.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libatlasplot.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# The shared library (every layer but cli/): its SONAME, the links a build tree and an install need.
$(SOLIB): $(filter-out $(BUILD)/cli/%,$(LIB_OBJ))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,-z,defs -o $@.$(VERSION) $^ $(LDLIBS) && \
		ln -sf libatlasplot.so.$(VERSION) $(BUILD)/$(SONAME) && ln -sf libatlasplot.so.$(VERSION) $@

$(BUILD)/%.o: src/%.c | $(BUILD)
	@$(if $(Q),echo "  CC      $<")
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) -DAP_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP -c -o $@ $<

# Shaders are real files, embedded as NUL-terminated strings; the renderer depends on them.
$(BUILD)/draw/gl/shaders.h: $(SHADERS) scripts/embed_shaders.sh | $(BUILD)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)mkdir -p $(@D) && sh scripts/embed_shaders.sh $(SHADERS) > $@.tmp && mv $@.tmp $@
$(BUILD)/draw/gl/render.o: $(BUILD)/draw/gl/shaders.h
$(BUILD)/text/%.o: CPPFLAGS += $(TEXT_CFLAGS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libatlasplot.a | $(BUILD)
	@$(if $(Q),echo "  CC      $<")
	$(Q)mkdir -p $(BUILD)/tests && $(CC) $(CPPFLAGS) -Itests $(CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libatlasplot.a $(LDLIBS)

$(BUILD):
	$(Q)mkdir -p $(BUILD)

# Installs (apt) or checks what the build, tests and data need; fetches MNIST.
deps:
	$(Q)sh scripts/deps.sh

test: deps layers all $(TEST_BIN) $(REPLAY_BIN)
	$(Q)BUILD=$(BUILD) NO_SO=$(NO_SO) AP=$(CURDIR)/$(BIN) sh tests/run.sh

# The layer rules of src/README.md: includes by folder, GL headers only in draw/gl,
# no I/O, environment or threads in base/ and core/ (scripts/layers.sh).
layers:
	$(Q)sh scripts/layers.sh

# Every kept fuzz input, replayed through its harness by `make test` (tests/sh_fuzz_replay.sh).
$(BUILD)/replay/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libatlasplot.a
	@$(if $(Q),echo "  CC      $@")
	$(Q)mkdir -p $(BUILD)/replay && $(CC) $(CPPFLAGS) $(CFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(BUILD)/libatlasplot.a $(LDLIBS)

# libFuzzer: each harness for FUZZ_SECONDS (default 30); findings land in tests/fuzz/regress/NAME/.
fuzz: deps
	$(Q)for f in $(FUZZ); do \
		mkdir -p build/fuzz/corpus_$$f tests/fuzz/regress/$$f && \
		clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c11 \
			-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -Itests/fuzz tests/fuzz/fuzz_$$f.c $(FUZZ_SRC) \
			-lpng -lz -ljpeg -lm -o build/fuzz/fuzz_$$f || exit 1; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/regress/$$f/ build/fuzz/corpus_$$f tests/fuzz/seeds/$$f \
			2>build/fuzz/$$f.log || { tail -40 build/fuzz/$$f.log; exit 1; }; \
		grep -E "stat::number_of_executed_units" build/fuzz/$$f.log; \
	done

# The whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer, by clang:
# gcc's -fsanitize=undefined leaves out float-cast-overflow (a double out of an integer's
# range), the class of bug an input value of 1e300 would reach.
SAN := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan: deps
	$(Q)$(MAKE) --no-print-directory test CC=clang BUILD=build-asan BIN=build-asan/atlasplot NO_SO=1 \
		CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
		ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

# One MNIST render under valgrind memcheck: no errors, no leaks of ours.
valgrind: deps all
	$(Q)sh tests/valgrind.sh
golden: all
	$(Q)sh tests/sh_golden.sh --regenerate

# The benchmark runs the normal optimised build (-O2).
bench: deps all
	$(Q)sh scripts/bench.sh

# On a GPU node: EGL devices, an egl frame against cpu, 120-frame transition timings
# (scripts/gpu_check.sh; GPU_CHECK_SHORT=1 is the short form make test runs).
gpu-check: deps all
	$(Q)sh scripts/gpu_check.sh

demo: deps all
	$(Q)sh scripts/demo.sh

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, the man page, the bash
# completion, the public header, libatlasplot.so (with its SONAME link) and .a, the
# pkg-config file and the Python package (PYDIR, default PREFIX/lib/python3/dist-packages);
# make uninstall removes those files (not the folders).
# the pkg-config file, for the PREFIX of this install
PC_LINES = 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' 'Name: atlasplot' \
	'Description: images drawn at their 2-D layout coordinates' 'Version: $(VERSION)' \
	'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -latlasplot' 'Libs.private: $(LDLIBS)'

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PYDIR)/atlasplot
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/atlasplot
	install -m 644 doc/atlasplot.1 $(DESTDIR)$(PREFIX)/share/man/man1/atlasplot.1
	install -m 644 doc/atlasplot.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/atlasplot
	install -m 644 include/atlasplot.h $(DESTDIR)$(PREFIX)/include/atlasplot.h
ifneq ($(NO_SO),1)
	install -m 755 $(SOLIB).$(VERSION) $(DESTDIR)$(PREFIX)/lib/libatlasplot.so.$(VERSION)
	ln -sf libatlasplot.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf libatlasplot.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libatlasplot.so
endif
	install -m 644 $(BUILD)/libatlasplot.a $(DESTDIR)$(PREFIX)/lib/libatlasplot.a
	printf '%s\n' $(PC_LINES) >$(DESTDIR)$(PREFIX)/lib/pkgconfig/atlasplot.pc
	install -m 644 $(PY_SRC) $(DESTDIR)$(PYDIR)/atlasplot/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/atlasplot $(DESTDIR)$(PREFIX)/share/man/man1/atlasplot.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/atlasplot \
		$(DESTDIR)$(PREFIX)/include/atlasplot.h $(DESTDIR)$(PREFIX)/lib/libatlasplot.so.$(VERSION) \
		$(DESTDIR)$(PREFIX)/lib/$(SONAME) $(DESTDIR)$(PREFIX)/lib/libatlasplot.so \
		$(DESTDIR)$(PREFIX)/lib/libatlasplot.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/atlasplot.pc \
		$(patsubst python/%,$(DESTDIR)$(PYDIR)/%,$(PY_SRC))
	rm -rf $(DESTDIR)$(PYDIR)/atlasplot/__pycache__

clean:
	rm -rf build build-asan atlasplot tests/out

-include $(DEP)
