/* SMB2 CREATE of a named pipe (MS-SMB2 2.2.13, 2.2.14). */
#include <errno.h>

#include "common/utf16.h"
#include "smb2/smb2.h"

void smb2_create_encode(struct smb2_req *q, const char *name, uint32_t access) {
    struct buf *b = &q->body;
    size_t units = 0;

    buf_put_u16(b, 57);
    buf_put_u8(b, 0);  /* SecurityFlags */
    buf_put_u8(b, 0);  /* RequestedOplockLevel: none for pipes */
    buf_put_u32(b, 2); /* ImpersonationLevel: Impersonation */
    buf_put_u64(b, 0); /* SmbCreateFlags */
    buf_put_u64(b, 0);
    buf_put_u32(b, access);
    buf_put_u32(b, 0);          /* FileAttributes */
    buf_put_u32(b, 0x00000007); /* ShareAccess: read | write | delete */
    buf_put_u32(b, 0x00000001); /* CreateDisposition: FILE_OPEN */
    buf_put_u32(b, 0);          /* CreateOptions */
    buf_put_u16(b, SMB2_HDR_SIZE + 56);
    buf_put_u16(b, 0); /* NameLength, below */
    buf_put_u32(b, 0);
    buf_put_u32(b, 0);
    if (utf16_put_utf8(b, name, &units) < 0)
        b->failed = true; /* names are ours (constants): a failure is only ENOMEM */
    buf_set_u16(b, 46, (uint16_t) (units * 2));
    if (units == 0)
        buf_put_u8(b, 0); /* the Buffer is at least one byte (2.2.13) */
}

int smb2_create_decode(const struct smb2_msg *m, struct smb2_file_id *ret) {
    struct cursor b = m->body;
    uint16_t size;
    int r;

    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_skip(&b, 62)) < 0 || (r = cur_get_bytes(&b, ret->id, 16)) < 0)
        return r;
    return size == 89 ? 0 : -EBADMSG;
}
