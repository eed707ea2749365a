#!/usr/bin/env bash
# What a user of the installed library relies on: `meson install` puts the
# headers, library, pkg-config file, CLI and man page in place, and a
# Windows-style program builds with `cc x.c $(pkg-config --cflags --libs wtsnet)`.
# Each case is counted as it ends (tests/lib/tap.sh).
set -u
[ "$VARIANT" = plain ] || exit 0 # packaging does not change with sanitizers
. tests/lib/tap.sh
stage=$(mktemp -d /tmp/wtsnet-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
label=$VARIANT/install
check() { tap_check "$label" "$@"; }

check install_puts_everything_in_the_prefix meson install -C "$BUILD" --destdir "$stage/root" --quiet
prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
root=$stage/root$prefix
lib=$(find "$root" -name 'libwtsnet.so' | head -1)
libdir=$(dirname "${lib:-$root/lib/none/libwtsnet.so}")
check headers_are_installed_under_their_windows_names test -f "$root/include/wtsnet/wtsapi32.h" -a -f "$root/include/wtsnet/windows.h" -a -f "$root/include/wtsnet/winerror.h"
check man_page_is_installed test -f "$root/share/man/man1/wtsnet.1"
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage/root
check example_builds_with_cc_and_pkg_config sh -c 'cc examples/logoff.c $(pkg-config --cflags --libs wtsnet) -o "$1"' sh "$stage/logoff"
# Session 0 holds the system's services: every provider refuses to log it
# off with ERROR_ACCESS_DENIED (5). Any other failure (the library not
# found, another error) is not the refusal this case is about.
refused() {
    local out status
    out=$(LD_LIBRARY_PATH="$libdir" "$stage/logoff" 0 2>&1)
    status=$?
    echo "exit status $status: $out"
    [ "$status" -eq 1 ] && [ "$out" = "WTSLogoffSession(0) failed: Access is denied. (5)" ]
}
check example_reports_a_refused_logoff_with_the_win32_error refused
# (nm failing, or listing nothing, must not pass as "nothing foreign".)
exports_only_win32_names() {
    local syms foreign
    syms=$(nm -D --defined-only "$libdir/libwtsnet.so" | awk '{print $3}') || return 1
    grep -q "^WTSOpenServerW\(@\|$\)" <<<"$syms" || { echo "WTSOpenServerW is not exported"; return 1; }
    foreign=$(grep -v '^WTSNET_' <<<"$syms" | grep -vE '^(WTS|Net|GetLastError|SetLastError|FormatMessage|LocalFree|WNet|MultiByteToWideChar|WideCharToMultiByte|ProcessIdToSessionId)')
    [ -z "$foreign" ] || { echo "exported: $foreign"; return 1; }
}
check library_exports_only_win32_names exports_only_win32_names
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
else
    # Under CI=true an unlisted skip is a failure (tests/skip-allowlist).
    tap_skip "$label" winpr_provider_is_where_pkg_config_says "libwtsnet-winpr.so not built (no libwinpr2-dev)"
fi
