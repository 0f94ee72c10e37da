/* ethtool — device features over the "ethtool" generic netlink family; see
 * ethtool.h. Owns ETHTOOL_MSG_FEATURES_GET/SET, the decoding of verbose
 * (non-compact) bitsets, which carry each bit's name so no string set needs
 * fetching, and the checks around a change: names the device does not know,
 * fixed features, and changes the kernel did not make.
 *
 * A set names only the bits it changes (ETHTOOL_A_BITSET_BITS without
 * ETHTOOL_A_BITSET_NOMASK), so the device's other features stay as they
 * are. The kernel answers a set with ETHTOOL_MSG_FEATURES_SET_REPLY whose
 * WANTED bitset lists the requested bits that ended up different from the
 * request: that is how a change that did not take is found. */
#include "nlink/ethtool.h"

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <stdio.h>

#include "nlink/genl.h"
#include "nlink/internal.h"

#define NFEAT (sizeof(((struct nl_features *)0)->f) / sizeof(struct nl_feature))

int nl_ethtool_open(struct nl_ethtool *et, struct nl_err *e)
{
	int err = nl_sock_open(&et->s, NETLINK_GENERIC, e);

	et->family = 0;
	if (!err)
		err = nl_genl_family(&et->s, ETHTOOL_GENL_NAME, &et->family, e);
	if (err && et->s.mnl)
		nl_sock_close(&et->s);
	return err;
}

void nl_ethtool_close(struct nl_ethtool *et)
{
	nl_sock_close(&et->s);
}

/* The request with its genetlink header and ETHTOOL_A_FEATURES_HEADER; no
 * ETHTOOL_FLAG_COMPACT_BITSETS, so the answer names every bit. */
static struct nlmsghdr *feat_start(struct nl_batch *b, uint16_t family, uint8_t cmd,
				   const char *ifname, const char *op)
{
	struct nlmsghdr *nlh = nl_batch_add(b, family, 0, op, "link %s", ifname);
	struct genlmsghdr *g;
	struct nlattr *hdr;

	if (!nlh)
		return NULL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = ETHTOOL_GENL_VERSION;
	hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	mnl_attr_nest_end(nlh, hdr);
	return nlh;
}

int nl_ethtool_features_get_msg(struct nl_batch *b, uint16_t family, const char *ifname)
{
	if (!nl_name_ok(ifname) || !family)
		return -EINVAL;
	if (!feat_start(b, family, ETHTOOL_MSG_FEATURES_GET, ifname, "get features"))
		return -ENOBUFS;
	return 0;
}

/* Bytes the set request needs, or 0 when a name is empty or too long. */
static size_t set_msg_size(const char *ifname, const char *const *names, unsigned n)
{
	size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) + 2 * MNL_ATTR_HDRLEN +
		     MNL_ALIGN(strlen(ifname) + 1) + 2 * MNL_ATTR_HDRLEN;

	for (unsigned i = 0; i < n; i++) {
		size_t l = names[i] ? strlen(names[i]) : 0;

		if (l == 0 || l >= ETH_GSTRING_LEN)
			return 0;
		len += 3 * MNL_ATTR_HDRLEN + MNL_ALIGN(l + 1);
	}
	return len;
}

int nl_ethtool_features_set_msg(struct nl_batch *b, uint16_t family, const char *ifname,
				const char *const *names, const bool *on, unsigned n)
{
	struct nlattr *wanted, *bits, *bit;
	struct nlmsghdr *nlh;
	size_t need;

	if (!nl_name_ok(ifname) || !family || (n && (!names || !on)))
		return -EINVAL;
	need = set_msg_size(ifname, names, n);
	if (need == 0)
		return -EINVAL;
	if (need > NL_MSG_MAX)
		return -EMSGSIZE;
	nlh = feat_start(b, family, ETHTOOL_MSG_FEATURES_SET, ifname, "set features");
	if (!nlh)
		return -ENOBUFS;
	wanted = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	for (unsigned i = 0; i < n; i++) {
		bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
		mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, names[i]);
		/* Without NOMASK, a listed bit without VALUE is set to off. */
		if (on[i])
			mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, "");
		mnl_attr_nest_end(nlh, bit);
	}
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, wanted);
	return 0;
}

enum { SET_HW, SET_WANTED, SET_ACTIVE, SET_NOCHANGE };

struct feat_ctx {
	struct nl_features *f;
	bool hw[NFEAT], nochange[NFEAT];
	bool got;		      /* a reply arrived */
	char missed[ETH_GSTRING_LEN]; /* set: first bit that did not take */
	bool missed_on;		      /* ...and the value asked for */
};

/* One ETHTOOL_A_BITSET_BITS_BIT. A list bitset (NOMASK) holds only the bits
 * that are set; otherwise VALUE says whether a listed bit is. */
static int parse_bit(const struct nlattr *a, bool list, int which, struct feat_ctx *c)
{
	const struct nlattr *tb[ETHTOOL_A_BITSET_BIT_MAX + 1];
	bool on;
	uint32_t i;

	if (nl_tb_nested(a, tb, ETHTOOL_A_BITSET_BIT_MAX) < 0 || !tb[ETHTOOL_A_BITSET_BIT_INDEX] ||
	    !tb[ETHTOOL_A_BITSET_BIT_NAME])
		return -EBADMSG;
	i = nl_tb_u32(tb[ETHTOOL_A_BITSET_BIT_INDEX], UINT32_MAX);
	on = list || tb[ETHTOOL_A_BITSET_BIT_VALUE];
	if (!c->f) { /* a set reply: every listed bit missed */
		if (!c->missed[0]) {
			nl_tb_str(c->missed, sizeof(c->missed), tb[ETHTOOL_A_BITSET_BIT_NAME]);
			c->missed_on = on;
		}
		return 0;
	}
	if (i >= NFEAT)
		return 0; /* more features than we keep */
	nl_tb_str(c->f->f[i].name, sizeof(c->f->f[i].name), tb[ETHTOOL_A_BITSET_BIT_NAME]);
	c->f->n = i + 1 > c->f->n ? i + 1 : c->f->n;
	if (which == SET_HW)
		c->hw[i] = on;
	else if (which == SET_WANTED)
		c->f->f[i].wanted = on;
	else if (which == SET_ACTIVE)
		c->f->f[i].active = on;
	else
		c->nochange[i] = on;
	return 0;
}

