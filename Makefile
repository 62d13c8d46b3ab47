# jumboagent: one non-recursive Makefile for the agent, its tests and the demo.
#
#   make            build build/jumboagent (and libopenvswitch if needed)
#   make deps       install the Debian packages needed to build and test
#   make check      deps + build + the whole suite, plain and under ASan/UBSan
#   make check-unit build and run the unit tests only (no root, no OVS)
#   make lint       cppcheck, clang-tidy and systemd-analyze verify (each
#                   skipped with the reason where it is missing)
#   make check-valgrind  the lab tests with jumboagent under valgrind
#   make demo       deps + build + a throwaway lab + jumboagent on it
#   make install    install to $(DESTDIR)$(PREFIX)
#   make install-xapi-plugin  the xapi plugin to /etc/xapi.d/plugins
#   make clean      remove what was built in $(B) (never $(OVS_BUILD))
#
# B is the build directory; SANITIZE=1 builds with ASan and UBSan.
#
# The agent is built as three archives, so that each test links only what it
# needs: libjumbo.a, the pure core (models, readers, planner, report,
# journal, apply over the backend of backend.h); libjumbo-kernel.a, the
# kernel adapters (netlink, ethtool, sysfs: libnl, no OVS); libjumbo-live.a,
# OVSDB (vswitch.o, with libopenvswitch folded in), the inventory and the
# live backend.  The unit tests link the first two only.  The program itself
# (main.c, run.c, daemon.c) is linked as objects over the three.

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
            $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-route-3.0 json-c libxml-2.0 2>/dev/null)
# libxml2, libxenstore and libcurl are not linked into jumboagent: it
# loads them when a run needs them (agent/dynlib.h); their headers are all
# the build needs.
LIBS       = $(shell $(PKG_CONFIG) --libs libnl-3.0 libnl-route-3.0 json-c 2>/dev/null)
# The xapi plugin (xapi-plugin/) parses and writes XML-RPC with libxml2.
PLUGIN_LIBS = $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)

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

