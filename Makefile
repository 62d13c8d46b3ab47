# jumboagent: one non-recursive Makefile for the agent, its tests and the demo.
#
#   make            build build/jumboagent (and libopenvswitch if needed)
#   make deps       install the Debian packages needed to build and test
#   make check      deps + build + the whole suite, plain and under ASan/UBSan
#   make demo       deps + build + a throwaway lab + jumboagent on it
#   make install    install to $(DESTDIR)$(PREFIX)
#   make clean
#
# B is the build directory; SANITIZE=1 builds with ASan and UBSan.

PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DATADIR    ?= $(PREFIX)/share/jumboagent
B          ?= build
OVS_BUILD  ?= build/ovs
SANITIZE   ?=
V          ?=

CC         ?= gcc
PKG_CONFIG ?= pkg-config
SRCDIR     := $(CURDIR)
NPROC      := $(shell nproc 2>/dev/null || echo 2)

ifeq ($(V),)
Q := @
else
Q :=
endif

WARNINGS  := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) \
             -DDATADIR='"$(DATADIR)"' -DSRCDIR='"$(SRCDIR)"' \
             -DSYSCONFDIR='"$(SYSCONFDIR)"' \
             $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-route-3.0 json-c 2>/dev/null)
LIBS       = $(shell $(PKG_CONFIG) --libs libnl-3.0 libnl-route-3.0 json-c 2>/dev/null)

ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
endif

# libopenvswitch: a system one if pkg-config knows it, else our own build of
# Debian's openvswitch-source (build-aux/ovs-lib.sh).  Either way the static
# archive is folded into vswitch.o (see its rule).
ifeq ($(shell $(PKG_CONFIG) --exists libopenvswitch 2>/dev/null && echo y),y)
OVS_CFLAGS  := $(shell $(PKG_CONFIG) --cflags libopenvswitch) -DJUMBOAGENT_SYSTEM_OVS
OVS_ARCHIVE := $(shell $(PKG_CONFIG) --variable=libdir libopenvswitch)/libopenvswitch.a
OVS_LIBS    := $(filter-out -lopenvswitch,$(shell $(PKG_CONFIG) --static --libs libopenvswitch))
OVS_DEP     :=
else
OVS_SRC     := $(OVS_BUILD)/openvswitch
OVS_CFLAGS  := -I$(OVS_SRC) -I$(OVS_SRC)/include -I$(OVS_SRC)/lib
OVS_ARCHIVE := $(OVS_SRC)/lib/.libs/libopenvswitch.a
OVS_LIBS    := -lssl -lcrypto -latomic -lm
OVS_DEP     := $(OVS_BUILD)/.built-from
endif

