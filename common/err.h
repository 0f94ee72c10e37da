/* err — the one error record every layer fills and every front end prints.
 *
 * Functions below the front ends return 0 or a negative errno and, on failure,
 * describe it here: which object, which operation, and the kernel's own
 * extended-ACK text when it sent one. Nothing below the front ends prints. */
#ifndef VNET_NLINK_ERR_H
#define VNET_NLINK_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What kind of failure it was, for the front ends' exit codes. Errors from
 * the kernel or a program are NL_ERR_REFUSED (the zero value). nl_err_set
 * makes an EPERM or EACCES NL_ERR_PERM when this process is not root with
 * CAP_NET_ADMIN: whatever refused (the lock, a file, the kernel's answer),
 * the cause is that vnet runs without root. */
enum nl_err_kind {
	NL_ERR_REFUSED = 0, /* the kernel or a program refused */
	NL_ERR_INVALID,	    /* bad usage or value: nothing was done */
	NL_ERR_NOTFOUND,    /* no such network or object */
	NL_ERR_CONFLICT,    /* exists differently, overlaps, or is not ours */
	NL_ERR_PERM,	    /* not permitted: needs root (CAP_NET_ADMIN) */
};

struct nl_err {
	int code;	  /* negative errno, 0 when nothing failed */
	uint8_t kind;	  /* enum nl_err_kind */
	char obj[192];	  /* the object, e.g. "bridge isbr" (with a file's path and line) */
	char op[40];	  /* the operation, e.g. "create" */
	char msg[256];	  /* the kernel's extended-ACK message, or "" */
	uint16_t attr;	  /* type of the attribute the kernel pointed at, 0 if none */
	uint8_t kernel;	  /* msg came from the kernel (printed after strerror) */
	unsigned request; /* the request of a batch that failed, as its index + 1 (0:
			     no request's failure), so that the batch's builder can
			     name it by the request's tag, as nftables maps a
			     sequence number to its command */
};

/* Records a failure and returns code (negative errno), so callers can write
 * `return nl_err_set(e, -EINVAL, "parse", "subnet %s", s);`. e may be NULL.
 * The kind is NL_ERR_REFUSED, or NL_ERR_PERM (see above); nl_err_kind
 * changes it. */
int nl_err_set(struct nl_err *e, int code, const char *op, const char *objfmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sets the message part for errors found in user space that deserve more
 * than strerror ("prefix length must be 0..32"); it is printed instead of
 * strerror. Returns e->code; with e NULL (a caller that wants no details)
 * -EINVAL, so `return nl_err_msg(...)` never reads as success. */
int nl_err_msg(struct nl_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A failure found in user space, in one call: its code (negative errno),
 * kind, object ("subnet 10.0.0.0/8") and message (printed instead of
 * strerror). Returns code, also when e is NULL. The one way to say "bad
 * value", "conflict", "not found" below the front ends. */
int nl_fail(struct nl_err *e, int code, enum nl_err_kind kind, const char *obj, const char *fmt,
	    ...) __attribute__((format(printf, 5, 6)));

/* "bridge isbr: create: File exists", with ": MESSAGE" appended when the
 * kernel (or the caller) gave one. What a user, a file or the kernel put in
 * the record reaches a terminal or a log only through this line, so every
 * byte of it that is not printable ASCII is written as nl_escape() writes
 * it (\xNN); quotes and backslashes stay (values are quoted, and escaped,
 * where the record is made). Returns buf. */
const char *nl_err_str(const struct nl_err *e, char *buf, size_t len);

/* s into buf (cut to fit) as nl_err_str writes its line: printable ASCII
 * as it is, every other byte as \xNN; with lines, newline and tab stay
 * too. For a line made of text and values, such as a message a file's
 * reader composed. Returns buf. */
const char *nl_err_safe(const char *s, bool lines, char *buf, size_t len);

/* Whether this process runs as root with CAP_NET_ADMIN, as vnet must:
 * what makes nl_err_set call a refusal NL_ERR_PERM, and what tells a
 * reader that the kernel will hide root's objects from it. */
bool nl_privileged(void);

/* The exit code of vnet and its hooks for a failure of this kind, as
 * vnet(8) EXIT STATUS documents it: 1 refused, 2 bad usage or value, 3 not
 * found, 4 conflict, 5 needs root. */
int nl_err_exit_code(const struct nl_err *e);

void nl_err_clear(struct nl_err *e);

/* Sets e->kind and returns e->code (e NULL: -EINVAL, as nl_err_msg). */
int nl_err_kind(struct nl_err *e, enum nl_err_kind kind);

#endif
