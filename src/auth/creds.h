/*
 * Where an identity for a server comes from, in order:
 *   1. WNetAddConnection2 for that server, in this process;
 *   2. the smbclient-style file named by $WTSNET_CREDENTIALS_FILE;
 *   3. $XDG_CONFIG_HOME/wtsnet/credentials (~/.config/wtsnet/credentials);
 *   4. none: an anonymous (null) session.
 * A credentials file must be a regular file owned by the caller and not
 * readable or writable by group or others; otherwise it is refused (-EACCES).
 */
#ifndef WTSNET_AUTH_CREDS_H
#define WTSNET_AUTH_CREDS_H

#include "auth/auth.h"

#define CREDS_ENV "WTSNET_CREDENTIALS_FILE"

/* Parses "username = …", "password = …", "domain = …" lines (smbclient -A format).
 * "DOMAIN\user" or "DOMAIN/user" in username also sets the domain. */
int creds_parse(const char *text, struct auth_identity *ret);
/* Opens, checks permissions of, and parses a file. */
int creds_load_file(const char *path, struct auth_identity *ret);
/* The file-based default for this process (2-4 above). */
int creds_default(struct auth_identity *ret);

/* Splits "DOMAIN\user" / "user@domain" / "user" into an identity. */
int creds_split_user(const char *in, struct auth_identity *id);

/* The WNet table (1 above), keyed by server key (see rpc/binding.h). */
int creds_wnet_add(const char *server_key, const struct auth_identity *id);
int creds_wnet_remove(const char *server_key);
/* 1 and a copy when the server has an entry, 0 when not. */
int creds_wnet_lookup(const char *server_key, struct auth_identity *ret);

#endif
