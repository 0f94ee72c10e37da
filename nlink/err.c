/* err — formatting of the error record; see err.h. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nl_err_set(struct nl_err *e, int code, const char *op, const char *objfmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	nl_err_clear(e);
	e->code = code;
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
	return e->code;
}

void nl_err_clear(struct nl_err *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

const char *nl_err_str(const struct nl_err *e, char *buf, size_t len)
{
	const char *why = e->code ? strerror(-e->code) : "no error";
	int n = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (e->obj[0])
		n = snprintf(buf, len, "%s: ", e->obj);
	if (n >= 0 && (size_t)n < len && e->op[0])
		n += snprintf(buf + n, len - n, "%s: ", e->op);
	if (n >= 0 && (size_t)n < len) {
		/* A message the caller wrote for a user-space check says it all;
		 * a kernel message is added to the errno's text. */
		if (e->msg[0] && !e->kernel)
			snprintf(buf + n, len - n, "%s", e->msg);
		else if (e->msg[0])
			snprintf(buf + n, len - n, "%s: %s", why, e->msg);
		else
			snprintf(buf + n, len - n, "%s", why);
	}
	return buf;
}

int nl_err_kind(struct nl_err *e, enum nl_err_kind kind)
{
	if (!e)
		return -EINVAL;
	e->kind = (uint8_t)kind;
	return e->code;
}