static int parse_bitset(const struct nlattr *set, int which, struct feat_ctx *c)
{
	const struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1], *a;
	int err = 0;

	if (!set)
		return 0;
	if (nl_tb_nested(set, tb, ETHTOOL_A_BITSET_MAX) < 0 || !tb[ETHTOOL_A_BITSET_BITS])
		return -EBADMSG; /* compact, which we never ask for */
	mnl_attr_for_each_nested(a, tb[ETHTOOL_A_BITSET_BITS])
	{
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_BITS_BIT && !err)
			err = parse_bit(a, tb[ETHTOOL_A_BITSET_NOMASK] != NULL, which, c);
	}
	return err;
}

static int feat_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	const struct nlattr *tb[ETHTOOL_A_FEATURES_MAX + 1];
	struct feat_ctx *c = data;
	int err;

	(void)idx;
	if (nl_tb_parse(nlh, sizeof(struct genlmsghdr), tb, ETHTOOL_A_FEATURES_MAX) < 0)
		return -EBADMSG;
	c->got = true;
	err = parse_bitset(tb[ETHTOOL_A_FEATURES_WANTED], SET_WANTED, c);
	if (!err && c->f)
		err = parse_bitset(tb[ETHTOOL_A_FEATURES_HW], SET_HW, c);
	if (!err && c->f)
		err = parse_bitset(tb[ETHTOOL_A_FEATURES_ACTIVE], SET_ACTIVE, c);
	if (!err && c->f)
		err = parse_bitset(tb[ETHTOOL_A_FEATURES_NOCHANGE], SET_NOCHANGE, c);
	return err;
}

int nl_ethtool_features_get(struct nl_ethtool *et, const char *ifname, struct nl_features *out,
			    struct nl_err *e)
{
	struct feat_ctx c = {.f = out};
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err;

	memset(out, 0, sizeof(*out));
	err = nl_send_one(&et->s, b, nl_ethtool_features_get_msg(b, et->family, ifname), feat_cb,
			  &c, e, "get features", "link %s", ifname ? ifname : "");
	if (!err && !c.got)
		err = nl_err_set(e, -EBADMSG, "get features", "link %s", ifname);
	/* ethtool -k's "[fixed]": not changeable by the device, or never. */
	for (unsigned i = 0; !err && i < out->n; i++)
		out->f[i].fixed = !c.hw[i] || c.nochange[i];
	return err;
}

const struct nl_feature *nl_features_find(const struct nl_features *f, const char *name)
{
	for (unsigned i = 0; i < f->n && name; i++)
		if (f->f[i].name[0] && !strcmp(f->f[i].name, name))
			return &f->f[i];
	return NULL;
}

/* Refuses, before anything changes, a name the device does not know and a
 * fixed feature asked to leave its state. */
static int precheck(const struct nl_features *cur, const char *ifname, const char *const *names,
		    const bool *on, unsigned n, struct nl_err *e)
{
	for (unsigned i = 0; i < n; i++) {
		const struct nl_feature *f = nl_features_find(cur, names[i]);

		if (!f) {
			nl_err_set(e, -EINVAL, "set features", "link %s", ifname);
			nl_err_msg(e, "unknown feature %s", names[i] ? names[i] : "(null)");
			nl_err_kind(e, NL_ERR_INVALID);
			return -EINVAL;
		}
		if (f->fixed && f->active != on[i]) {
			nl_err_set(e, -EOPNOTSUPP, "set features", "link %s", ifname);
			nl_err_msg(e, "feature %s is fixed %s", f->name, f->active ? "on" : "off");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* Without a set reply, reads the features back to find one that missed. */
static int readback(struct nl_ethtool *et, const char *ifname, const char *const *names,
		    const bool *on, unsigned n, struct feat_ctx *c, struct nl_err *e)
{
	struct nl_features now;
	int err = nl_ethtool_features_get(et, ifname, &now, e);

	for (unsigned i = 0; !err && i < n && !c->missed[0]; i++) {
		const struct nl_feature *f = nl_features_find(&now, names[i]);

		if (f && f->active != on[i]) {
			snprintf(c->missed, sizeof(c->missed), "%s", f->name);
			c->missed_on = on[i];
		}
	}
	return err;
}

int nl_ethtool_features_set(struct nl_ethtool *et, const char *ifname, const char *const *names,
			    const bool *on, unsigned n, struct nl_err *e)
{
	struct nl_features cur;
	struct feat_ctx c = {0};
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err = nl_ethtool_features_get(et, ifname, &cur, e);

	if (!err)
		err = precheck(&cur, ifname, names, on, n, e);
	if (!err)
		err = nl_send_one(&et->s, b,
				  nl_ethtool_features_set_msg(b, et->family, ifname, names, on, n),
				  feat_cb, &c, e, "set features", "link %s", ifname);
	if (!err && !c.got)
		err = readback(et, ifname, names, on, n, &c, e);
	if (!err && c.missed[0]) {
		err = nl_err_set(e, -EOPNOTSUPP, "set features", "link %s", ifname);
		nl_err_msg(e, "feature %s stays %s", c.missed, c.missed_on ? "off" : "on");
	}
	return err;
}
