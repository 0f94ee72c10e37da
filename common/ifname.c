/* ifname — interface name validation: the kernel's rule (dev_valid_name())
 * and vnet's safe rule; see ifname.h. */
#include "common/ifname.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "common/file.h"

#define SAFE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

/* Fills e for name, escaped: a name refused for its bytes may hold ones a
 * terminal would obey. */
static int refuse(const char *name, const char *what, const char *why, struct nl_err *e)
{
	char q[4 * NL_IFNAMSIZ + 4];

	/* what a caller passes may be longer than a name: print its start */
	nl_escape(name ? name : "", q, sizeof(q));
	nl_err_set(e, -EINVAL, "", "%s name \"%s\"", what ? what : "interface", q);
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "%s", why);
	return -EINVAL; /* not nl_err_msg's value: it is 0 when e is NULL */
}

int nl_ifname_check(const char *name, const char *what, struct nl_err *e)
{
	size_t len = name ? strlen(name) : 0;
	const char *why = NULL;

	if (len == 0)
		why = "must not be empty";
	else if (len >= NL_IFNAMSIZ)
		why = "must be at most 15 bytes";
	else if (!strcmp(name, ".") || !strcmp(name, ".."))
		why = "must not be \".\" or \"..\"";
	for (size_t i = 0; !why && i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/')
			why = "must not contain '/'";
		else if (c == ':')
			why = "must not contain ':'";
		else if (isspace(c))
			why = "must not contain white space";
		else if (c < 0x20 || c == 0x7f)
			why = "must not contain control characters";
	}
	return why ? refuse(name, what, why, e) : 0;
}

int nl_ifname_safe_check(const char *name, const char *what, struct nl_err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= NL_IFNAMSIZ)
		return refuse(name, what, "must be 1..15 characters", e);
	if (name[0] == '.' || name[0] == '-')
		return refuse(name, what, "must not start with '.' or '-'", e);
	if (strspn(name, SAFE_CHARS) != len)
		return refuse(name, what, "may hold only letters, digits, '_', '.' and '-'", e);
	return 0;
}
