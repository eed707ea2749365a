/* The audit provider's parsers: /proc/PID/sessionid and stat, tty numbers,
 * utmp records, /proc/net/tcp lines; hostile and truncated input. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <utmp.h>

#include "session/audit.h"
#include "tap.h"

static void sessionid_is_a_decimal_with_or_without_newline(void) {
    uint32_t v = 7;

    CHECK(audit_parse_u32("4294967295", 10, &v) == 0);
    CHECK_EQ_U(v, AUDIT_SID_UNSET);
    CHECK(audit_parse_u32("12\n", 3, &v) == 0);
    CHECK_EQ_U(v, 12);
    v = 7;
    CHECK(audit_parse_u32("", 0, &v) < 0);
    CHECK(audit_parse_u32("\n", 1, &v) < 0);
    CHECK(audit_parse_u32("4294967296", 10, &v) == -ERANGE);
    CHECK(audit_parse_u32("-1", 2, &v) < 0);
    CHECK(audit_parse_u32("1 2", 3, &v) < 0);
    CHECK(audit_parse_u32("12\n\n", 4, &v) < 0);
    CHECK_EQ_U(v, 7); /* untouched on failure */
}

static void addressable_ids_are_those_logind_maps_to_themselves(void) {
    CHECK(!audit_id_is_addressable(0));
    CHECK(audit_id_is_addressable(1));
    CHECK(audit_id_is_addressable(0x7FFFFFFFu));
    CHECK(!audit_id_is_addressable(0x80000000u)); /* logind's c<N> range */
    CHECK(!audit_id_is_addressable(0xFFFFFFFEu)); /* WTS_ANY_SESSION */
    CHECK(!audit_id_is_addressable(AUDIT_SID_UNSET));
}

/* Fields 10–17 zero, priority 20, nice 0, one thread, itrealvalue 0,
 * starttime 4242, then vsize, rss, … */
#define STAT_TAIL " 0 0 0 0 0 0 0 0 20 0 1 0 4242 1000 10 0"

static void stat_fields_are_read_after_the_last_parenthesis(void) {
    const char *line = "123 (a) (b) c) S 45 123 123 34816 123 4194560" STAT_TAIL "\n";
    struct proc_stat st;

    REQUIRE(proc_parse_stat(line, strlen(line), &st) == 0);
    CHECK_STREQ(st.comm, "a) (b) c");
    CHECK_EQ_I(st.state, 'S');
    CHECK_EQ_I(st.ppid, 45);
    CHECK_EQ_U(st.tty_nr, 34816);
    CHECK_EQ_U(st.start_ticks, 4242);
}

static void stat_of_a_real_process_parses(void) {
    /* As the kernel wrote it for an ssh login's shell. */
    const char *line = "13068 (sleep) S 13067 13068 13068 34816 13068 4194560 97 0 0 0 0 0 0 0 20 0 1 0 112621 "
                       "5562368 224 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    struct proc_stat st;

    REQUIRE(proc_parse_stat(line, strlen(line), &st) == 0);
    CHECK_STREQ(st.comm, "sleep");
    CHECK_EQ_I(st.ppid, 13067);
    CHECK_EQ_U(st.start_ticks, 112621);
    CHECK_EQ_U(st.num_threads, 1);
    CHECK_EQ_U(st.vsize_bytes, 5562368);
    CHECK_EQ_U(st.rss_pages, 224);
    CHECK_EQ_U(st.utime_ticks, 0);
}

static void cpu_times_threads_and_memory_come_from_their_fields(void) {
    const char *line = "7 (x) R 1 7 7 0 -1 0 0 0 0 0 1500 250 0 0 20 0 12 0 99 8192000 300\n";
    struct proc_stat st;

    REQUIRE(proc_parse_stat(line, strlen(line), &st) == 0);
    CHECK_EQ_U(st.utime_ticks, 1500);
    CHECK_EQ_U(st.stime_ticks, 250);
    CHECK_EQ_U(st.num_threads, 12);
    CHECK_EQ_U(st.start_ticks, 99);
    CHECK_EQ_U(st.vsize_bytes, 8192000);
    CHECK_EQ_U(st.rss_pages, 300);
}

static void status_gives_the_memory_peaks_in_bytes(void) {
    const char *status = "Name:\tbash\nVmPeak:\t   12345 kB\nVmSize:\t   12000 kB\nVmHWM:\t    4000 kB\n"
                         "Threads:\t1\n";
    const char *kernel_thread = "Name:\tkthreadd\nThreads:\t1\n";
    const char *garbled = "VmPeak:\t12x kB\n";
    struct proc_status_peaks pk = {.vm_peak_bytes = 7};

    REQUIRE(proc_parse_status_peaks(status, strlen(status), &pk) == 0);
    CHECK_EQ_U(pk.vm_peak_bytes, 12345u * 1024);
    CHECK_EQ_U(pk.vm_hwm_bytes, 4000u * 1024);
    REQUIRE(proc_parse_status_peaks(kernel_thread, strlen(kernel_thread), &pk) == 0);
    CHECK_EQ_U(pk.vm_peak_bytes, 0);
    pk.vm_peak_bytes = 7;
    CHECK(proc_parse_status_peaks(garbled, strlen(garbled), &pk) < 0);
    CHECK_EQ_U(pk.vm_peak_bytes, 7);
    CHECK(proc_parse_status_peaks(status, 20, &pk) < 0); /* cut inside the VmPeak number's line: "VmPeak:\t  " */
}

