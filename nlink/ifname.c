/* ifname — interface name validation (the kernel's dev_valid_name()). */
#include "ifname.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

int nl_ifname_check(const char *name, const char *what, struct nl_err *e)
{
	size_t len = name ? strlen(name) : 0;
	const char *why = NULL;

	what = what ? what : "interface";
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
	if (!why)
		return 0;
	nl_err_set(e, -EINVAL, "", "%s name \"%s\"", what, name ? name : "");
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "%s", why);
	return -EINVAL; /* not nl_err_msg's value: it is 0 when e is NULL */
}
