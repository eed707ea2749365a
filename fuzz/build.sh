#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined)
# into ${1:-build-fuzz}. Meson's C compiler is gcc, which has no libFuzzer, so
# the targets are compiled here directly from the library sources they need.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
mkdir -p "$out"
cflags=(-g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Wno-unused-parameter)
common=(src/common/cursor.c src/common/crypto.c src/common/utf16.c src/common/wstr.c)
declare -A srcs=(
    [fuzz-smb2-response]="src/smb2/transport.c src/smb2/crypto.c src/smb2/negotiate.c src/smb2/create.c src/smb2/read.c src/smb2/write.c src/smb2/ioctl.c src/smb2/tree_connect.c src/smb2/session_setup.c src/smb2/logoff.c src/smb2/close.c src/auth/spnego.c src/auth/ntlm.c"
    [fuzz-ntlm-challenge]="src/auth/spnego.c src/auth/ntlm.c"
    [fuzz-dcerpc-pdu]="src/rpc/dcerpc.c src/rpc/np.c src/smb2/tree_connect.c src/smb2/transport.c src/smb2/crypto.c src/smb2/negotiate.c src/smb2/create.c src/smb2/read.c src/smb2/write.c src/smb2/ioctl.c src/smb2/close.c src/auth/spnego.c src/auth/ntlm.c"
    [fuzz-ndr]="src/rpc/ndr.c src/rpc/srvsvc.c src/rpc/dcerpc.c src/rpc/np.c src/smb2/tree_connect.c src/smb2/transport.c src/smb2/crypto.c src/smb2/negotiate.c src/smb2/create.c src/smb2/read.c src/smb2/write.c src/smb2/ioctl.c src/smb2/close.c src/auth/spnego.c src/auth/ntlm.c"
)
libs=$(pkg-config --libs nettle)
for t in "${!srcs[@]}"; do
    # shellcheck disable=SC2086
    clang "${cflags[@]}" "fuzz/$t.c" ${srcs[$t]} "${common[@]}" $libs -o "$out/$t"
done