static void truncated_or_garbled_stat_is_rejected(void) {
    const char *full = "1 (x) S 0 1 1 0 -1 4194560" STAT_TAIL;
    struct proc_stat st = {.ppid = 99};

    REQUIRE(proc_parse_stat(full, strlen(full), &st) == 0);
    st.ppid = 99;
    for (size_t len = 0; len <= (size_t) (strstr(full, " 4242") - full); len++) /* every cut before starttime */
        CHECK(proc_parse_stat(full, len, &st) < 0);
    CHECK(proc_parse_stat("1 x) S 0", 8, &st) < 0);
    CHECK(proc_parse_stat("1 (x S 0", 8, &st) < 0);
    const char *bad_state = "1 (x) SS 0 1 1 0 -1 4194560" STAT_TAIL;
    CHECK(proc_parse_stat(bad_state, strlen(bad_state), &st) < 0);
    const char *bad_ppid = "1 (x) S -4 1 1 0 -1 4194560" STAT_TAIL;
    CHECK(proc_parse_stat(bad_ppid, strlen(bad_ppid), &st) < 0);
    CHECK_EQ_I(st.ppid, 99);
}

static void a_long_comm_is_cut_to_fifteen_bytes(void) {
    const char *line = "1 (abcdefghijklmnopqrstuvwxyz) R 0 1 1 0 -1 0" STAT_TAIL;
    struct proc_stat st;

    REQUIRE(proc_parse_stat(line, strlen(line), &st) == 0);
    CHECK_STREQ(st.comm, "abcdefghijklmno");
}

static void tty_numbers_name_ptys_consoles_and_serial_ports(void) {
    char buf[16];

    CHECK(audit_tty_name(34816, buf, sizeof(buf)) == 0); /* 136:0 */
    CHECK_STREQ(buf, "pts/0");
    CHECK(audit_tty_name((137u << 8) | 5, buf, sizeof(buf)) == 0);
    CHECK_STREQ(buf, "pts/261");
    CHECK(audit_tty_name((136u << 8) | (1u << 20) | 2, buf, sizeof(buf)) == 0); /* minor 0x102 */
    CHECK_STREQ(buf, "pts/258");
    CHECK(audit_tty_name((4u << 8) | 2, buf, sizeof(buf)) == 0);
    CHECK_STREQ(buf, "tty2");
    CHECK(audit_tty_name((4u << 8) | 64, buf, sizeof(buf)) == 0);
    CHECK_STREQ(buf, "ttyS0");
    CHECK(audit_tty_name(0, buf, sizeof(buf)) == -ENOENT);
    CHECK(audit_tty_name((8u << 8) | 1, buf, sizeof(buf)) == -ENOENT);
    CHECK(audit_tty_name(34816, buf, 4) == -ENOBUFS);
}

static void utmp_user_process_records_give_line_host_and_time(void) {
    struct utmp u;
    struct audit_utmp_entry e;

    memset(&u, 0, sizeof(u));
    u.ut_type = USER_PROCESS;
    u.ut_pid = 4321;
    memcpy(u.ut_line, "pts/3", 5);
    memset(u.ut_user, 'u', sizeof(u.ut_user)); /* full width: no terminator */
    memcpy(u.ut_host, "127.0.0.2", 9);
    u.ut_tv.tv_sec = 1700000000;
    u.ut_tv.tv_usec = 250000;
    REQUIRE(audit_parse_utmp(&u, sizeof(u), &e) == 1);
    CHECK_EQ_I(e.pid, 4321);
    CHECK_STREQ(e.line, "pts/3");
    CHECK_EQ_U(strlen(e.user), sizeof(u.ut_user));
    CHECK_STREQ(e.host, "127.0.0.2");
    CHECK_EQ_U(e.usec, UINT64_C(1700000000250000));
}

static void utmp_address_is_used_when_there_is_no_host_name(void) {
    struct utmp u;
    struct audit_utmp_entry e;

    memset(&u, 0, sizeof(u));
    u.ut_type = USER_PROCESS;
    u.ut_pid = 1;
    REQUIRE(inet_pton(AF_INET, "10.1.2.3", &u.ut_addr_v6[0]) == 1);
    REQUIRE(audit_parse_utmp(&u, sizeof(u), &e) == 1);
    CHECK_STREQ(e.host, "10.1.2.3");
    REQUIRE(inet_pton(AF_INET6, "2001:db8::7", u.ut_addr_v6) == 1);
    REQUIRE(audit_parse_utmp(&u, sizeof(u), &e) == 1);
    CHECK_STREQ(e.host, "2001:db8::7");
}