AGENT_SRCS  := $(wildcard agent/*.c)
LIVE_SRCS   := agent/vswitch.c agent/inventory.c agent/backend-live.c \
               agent/xapi-client.c agent/curl-lib.c agent/pool.c \
               agent/pool-cli.c
KERNEL_SRCS := agent/netlink.c agent/ethtool.c agent/sysfs.c agent/icmp-probe.c \
               agent/verify.c agent/libvirt.c agent/link-monitor.c \
               agent/link-cache.c \
               agent/xen-guest.c
APP_SRCS    := agent/main.c agent/run.c agent/daemon.c
CORE_SRCS   := $(filter-out $(APP_SRCS) $(LIVE_SRCS) $(KERNEL_SRCS),\
                            $(AGENT_SRCS))
CORE_OBJS   := $(CORE_SRCS:%.c=$(B)/%.o)
KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(B)/%.o)
LIVE_OBJS   := $(LIVE_SRCS:%.c=$(B)/%.o)
APP_OBJS    := $(APP_SRCS:%.c=$(B)/%.o)
UNIT_SRCS   := $(wildcard tests/unit/test-*.c)
UNIT_BINS   := $(UNIT_SRCS:%.c=$(B)/%)
UNIT_LIB    := $(filter-out tests/unit/test-%.c,$(wildcard tests/unit/*.c))
UNIT_OBJS   := $(UNIT_LIB:%.c=$(B)/%.o)
LAB_SRCS    := $(wildcard tests/lab/*.c)
LAB_BINS    := $(LAB_SRCS:%.c=$(B)/%)
PLUGIN_SRCS := $(wildcard xapi-plugin/*.c)
PLUGIN_OBJS := $(PLUGIN_SRCS:%.c=$(B)/%.o)

# Header dependencies, as the compiler found them (-MMD -MP): each object
# depends on its .d file too, so that an object built before there was one
# (or whose .d was lost) is rebuilt once; the .d is written before the
# object's time is set, so it never looks newer.
DEP_FILES   := $(patsubst %.c,$(B)/%.d,$(AGENT_SRCS) $(UNIT_SRCS) $(UNIT_LIB) \
                                       $(LAB_SRCS) $(PLUGIN_SRCS))
-include $(DEP_FILES)
$(DEP_FILES): ;
.PRECIOUS: $(DEP_FILES)

.PHONY: all deps check check-unit check-lab check-valgrind demo install clean \
        install-xapi-plugin \
        lint ovs-lib tests FORCE
.DELETE_ON_ERROR:

all: $(B)/jumboagent $(B)/jumboagent-xapi-plugin

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

$(B)/libjumbo-kernel.a: $(KERNEL_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/libjumbo-live.a: $(LIVE_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

LIVE_ARCHIVES := $(B)/libjumbo-live.a $(B)/libjumbo-kernel.a $(B)/libjumbo.a
UNIT_ARCHIVES := $(B)/libjumbo-kernel.a $(B)/libjumbo.a

# vswitch.o carries the parts of the static libopenvswitch.a that it uses
# (ld -r), with every symbol but vswitch_* made local: OVS's lib/util.o
# defines xmalloc(), xstrdup()... as agent/util.c does, and OVS's lib/json.o
# defines a json_object_put() that is not json-c's; linked side by side they
# clash or, worse, bind json-c callers to OVS's function.
$(B)/agent/vswitch.o: agent/vswitch.c $(OVS_DEP) $(B)/paths.stamp \
                      $(B)/agent/vswitch.d
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(OVS_CFLAGS) -Wno-missing-prototypes \
	    -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $(@:.o=-only.o)
	$(Q)$(LD) -r -o $(@:.o=-ovs.o) $(@:.o=-only.o) $(OVS_ARCHIVE)
	$(Q)objcopy --wildcard --keep-global-symbol='vswitch_*' $(@:.o=-ovs.o) $@
	$(Q)rm -f $(@:.o=-only.o) $(@:.o=-ovs.o)

# The install paths are compiled in: objects are rebuilt when they change
# (make install PREFIX=/usr after a plain make must not keep /usr/local).
$(B)/paths.stamp: FORCE
	@mkdir -p $(@D)
	@echo 'DATADIR=$(DATADIR) SYSCONFDIR=$(SYSCONFDIR) SRCDIR=$(SRCDIR)' >$@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(B)/%.o: %.c $(B)/paths.stamp $(B)/%.d
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iagent -Itests/unit -MMD -MP -MF $(@:.o=.Td) \
	    -c $< -o $@
	$(Q)mv -f $(@:.o=.Td) $(@:.o=.d) && touch $@

$(B)/jumboagent: $(APP_OBJS) $(LIVE_ARCHIVES) $(OVS_DEP)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(APP_OBJS) $(LIVE_ARCHIVES) $(OVS_LIBS) $(LIBS) -ldl

# The xapi plugin (installed as /etc/xapi.d/plugins/jumboagent).
$(B)/jumboagent-xapi-plugin: $(PLUGIN_OBJS) $(LIVE_ARCHIVES) $(OVS_DEP)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(PLUGIN_OBJS) $(LIVE_ARCHIVES) $(OVS_LIBS) \
	    $(PLUGIN_LIBS) $(LIBS) -ldl

# Unit tests: no OVS library, no root.  test-xmlrpc also links the
# plugin's XML-RPC object and libxml2.
$(UNIT_BINS): $(B)/tests/unit/%: $(B)/tests/unit/%.o $(UNIT_OBJS) $(UNIT_ARCHIVES)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(filter $(B)/xapi-plugin/%.o,$^) \
	    $(UNIT_OBJS) $(UNIT_ARCHIVES) $(PLUGIN_LIBS) $(LIBS) -ldl
$(B)/tests/unit/test-xmlrpc: $(B)/xapi-plugin/xmlrpc.o

# Lab test drivers (tests/lab/*.c): small programs that the lab scripts run
# against a real ovsdb-server/ovs-vswitchd in a throwaway netns.
$(LAB_BINS): $(B)/tests/lab/%: $(B)/tests/lab/%.o $(LIVE_ARCHIVES) $(OVS_DEP)
	@echo "  LAB     $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIVE_ARCHIVES) $(OVS_LIBS) $(LIBS) -ldl

tests: $(B)/jumboagent $(B)/jumboagent-xapi-plugin $(UNIT_BINS) $(LAB_BINS)

# The test command of README.md: installs what it needs, builds plain and
# sanitized, runs the unit tests in both builds and the lab tests with the
# sanitized binary, and ends with "N passed, N failed".
check: deps
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) B=build tests
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) B=build/san SANITIZE=1 tests
	$(Q)tests/run-tests.sh build build/san

# Static analysis, all clean: cppcheck (build-aux/cppcheck.sh and its
# suppressions, each with why), clang-tidy (.clang-tidy, tests/.clang-tidy;
# one file per run, as its analyzer misreads va_lists across files), and
# systemd-analyze verify on the units with this build's binary.  A missing
# tool is skipped with the reason.
TIDY_SRCS  := $(filter-out agent/vswitch.c,$(AGENT_SRCS)) $(UNIT_SRCS) \
              $(UNIT_LIB) $(wildcard tests/fuzz/*.c) $(PLUGIN_SRCS)
TIDY_FLAGS := -std=gnu11 -Iagent -Itests/unit -DDATADIR='"$(DATADIR)"' \
              -DSRCDIR='"$(SRCDIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
              $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-route-3.0 json-c libxml-2.0 2>/dev/null)
lint: $(B)/jumboagent
	$(Q)if command -v cppcheck >/dev/null; then \
	    echo "  CPPCHECK agent tests"; build-aux/cppcheck.sh; \
	else echo "lint: SKIP cppcheck: not installed (apt-get install cppcheck)"; fi
	$(Q)if command -v clang-tidy >/dev/null; then \
	    echo "  TIDY    $(words $(TIDY_SRCS)) files"; \
	    printf '%s\n' $(TIDY_SRCS) | xargs -P$(NPROC) -I{} \
	        clang-tidy --quiet {} -- $(TIDY_FLAGS) >$(B)/clang-tidy.log 2>&1 \
	        || { grep -E 'warning:|error:' $(B)/clang-tidy.log; \
	             echo "lint: clang-tidy found the above (all of it in $(B)/clang-tidy.log)" >&2; \
	             exit 1; }; \
	else echo "lint: SKIP clang-tidy: not installed (apt-get install clang-tidy)"; fi
	$(Q)if command -v systemd-analyze >/dev/null; then \
	    echo "  VERIFY  $(UNIT_FILES)"; \
	    tmp=$$(mktemp -d) && mkdir -p $$tmp/man/man8 $$tmp/man/man5 && \
	    cp man/jumboagent.8 $$tmp/man/man8/ && \
	    cp man/jumboagent.json.5 $$tmp/man/man5/ && \
	    for u in $(UNIT_FILES); do \
	        sed 's|/usr/local/sbin/jumboagent|$(abspath $(B))/jumboagent|g' \
	            $$u >$$tmp/$${u##*/} || exit 1; \
	    done && \
	    MANPATH=$$tmp/man systemd-analyze verify \
	        $(addprefix $$tmp/,$(notdir $(UNIT_FILES))); \
	    rc=$$?; rm -rf $$tmp; exit $$rc; \
	else echo "lint: SKIP systemd-analyze: not installed"; fi

