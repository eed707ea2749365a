#!/usr/bin/env bash
# Issue 3: our SMB2/3 + DCE/RPC stack against a real smbd on loopback, one
# configuration per dialect, with signing and encryption required, each
# checked against rpcclient; then the error cases. Needs root (unix users).
set -u
. tests/lib/samba-env.sh
. tests/lib/tap.sh
[ "$VARIANT" = plain ] && port=14450 || port=14451
if [ "$(id -u)" -ne 0 ] || ! command -v smbd >/dev/null; then
    tap_skip "$VARIANT/smb2-samba" "samba suite" "needs root and samba"
    exit 0
fi
dir=$(mktemp -d /tmp/wtsnet-smb2-XXXXXX)
chmod 755 "$dir"
cleanup() { samba_stop; rm -rf "$dir"; }
trap cleanup EXIT
samba_users
export WTSNET_TEST_SERVER="127.0.0.1:$port" WTSNET_TEST_SMBCONF="$dir/smb.conf" WTSNET_TEST_TMP="$dir"
export WTSNET_TEST_ADMIN=$SMBT_ADMIN WTSNET_TEST_ADMIN_PW=$SMBT_ADMIN_PW
export WTSNET_TEST_USER=$SMBT_USER1 WTSNET_TEST_USER_PW=$SMBT_USER1_PW
# smb2-errors disables and locks out USER2 (pdbedit), and restores it after each case.
export WTSNET_TEST_USER2=$SMBT_USER2 WTSNET_TEST_USER2_PW=$SMBT_USER2_PW

# label | smb.conf lines (;-separated) | dialect | encrypted | cipher or signing algorithm smbstatus shows
configs=(
    "2.0.2|server max protocol = SMB2_02|SMB2_02|0|HMAC-SHA256"
    "2.1|server max protocol = SMB2_10|SMB2_10|0|HMAC-SHA256"
    "3.0|server max protocol = SMB3_00|SMB3_00|0|AES-128-CMAC"
    "3.0.2|server max protocol = SMB3_02|SMB3_02|0|AES-128-CMAC"
    "3.1.1|server max protocol = SMB3_11|SMB3_11|0|AES-128-GMAC"
    "2.1+signing-required|server max protocol = SMB2_10;server signing = mandatory|SMB2_10|0|HMAC-SHA256"
    "3.1.1+signing-required+hmac|server signing = mandatory;server smb3 signing algorithms = HMAC-SHA256|SMB3_11|0|HMAC-SHA256"
    "3.1.1+signing-required+cmac|server signing = mandatory;server smb3 signing algorithms = AES-128-CMAC|SMB3_11|0|AES-128-CMAC"
    "3.0+encryption-required|server max protocol = SMB3_00;server smb encrypt = required|SMB3_00|1|AES-128-CCM"
    "3.0.2+encryption-required|server max protocol = SMB3_02;server smb encrypt = required|SMB3_02|1|AES-128-CCM"
    "3.1.1+encryption-required|server smb encrypt = required|SMB3_11|1|AES-128-GCM"
    "3.1.1+encryption-required+aes256gcm|server smb encrypt = required;server smb3 encryption algorithms = AES-256-GCM|SMB3_11|1|AES-256-GCM"
    "3.1.1+encryption-required+aes256ccm|server smb encrypt = required;server smb3 encryption algorithms = AES-256-CCM|SMB3_11|1|AES-256-CCM"
)
for c in "${configs[@]}"; do
    IFS='|' read -r label lines dialect enc alg <<<"$c"
    IFS=';' read -r -a extra <<<"$lines"
    samba_conf "$dir" "$port" "${extra[@]}"
    if ! samba_start "$dir" "$port"; then
        tap_fail "$VARIANT/smb2-samba[$label]" "smbd starts" "$(tail -n 5 "$dir/log/smbd.out")"
        samba_stop
        continue
    fi
    out=$(rpcclient -s "$dir/client.conf" -p "$port" -U "$SMBT_ADMIN%$SMBT_ADMIN_PW" 127.0.0.1 -c srvinfo 2>&1)
    export EXPECT_LINE1 EXPECT_PLATFORM EXPECT_VERSION EXPECT_TYPE
    EXPECT_LINE1=$(printf '%s\n' "$out" | sed -n '1s/^[[:space:]]*//p')
    EXPECT_PLATFORM=$(printf '%s\n' "$out" | sed -n 's/.*platform_id[[:space:]]*:[[:space:]]*//p')
    EXPECT_VERSION=$(printf '%s\n' "$out" | sed -n 's/.*os version[[:space:]]*:[[:space:]]*//p')
    EXPECT_TYPE=$(printf '%s\n' "$out" | sed -n 's/.*server type[[:space:]]*:[[:space:]]*0x//p')
    export EXPECT_DIALECT=$dialect EXPECT_ENCRYPTED=$enc EXPECT_CIPHER=$alg EXPECT_SIGNING=$alg
    bash tests/lib/tap-count.sh "$VARIANT/smb2-samba[$label]" "$BUILD/tests/integration/test-smb2-samba"
    samba_stop
done

# The error cases, on defaults (3.1.1). The last one kills this smbd.
samba_conf "$dir" "$port"
if samba_start "$dir" "$port"; then
    export WTSNET_TEST_SMBD_PID=$SMBD_PID
    bash tests/lib/tap-count.sh "$VARIANT/smb2-errors" "$BUILD/tests/integration/test-smb2-errors"
else
    tap_fail "$VARIANT/smb2-errors" "smbd starts" "$(tail -n 5 "$dir/log/smbd.out")"
fi
samba_stop
exit 0