static void other_utmp_records_and_short_ones_are_skipped(void) {
    struct utmp u;
    struct audit_utmp_entry e = {.pid = 77};

    memset(&u, 0, sizeof(u));
    u.ut_type = DEAD_PROCESS;
    u.ut_pid = 5;
    CHECK(audit_parse_utmp(&u, sizeof(u), &e) == 0);
    u.ut_type = USER_PROCESS;
    u.ut_pid = 0;
    CHECK(audit_parse_utmp(&u, sizeof(u), &e) == 0);
    u.ut_pid = 5;
    CHECK(audit_parse_utmp(&u, sizeof(u) - 1, &e) < 0);
    CHECK_EQ_I(e.pid, 77);
}

static void tcp_lines_give_the_peer_of_an_established_socket(void) {
    /* From this host: sshd on 127.0.0.1:2322, client 127.0.0.2:43011. */
    const char *v4 = "   3: 0100007F:0912 0200007F:A803 01 00000000:00000000 02:000AFB41 00000000     0        0 "
                     "28928 2 00000000324e1baa 20 4 13 18 -1";
    const char *v4_mapped = "   1: 0000000000000000FFFF00000100007F:0912 0000000000000000FFFF00000300007F:B2C4 01 "
                            "00000000:00000000 00:00000000 00000000     0        0 5150 1 0000000000000000 20 4 0 10 -1";
    const char *v6 = "   2: 00000000000000000000000001000000:0912 B80D0120000000000000000007000000:C350 01 "
                     "00000000:00000000 00:00000000 00000000     0        0 6160 1 0000000000000000 20 4 0 10 -1";
    char host[64];

    CHECK(audit_parse_tcp_line(v4, strlen(v4), 28928, host, sizeof(host)) == 1);
    CHECK_STREQ(host, "127.0.0.2");
    CHECK(audit_parse_tcp_line(v4, strlen(v4), 28929, host, sizeof(host)) == 0);
    CHECK(audit_parse_tcp_line(v4_mapped, strlen(v4_mapped), 5150, host, sizeof(host)) == 1);
    CHECK_STREQ(host, "127.0.0.3");
    CHECK(audit_parse_tcp_line(v6, strlen(v6), 6160, host, sizeof(host)) == 1);
    CHECK_STREQ(host, "2001:db8::7");
}

static void listening_sockets_headers_and_garbage_are_not_peers(void) {
    const char *listen = "   0: 0100007F:0912 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
                         "27931 1 000000000d29c415 100 0 0 10 0";
    const char *header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
                         "timeout inode";
    const char *bad_addr = "   3: 0100007F:0912 0200007G:A803 01 00000000:00000000 02:000AFB41 00000000 0 0 28928";
    char host[64];

    CHECK(audit_parse_tcp_line(listen, strlen(listen), 27931, host, sizeof(host)) == 0);
    CHECK(audit_parse_tcp_line(header, strlen(header), 0, host, sizeof(host)) == 0);
    CHECK(audit_parse_tcp_line(bad_addr, strlen(bad_addr), 28928, host, sizeof(host)) < 0);
    CHECK(audit_parse_tcp_line("   3: 0100007F:0912", 19, 1, host, sizeof(host)) < 0);
    CHECK(audit_parse_tcp_line("", 0, 1, host, sizeof(host)) < 0);
}

static void a_socket_link_names_its_inode(void) {
    uint64_t ino = 42;

    CHECK(proc_socket_inode("socket:[95852]", &ino) == 0 && ino == 95852);
    ino = 42;
    CHECK(proc_socket_inode("socket:[95852", &ino) < 0);
    CHECK(proc_socket_inode("socket:[]", &ino) < 0);
    CHECK(proc_socket_inode("socket:[1]x", &ino) < 0);
    CHECK(proc_socket_inode("pipe:[95852]", &ino) < 0);
    CHECK(proc_socket_inode("/dev/pts/3", &ino) < 0);
    CHECK_EQ_U(ino, 42);
}

TAP_MAIN(CASE(a_socket_link_names_its_inode), CASE(sessionid_is_a_decimal_with_or_without_newline),
         CASE(addressable_ids_are_those_logind_maps_to_themselves),
         CASE(stat_fields_are_read_after_the_last_parenthesis), CASE(stat_of_a_real_process_parses),
         CASE(cpu_times_threads_and_memory_come_from_their_fields), CASE(status_gives_the_memory_peaks_in_bytes),
         CASE(truncated_or_garbled_stat_is_rejected), CASE(a_long_comm_is_cut_to_fifteen_bytes),
         CASE(tty_numbers_name_ptys_consoles_and_serial_ports),
         CASE(utmp_user_process_records_give_line_host_and_time),
         CASE(utmp_address_is_used_when_there_is_no_host_name), CASE(other_utmp_records_and_short_ones_are_skipped),
         CASE(tcp_lines_give_the_peer_of_an_established_socket),
         CASE(listening_sockets_headers_and_garbage_are_not_peers))