# The lab tests with jumboagent under valgrind's memcheck (slow: not part of
# make check).  $(B)/jumboagent-valgrind execs valgrind on $(B)/jumboagent
# (the lab scripts run "$$JUMBOAGENT" as one program, and a run's pid stays
# the agent's); any memcheck error makes the run exit 99, which the lab
# tests report as a failure.  Logs in $(B)/valgrind-TEST.log.
VALGRIND ?= valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite
check-valgrind: $(B)/jumboagent $(LAB_BINS)
	$(Q)printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(VALGRIND)' \
	    '$(abspath $(B))/jumboagent' >$(B)/jumboagent-valgrind
	$(Q)chmod 0755 $(B)/jumboagent-valgrind
	$(Q)fail=0; for t in $(or $(LAB_TESTS),tests/lab/test-*.sh); do \
	    log=$(B)/valgrind-$$(basename $$t .sh).log; \
	    JUMBOAGENT=$(abspath $(B))/jumboagent-valgrind \
	    JUMBOAGENT_BUILD=$(abspath $(B)) JUMBOAGENT_SRCDIR=$(CURDIR) \
	        bash $$t >$$log 2>&1 || fail=1; \
	    grep -q '^not ok' $$log && fail=1; \
	    printf '%-32s %4d passed, %d failed\n' $$t \
	        $$(grep -c '^ok' $$log) $$(grep -c '^not ok' $$log); \
	done; exit $$fail

