/* genl — generic netlink family lookup; see genl.h. Owns the nlctrl
 * CTRL_CMD_GETFAMILY request and the reading of CTRL_ATTR_FAMILY_ID. */
#include "nlink/genl.h"

#include <linux/genetlink.h>

#include "nlink/internal.h"

int nl_genl_family_msg(struct nl_batch *b, const char *family)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	if (!family || !family[0] || strlen(family) >= GENL_NAMSIZ)
		return -EINVAL;
	nlh = nl_batch_add(b, GENL_ID_CTRL, 0, "resolve", "genetlink family %s", family);
	if (!nlh)
		return -ENOBUFS;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	uint16_t *id = data;

	(void)idx;
	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    nl_tb_parse(nlh, sizeof(struct genlmsghdr), tb, CTRL_ATTR_MAX) < 0)
		return -EBADMSG;
	if (tb[CTRL_ATTR_FAMILY_ID] &&
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) == 0)
		*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

int nl_genl_family(struct nl_sock *s, const char *family, uint16_t *id, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err;

	*id = 0;
	/* An absent family is the kernel's -ENOENT. */
	err = nl_send_one(s, b, nl_genl_family_msg(b, family), family_cb, id, e, "resolve",
			  "genetlink family %s", family ? family : "");
	if (!err && *id == 0)
		err = nl_err_set(e, -EBADMSG, "resolve", "genetlink family %s", family);
	return err;
}
