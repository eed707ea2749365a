/* libFuzzer: a received SMB2 frame, as the transport and every command decoder see it. */
#include <stdlib.h>
#include <string.h>

#include "smb2/conn.h" /* builds connections by hand */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct smb2_msg m[8];
    size_t n = 0;
    struct smb2_conn c;
    uint8_t *copy;
    size_t plain;

    /* A transform header: only the checks before the tag can pass. */
    memset(&c, 0, sizeof(c));
    c.dialect = SMB2_DIALECT_311;
    c.cipher = SMB2_ENCRYPTION_AES128_GCM;
    c.cipher_key_len = 16;
    c.session_id = size >= 52 ? get_le64(data + 44) : 0;
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    (void) smb2_decrypt(&c, copy, size, &plain);
    free(copy);

    if (smb2_parse_frame(data, size, m, 8, &n) < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        struct smb2_file_id fid;
        struct buf out;
        bool more;
        uint32_t u32;

        buf_init(&out);
        switch (m[i].command) {
        case SMB2_NEGOTIATE:
            memset(&c, 0, sizeof(c));
            buf_init(&c.server_gss);
            /* as if we had offered every dialect, so every answer is decoded on */
            c.n_offered = 5;
            c.offered[0] = SMB2_DIALECT_202, c.offered[1] = SMB2_DIALECT_210, c.offered[2] = SMB2_DIALECT_300;
            c.offered[3] = SMB2_DIALECT_302, c.offered[4] = SMB2_DIALECT_311;
            (void) smb2_negotiate_decode(&c, &m[i]);
            buf_free(&c.server_gss);
            break;
        case SMB2_TREE_CONNECT:
            (void) smb2_tree_connect_decode(&m[i], &u32);
            break;
        case SMB2_CREATE:
            (void) smb2_create_decode(&m[i], &fid);
            break;
        case SMB2_READ:
            (void) smb2_read_decode(&m[i], &out, &more);
            break;
        case SMB2_WRITE:
            (void) smb2_write_decode(&m[i], &u32);
            break;
        case SMB2_IOCTL:
            (void) smb2_ioctl_decode(&m[i], &out, &more);
            /* and as the answer to FSCTL_VALIDATE_NEGOTIATE_INFO */
            memset(&c, 0, sizeof(c));
            c.dialect = (m[i].message_id & 1) ? SMB2_DIALECT_210 : SMB2_DIALECT_300;
            (void) smb2_validate_negotiate_finish(&c, &m[i]);
            break;
        default:
            break;
        }
        buf_free(&out);
        smb2_msg_clear(&m[i]);
    }
    return 0;
}
