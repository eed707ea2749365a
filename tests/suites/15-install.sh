#!/usr/bin/env bash
# What a user of the installed library relies on: `meson install` puts the
# headers, library, pkg-config file, CLI and man page in place, and a
# Windows-style program builds with `cc x.c $(pkg-config --cflags --libs wtsnet)`.
set -u
[ "$VARIANT" = plain ] || exit 0 # packaging does not change with sanitizers
stage=$(mktemp -d /tmp/wtsnet-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
tap=$stage/tap
{
    n=0 fails=0
    check() { # name, command…
        local name=$1; shift
        n=$((n + 1))
        if "$@" >"$stage/out" 2>&1; then echo "ok $n - $name"; else echo "not ok $n - $name"; sed 's/^/# /' "$stage/out"; fi
    }
    echo "1..7"
    check install_puts_everything_in_the_prefix meson install -C "$BUILD" --destdir "$stage/root" --quiet
    prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
    root=$stage/root$prefix
    libdir=$(dirname "$(find "$root" -name 'libwtsnet.so' | head -1)")
    check headers_are_installed_under_their_windows_names test -f "$root/include/wtsnet/wtsapi32.h" -a -f "$root/include/wtsnet/windows.h" -a -f "$root/include/wtsnet/winerror.h"
    check man_page_is_installed test -f "$root/share/man/man1/wtsnet.1"
    export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage/root
    check example_builds_with_cc_and_pkg_config sh -c 'cc examples/logoff.c $(pkg-config --cflags --libs wtsnet) -o "$1"' sh "$stage/logoff"
    # Session 0 holds the system's services: the example must be refused, by any provider.
    check example_reports_a_refused_logoff_with_the_win32_error sh -c 'LD_LIBRARY_PATH="$1" "$2" 0; test $? -eq 1' sh "$libdir" "$stage/logoff"
    check library_exports_only_win32_names sh -c '! nm -D --defined-only "$1/libwtsnet.so" | awk "{print \$3}" | grep -v "^WTSNET_" | grep -vE "^(WTS|Net|GetLastError|SetLastError|FormatMessage|LocalFree|WNet)"' sh "$libdir"
    # The WinPR provider (docs/winpr.md): at the path wtsnet.pc names, beside the library,
    # exporting InitWtsApi alone. CI installs libwinpr2-dev: there a missing module is a failure.
    winpr_provider_installed() {
        local m
        m=$(pkg-config --variable=winpr_provider wtsnet) || return 1
        case $m in "$stage/root"/*) ;; *) m=$stage/root$m ;; esac # pkgconf prefixes the sysroot itself
        echo "$m"
        test -f "$m" && test "$(dirname "$m")" = "$libdir" &&
            test "$(nm -D --defined-only "$m" | awk '{print $3}')" = InitWtsApi
    }
    if [ -e "$BUILD/src/winpr/libwtsnet-winpr.so" ]; then
        check winpr_provider_is_where_pkg_config_says winpr_provider_installed
    elif [ "${CI:-}" = true ]; then
        n=$((n + 1))
        echo "not ok $n - winpr_provider_is_where_pkg_config_says # libwtsnet-winpr.so was not built"
    else
        n=$((n + 1))
        echo "ok $n - winpr_provider_is_where_pkg_config_says # SKIP libwtsnet-winpr.so not built (no libwinpr2-dev)"
    fi
} >"$tap"
bash tests/lib/tap-count.sh "$VARIANT/install" cat "$tap"
