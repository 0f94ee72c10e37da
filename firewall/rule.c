/* rule — one rule of a plan or of the skeleton (its terms, see expr.h) as
 * libnftnl expressions, marked in its user data with the digest of those
 * expressions. The kernel keeps a rule's user data verbatim, so the mark
 * read back says which rule vnet made there; read.c's header says why
 * rules compare by this mark and not by what the kernel lists. */
#include "firewall/internal.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <string.h>

#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

/* Room for one rule's message: libnftnl writes without bounds, so more
 * than the NL_MSG_MAX a message may use, which is checked after. */
#define SCRATCH (4 * NL_MSG_MAX)

static int build_terms(struct nftnl_rule *r, const struct fw_rule *ru)
{
	int err = 0;

	for (unsigned i = 0; i < ru->nterms && !err; i++)
		err = fw_term_build(r, &ru->term[i]);
	return err;
}

/* FNV-1a (64 bits) of the NFTA_RULE_EXPRESSIONS attribute libnftnl makes
 * of r, big endian. A digest against accidents, not against an attacker:
 * only root writes nftables, and root is trusted. */
static int digest(const struct nftnl_rule *r, uint8_t d[FW_DIGEST_LEN])
{
	/* zeroed as far as a message may reach (one longer is refused below):
	 * libnftnl leaves attribute padding as it finds it. Not the whole
	 * scratch room: a pass of vnetd digests every rule of every network */
	union {
		struct nlmsghdr h;
		char b[SCRATCH];
	} buf;
	struct nlmsghdr *nlh;

	memset(buf.b, 0, NL_MSG_MAX + NLA_ALIGNTO);
	nlh = mnl_nlmsg_put_header(buf.b);
	const struct nlattr *a;
	uint64_t h = 0xcbf29ce484222325u;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *)r);
	if (nlh->nlmsg_len > NL_MSG_MAX)
		return -EMSGSIZE;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		const uint8_t *p = mnl_attr_get_payload(a);

		if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS)
			continue;
		for (uint16_t i = 0; i < mnl_attr_get_payload_len(a); i++)
			h = (h ^ p[i]) * 0x100000001b3u;
	}
	for (unsigned i = 0; i < FW_DIGEST_LEN; i++)
		d[i] = (uint8_t)(h >> (8 * (FW_DIGEST_LEN - 1 - i)));
	return 0;
}

int fw_rule_build(struct nftnl_rule *r, const struct fw_rule *ru)
{
	int err = build_terms(r, ru);

	return err ? err : fw_rule_seal(r, NULL);
}

int fw_rule_seal(struct nftnl_rule *r, uint8_t out[FW_DIGEST_LEN])
{
	struct nftnl_udata_buf *u = NULL;
	uint8_t d[FW_DIGEST_LEN];
	int err = digest(r, d);

	if (!err && !(u = nftnl_udata_buf_alloc(2 + FW_DIGEST_LEN)))
		err = -ENOMEM;
	if (!err && !nftnl_udata_put(u, FW_UDATA_DIGEST, FW_DIGEST_LEN, d))
		err = -ENOMEM;
	if (!err)
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				    nftnl_udata_buf_len(u));
	if (!err && out)
		memcpy(out, d, FW_DIGEST_LEN);
	if (u)
		nftnl_udata_buf_free(u);
	return err;
}

int fw_rule_digest(const struct fw_rule *ru, uint8_t d[FW_DIGEST_LEN])
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = r ? build_terms(r, ru) : -ENOMEM;

	if (!err)
		err = digest(r, d);
	if (r)
		nftnl_rule_free(r);
	return err;
}

static int mark_cb(const struct nftnl_udata *a, void *data)
{
	uint8_t *d = data;

	if (nftnl_udata_type(a) == FW_UDATA_DIGEST && nftnl_udata_len(a) == FW_DIGEST_LEN) {
		memcpy(d + 1, nftnl_udata_get(a), FW_DIGEST_LEN);
		d[0] = 1;
	}
	return 0;
}

bool fw_rule_mark(const void *ud, uint32_t len, uint8_t d[FW_DIGEST_LEN])
{
	uint8_t found[1 + FW_DIGEST_LEN] = {0};

	if (!ud || nftnl_udata_parse(ud, len, mark_cb, found) < 0 || !found[0])
		return false;
	memcpy(d, found + 1, FW_DIGEST_LEN);
	return true;
}
