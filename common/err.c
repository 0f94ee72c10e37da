/* err — formatting of the error record, its kind and exit code; see err.h. */
#include "common/err.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/file.h"

/* Without root and CAP_NET_ADMIN in effect, a refusal (EPERM, EACCES)
 * means "needs root" rather than anything about the object. */
bool nl_privileged(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (geteuid() != 0)
		return false;
	if (syscall(SYS_capget, &h, d) != 0)
		return true; /* cannot tell: say what refused */
	return d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN);
}

int nl_err_set(struct nl_err *e, int code, const char *op, const char *objfmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	nl_err_clear(e);
	e->code = code;
	if ((code == -EPERM || code == -EACCES) && !nl_privileged())
		e->kind = NL_ERR_PERM;
	snprintf(e->op, sizeof(e->op), "%s", op ? op : "");
	va_start(ap, objfmt);
	vsnprintf(e->obj, sizeof(e->obj), objfmt, ap);
	va_end(ap);
	return code;
}

int nl_err_msg(struct nl_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -EINVAL; /* a failure without a record: still a failure */
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->kernel = 0;
	/* a refusal the caller explains ("is not owned by root") is its own
	 * check, not the privilege this process lacks */
	if (e->kind == NL_ERR_PERM)
		e->kind = NL_ERR_REFUSED;
	return e->code;
}

int nl_fail(struct nl_err *e, int code, enum nl_err_kind kind, const char *obj, const char *fmt,
	    ...)
{
	va_list ap;

	if (!e)
		return code;
	nl_err_clear(e);
	e->code = code;
	e->kind = (uint8_t)kind;
	snprintf(e->obj, sizeof(e->obj), "%s", obj);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void nl_err_clear(struct nl_err *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

const char *nl_err_safe(const char *s, bool lines, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8] = {*s, '\0'};
		size_t n;

		/* nl_escape owns the encoding of what is not printed as it is */
		if ((ch < 0x20 || ch >= 0x7f) && !(lines && (ch == '\n' || ch == '\t')))
			nl_escape((char[2]){*s, '\0'}, esc, sizeof(esc));
		n = strlen(esc);
		if (o + n >= len)
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

const char *nl_err_str(const struct nl_err *e, char *buf, size_t len)
{
	const char *why = e->code ? strerror(-e->code) : "no error";
	char raw[sizeof(e->obj) + sizeof(e->op) + sizeof(e->msg) + 128];
	int n = 0;

	if (len == 0)
		return buf;
	raw[0] = '\0';
	if (e->obj[0])
		n = snprintf(raw, sizeof(raw), "%s: ", e->obj);
	if (e->op[0])
		n += snprintf(raw + n, sizeof(raw) - n, "%s: ", e->op);
	/* A message the caller wrote for a user-space check says it all; a
	 * kernel message is added to the errno's text. */
	if (e->msg[0] && !e->kernel)
		snprintf(raw + n, sizeof(raw) - n, "%s", e->msg);
	else if (e->msg[0])
		snprintf(raw + n, sizeof(raw) - n, "%s: %s", why, e->msg);
	else
		snprintf(raw + n, sizeof(raw) - n, "%s", why);
	return nl_err_safe(raw, false, buf, len);
}

int nl_err_exit_code(const struct nl_err *e)
{
	static const int codes[] = {[NL_ERR_REFUSED] = 1,
				    [NL_ERR_INVALID] = 2,
				    [NL_ERR_NOTFOUND] = 3,
				    [NL_ERR_CONFLICT] = 4,
				    [NL_ERR_PERM] = 5};

	return e->kind < sizeof(codes) / sizeof(codes[0]) ? codes[e->kind] : 1;
}

int nl_err_kind(struct nl_err *e, enum nl_err_kind kind)
{
	if (!e)
		return -EINVAL;
	e->kind = (uint8_t)kind;
	return e->code;
}
