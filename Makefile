# atlasplot — build with `make`, test with `make test`. V=1 shows the commands.
PREFIX   ?= /usr/local
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter
CPPFLAGS += -Isrc -Ibuild
LDLIBS   += -lOSMesa -lEGL -lpng -lz -ljpeg -lm -lpthread
VERSION  := 0.1.0

BUILD    := build
LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SHADERS  := $(wildcard shaders/*.glsl)
DEP      := $(LIB_OBJ:.o=.d) $(BUILD)/main.d $(TEST_BIN:=.d)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all test bench golden clean install deps demo fuzz check-asan

all: atlasplot

atlasplot: $(BUILD)/main.o $(BUILD)/libatlasplot.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libatlasplot.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -DAP_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP -c -o $@ $<

# Shaders are real files, embedded as NUL-terminated strings; the renderer depends on them.
$(BUILD)/shaders.h: $(SHADERS) scripts/embed_shaders.sh | $(BUILD)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)sh scripts/embed_shaders.sh $(SHADERS) > $@.tmp && mv $@.tmp $@
$(BUILD)/render.o: $(BUILD)/shaders.h

$(BUILD)/tests/%: tests/%.c $(BUILD)/libatlasplot.a | $(BUILD)
	@$(if $(Q),echo "  CC      $<")
	$(Q)mkdir -p $(BUILD)/tests && $(CC) $(CPPFLAGS) -Itests $(CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libatlasplot.a $(LDLIBS)

$(BUILD):
	$(Q)mkdir -p $(BUILD)

# Installs (apt) or checks what the build, tests and data need; fetches MNIST.
deps:
	$(Q)sh scripts/deps.sh

test: deps all $(TEST_BIN)
	$(Q)sh tests/run.sh

golden: all
	$(Q)sh tests/sh_golden.sh --regenerate

bench: deps
	$(Q)$(MAKE) --no-print-directory atlasplot OPT=-O3
	$(Q)sh scripts/bench.sh

demo: deps all
	$(Q)sh scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 atlasplot $(DESTDIR)$(PREFIX)/bin/atlasplot
	install -m 644 doc/atlasplot.1 $(DESTDIR)$(PREFIX)/share/man/man1/atlasplot.1

clean:
	rm -rf $(BUILD) atlasplot tests/out

-include $(DEP)