# Only the unit tests: no root, no OVS library or daemons, no packages.
check-unit: $(UNIT_BINS)
	$(Q)tests/run-tests.sh --unit-only $(B)

# The main job on an embedded default: a throwaway lab and jumboagent on it.
demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)tests/demo.sh $(B)/jumboagent

# The installed tree (tests/lab/test-install.sh checks it file by file):
#   $(PREFIX)/sbin/jumboagent, $(DATADIR)/drivers.json, the man pages
#   jumboagent(8) and jumboagent.json(5) and the systemd units (their paths
#   rewritten from /usr/local and /etc to $(PREFIX) and $(SYSCONFDIR)),
#   $(SYSCONFDIR)/cron.d/jumboagent, $(SYSCONFDIR)/jumboagent/
#   policy.json.example (never a policy.json: an installed one is the
#   operator's), bash completion, the README and the example policies, and
#   the XAPI plugin as $(SYSCONFDIR)/xapi.d/plugins/jumboagent (xapi runs
#   it only on XenServer/XCP-ng; elsewhere it is an unused file).
MANDIR         ?= $(PREFIX)/share/man
DOCDIR         ?= $(PREFIX)/share/doc/jumboagent
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR    ?= $(PREFIX)/share/bash-completion/completions
UNIT_FILES     := $(wildcard etc/systemd/system/*.service etc/systemd/system/*.timer)
UNIT_SED       := -e 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' \
                  -e 's|/usr/local/share/|$(PREFIX)/share/|g' \
                  -e 's|/etc/jumboagent/|$(SYSCONFDIR)/jumboagent/|g'
install: $(B)/jumboagent $(B)/jumboagent-xapi-plugin
	install -D -m 0755 $(B)/jumboagent $(DESTDIR)$(PREFIX)/sbin/jumboagent
	install -D -m 0644 etc/jumboagent/drivers.json $(DESTDIR)$(DATADIR)/drivers.json
	install -D -m 0644 etc/jumboagent/policy.json.example $(DESTDIR)$(SYSCONFDIR)/jumboagent/policy.json.example
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	sed $(UNIT_SED) man/jumboagent.8 >$(DESTDIR)$(MANDIR)/man8/jumboagent.8
	sed $(UNIT_SED) man/jumboagent.json.5 >$(DESTDIR)$(MANDIR)/man5/jumboagent.json.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/jumboagent.8 $(DESTDIR)$(MANDIR)/man5/jumboagent.json.5
	install -d -m 0755 $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNIT_FILES); do \
	    sed $(UNIT_SED) $$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; \
	done
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/cron.d
	sed $(UNIT_SED) etc/cron.d/jumboagent >$(DESTDIR)$(SYSCONFDIR)/cron.d/jumboagent
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/cron.d/jumboagent
	install -D -m 0644 etc/bash-completion/jumboagent $(DESTDIR)$(BASHCOMPDIR)/jumboagent
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 policy/README.md $(DESTDIR)$(DOCDIR)/policy.md
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 policy/examples/*.json $(DESTDIR)$(DOCDIR)/examples/
	install -D -m 0755 $(B)/jumboagent-xapi-plugin $(DESTDIR)$(SYSCONFDIR)/xapi.d/plugins/jumboagent

# Only the xapi plugin, where xapi looks for plugins (XenServer/XCP-ng dom0).
install-xapi-plugin: $(B)/jumboagent-xapi-plugin
	install -D -m 0755 $(B)/jumboagent-xapi-plugin \
	    $(DESTDIR)$(SYSCONFDIR)/xapi.d/plugins/jumboagent

# Removes what was built in $(B), and the sanitized build $(B)/san under
# it, but never $(OVS_BUILD) (build/ovs, slow to rebuild) nor the sources
# (B=. is refused).
CLEAN_PATHS := $(addprefix $(B)/,agent tests jumboagent libjumbo.a \
                 xapi-plugin jumboagent-xapi-plugin \
                 libjumbo-kernel.a libjumbo-live.a paths.stamp san)
CLEAN_KEEP  := $(foreach p,$(CLEAN_PATHS),$(if $(filter $(abspath $(p)) \
                 $(abspath $(p))/%,$(abspath $(OVS_BUILD))),$(p)))
clean:
	@if [ -z "$(B)" ] || [ "$(abspath $(B))" = / ] \
	    || [ "$(abspath $(B))" = "$(CURDIR)" ]; then \
	    echo "make clean: B='$(B)' is not a build directory" >&2; exit 1; fi
	rm -rf $(filter-out $(CLEAN_KEEP),$(CLEAN_PATHS))

# libFuzzer targets (tests/fuzz/): the policy, the driver table, the host
# model reader with the planner, the journal reader, the ICMP parsers
# of path verification, and the xapi plugin's XML-RPC.  Built with clang
# into their own directory from the pure core only (no vswitch.o, no OVS,
# no netlink), with ASan and UBSan.
#   make fuzz-smoke   each target for FUZZ_SECONDS (default 30) seconds
#   make fuzz         each target for FUZZ_SECONDS (default 600) seconds
# Both print one TAP line per target ("ok - fuzz policy: N execs, cov X"),
# or a skip with the reason where clang cannot build fuzzers.  New inputs
# go to $(FUZZ_B)/corpus/TARGET, never into the seed corpora in the tree.
FUZZ_CC      ?= clang
FUZZ_B       ?= build/fuzz
FUZZ_TARGETS := policy drivers plan journal icmp xmlrpc
FUZZ_CORE    := agent/policy.c agent/drivers.c agent/json-input.c \
                agent/host.c agent/host-json.c agent/util.c agent/error.c \
                agent/name-index.c agent/journal.c $(wildcard agent/plan*.c) \
                agent/icmp-parse.c agent/escape.c agent/safe-file.c \
                agent/guest-nic.c agent/json-writer.c
FUZZ_OBJS    := $(FUZZ_CORE:%.c=$(FUZZ_B)/%.o)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(WARNINGS) -Wno-string-concatenation \
                $(FUZZ_SAN) \
                -DDATADIR='"$(DATADIR)"' -DSRCDIR='"$(SRCDIR)"' \
                -DSYSCONFDIR='"$(SYSCONFDIR)"' -Iagent \
                $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
FUZZ_LIBS     = $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null)

.PHONY: fuzz fuzz-smoke fuzz-build bench-scale bench

$(FUZZ_B)/agent/%.o: agent/%.c $(wildcard agent/*.h)
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_OBJS)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
	    $(FUZZ_LIBS)

# The xapi plugin's XML-RPC (xapi-plugin/xmlrpc.c) needs libxml2 besides.
FUZZ_XML_CFLAGS = $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)
FUZZ_XML_LIBS   = $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)

$(FUZZ_B)/xapi-plugin/xmlrpc.o: xapi-plugin/xmlrpc.c xapi-plugin/xmlrpc.h \
                                $(wildcard agent/*.h)
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_XML_CFLAGS) \
	    -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz-xmlrpc: tests/fuzz/fuzz-xmlrpc.c $(FUZZ_OBJS) \
                       $(FUZZ_B)/xapi-plugin/xmlrpc.o
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_XML_CFLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_OBJS) $(FUZZ_B)/xapi-plugin/xmlrpc.o $(FUZZ_LIBS) \
	    $(FUZZ_XML_LIBS)

.SECONDARY: $(FUZZ_OBJS) $(FUZZ_B)/xapi-plugin/xmlrpc.o

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

# jumboagent against ovs-vsctl (chained and per port), ip -batch and
# "ovs-vsctl list" + "ip -j link" on lab hosts of 50, 500 and 2000 VIFs;
# prints one table of medians and ratios (bench/bench.sh; needs root;
# figures, not a test).  "make check" runs its smoke form at N=50
# (tests/lab/test-bench-smoke.sh).
bench: $(B)/jumboagent
	$(Q)bench/bench.sh $(B)/jumboagent