AGENT_SRCS := $(wildcard agent/*.c)
CORE_SRCS  := $(filter-out agent/main.c,$(AGENT_SRCS))
CORE_OBJS  := $(CORE_SRCS:%.c=$(B)/%.o)
UNIT_SRCS  := $(wildcard tests/unit/test-*.c)
UNIT_BINS  := $(UNIT_SRCS:%.c=$(B)/%)
UNIT_LIB   := $(filter-out tests/unit/test-%.c,$(wildcard tests/unit/*.c))
LAB_SRCS   := $(wildcard tests/lab/*.c)
LAB_BINS   := $(LAB_SRCS:%.c=$(B)/%)

.PHONY: all deps check check-unit check-lab demo install clean ovs-lib tests FORCE
.DELETE_ON_ERROR:

all: $(B)/jumboagent

deps:
	$(Q)build-aux/deps.sh

# ovs-lib.sh returns at once while the stamp matches the installed
# openvswitch-source version, and rebuilds after an upgrade of it; the stamp
# only changes then, so vswitch.o is rebuilt only then.
ovs-lib: $(OVS_DEP)
$(OVS_BUILD)/.built-from: FORCE
	$(Q)build-aux/ovs-lib.sh $(OVS_BUILD)
FORCE:

$(B)/libjumbo.a: $(CORE_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# vswitch.o carries the parts of the static libopenvswitch.a that it uses
# (ld -r), with every symbol but vswitch_* made local: OVS's lib/util.o
# defines xmalloc(), xstrdup()... as agent/util.c does, and OVS's lib/json.o
# defines a json_object_put() that is not json-c's; linked side by side they
# clash or, worse, bind json-c callers to OVS's function.
$(B)/agent/vswitch.o: agent/vswitch.c $(OVS_DEP) $(wildcard agent/*.h) $(B)/paths.stamp
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(OVS_CFLAGS) -Wno-missing-prototypes -c $< -o $(@:.o=-only.o)
	$(Q)$(LD) -r -o $(@:.o=-ovs.o) $(@:.o=-only.o) $(OVS_ARCHIVE)
	$(Q)objcopy --wildcard --keep-global-symbol='vswitch_*' $(@:.o=-ovs.o) $@
	$(Q)rm -f $(@:.o=-only.o) $(@:.o=-ovs.o)

# The install paths are compiled in: objects are rebuilt when they change
# (make install PREFIX=/usr after a plain make must not keep /usr/local).
$(B)/paths.stamp: FORCE
	@mkdir -p $(@D)
	@echo 'DATADIR=$(DATADIR) SYSCONFDIR=$(SYSCONFDIR) SRCDIR=$(SRCDIR)' >$@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(B)/%.o: %.c $(wildcard agent/*.h tests/unit/*.h) $(B)/paths.stamp
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iagent -c $< -o $@

$(B)/jumboagent: $(B)/agent/main.o $(B)/libjumbo.a $(OVS_DEP)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(B)/agent/main.o $(B)/libjumbo.a $(OVS_LIBS) $(LIBS)

$(B)/tests/unit/%: tests/unit/%.c $(UNIT_LIB) $(B)/libjumbo.a $(OVS_DEP) $(wildcard agent/*.h tests/unit/*.h)
	@echo "  TEST    $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iagent -Itests/unit -o $@ $< $(UNIT_LIB) $(B)/libjumbo.a $(OVS_LIBS) $(LIBS)

# Lab test drivers (tests/lab/*.c): small programs that the lab scripts run
# against a real ovsdb-server/ovs-vswitchd in a throwaway netns.
$(B)/tests/lab/%: tests/lab/%.c $(B)/libjumbo.a $(OVS_DEP) $(wildcard agent/*.h)
	@echo "  LAB     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iagent -o $@ $< $(B)/libjumbo.a $(OVS_LIBS) $(LIBS)

tests: $(B)/jumboagent $(UNIT_BINS) $(LAB_BINS)

# The test command of README.md: installs what it needs, builds plain and
# sanitized, runs the unit tests in both builds and the lab tests with the
# sanitized binary, and ends with "N passed, N failed".
check: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) B=build tests
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) B=build/san SANITIZE=1 tests
	$(Q)tests/run-tests.sh build build/san

# Only the unit tests (no root, no OVS daemons needed).
check-unit: tests
	$(Q)tests/run-tests.sh --unit-only $(B)

# The main job on an embedded default: a throwaway lab and jumboagent on it.
demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)tests/demo.sh $(B)/jumboagent

install: $(B)/jumboagent
	install -D -m 0755 $(B)/jumboagent $(DESTDIR)$(PREFIX)/sbin/jumboagent
	install -D -m 0644 etc/jumboagent/drivers.json $(DESTDIR)$(DATADIR)/drivers.json
	install -D -m 0644 policy/examples/kvm-ovs.json $(DESTDIR)$(SYSCONFDIR)/jumboagent/policy.json.example
	install -d $(DESTDIR)/lib/systemd/system
	sed -e 's|/usr/local/sbin/|$(PREFIX)/sbin/|' -e 's|/usr/local/share/|$(PREFIX)/share/|' \
	    etc/systemd/system/jumboagent.service >$(DESTDIR)/lib/systemd/system/jumboagent.service
	install -D -m 0644 etc/systemd/system/jumboagent.timer $(DESTDIR)/lib/systemd/system/jumboagent.timer
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/jumboagent/README.md

clean:
	rm -rf build/san build/agent build/tests build/jumboagent build/libjumbo.a

# libFuzzer targets (tests/fuzz/): the policy, the driver table, the host
# model reader with the planner, and the journal reader.  Built with clang
# into their own directory from the pure core only (no vswitch.o, no OVS,
# no netlink), with ASan and UBSan.
#   make fuzz-smoke   each target for FUZZ_SECONDS (default 30) seconds
#   make fuzz         each target for FUZZ_SECONDS (default 600) seconds
# Both print one TAP line per target ("ok - fuzz policy: N execs, cov X"),
# or a skip with the reason where clang cannot build fuzzers.  New inputs
# go to $(FUZZ_B)/corpus/TARGET, never into the seed corpora in the tree.
FUZZ_CC      ?= clang
FUZZ_B       ?= build/fuzz
FUZZ_TARGETS := policy drivers plan journal
FUZZ_CORE    := agent/policy.c agent/drivers.c agent/json-input.c \
                agent/host.c agent/host-json.c agent/util.c agent/error.c \
                agent/name-index.c agent/journal.c $(wildcard agent/plan*.c)
FUZZ_OBJS    := $(FUZZ_CORE:%.c=$(FUZZ_B)/%.o)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(WARNINGS) -Wno-string-concatenation \
                $(FUZZ_SAN) \
                -DDATADIR='"$(DATADIR)"' -DSRCDIR='"$(SRCDIR)"' \
                -DSYSCONFDIR='"$(SYSCONFDIR)"' -Iagent \
                $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
FUZZ_LIBS     = $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null)

.PHONY: fuzz fuzz-smoke fuzz-build bench-scale

$(FUZZ_B)/agent/%.o: agent/%.c $(wildcard agent/*.h)
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_OBJS)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
	    $(FUZZ_LIBS)

.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz-%)

fuzz-smoke:
	$(Q)tests/fuzz/run.sh "$(FUZZ_CC)" "$(FUZZ_B)" "$(or $(FUZZ_SECONDS),30)" \
	    $(FUZZ_TARGETS)

fuzz:
	$(Q)tests/fuzz/run.sh "$(FUZZ_CC)" "$(FUZZ_B)" "$(or $(FUZZ_SECONDS),600)" \
	    $(FUZZ_TARGETS)

# Time of "jumboagent --dry-run" on generated hosts of 1k to 40k ports and
# inputs at the file-size limits (bench/scale.sh; figures, not a test).
bench-scale: $(B)/jumboagent
	$(Q)bench/scale.sh $(B)/jumboagent
