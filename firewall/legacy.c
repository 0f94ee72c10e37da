/* legacy — iptables-legacy's filter table, which nftables dumps cannot
 * show, read from the text of `iptables-legacy -S` (doctor runs it; see
 * fw.h) into the form of inspect.h: each -A line's options become the
 * expressions iptables-nft would have made of them (-i/-o, -s/-d, -p,
 * --dport, conntrack/state), other matches a maybe; -P gives a builtin
 * chain its hook and policy. A rule's handle is its number in its chain. */
#include "firewall/inspect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

/* The next word of s (double quotes group, \" escapes), or NULL. */
static char *word(char **s)
{
	char *p = *s, *w, *o;
	bool q = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	for (w = o = p; *p && (q || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			q = !q;
		} else if (*p == '\\' && p[1]) {
			*o++ = *++p;
		} else {
			*o++ = *p;
		}
	}
	if (*p)
		p++;
	*o = '\0';
	*s = p;
	return w;
}

static struct x *cmp_x(struct fw_ruleset *rs, struct xrule *r, bool neg, const void *v, size_t n)
{
	struct x *x = fw_x_new(rs, r, X_CMP);

	if (x) {
		x->key = neg ? NFT_CMP_NEQ : NFT_CMP_EQ;
		x->len = (uint8_t)(n > DATASZ ? DATASZ : n);
		x->sreg = NFT_REG_SIZE;
		memcpy(x->data, v, x->len);
	}
	return x;
}

static void load_x(struct fw_ruleset *rs, struct xrule *r, uint8_t kind, uint8_t key, uint8_t off,
		   uint8_t len)
{
	struct x *x = fw_x_new(rs, r, kind);

	if (x) {
		x->key = key;
		x->off = off;
		x->len = len;
		x->dreg = NFT_REG_SIZE;
	}
}

static void legacy_ifname(struct fw_ruleset *rs, struct xrule *r, bool neg, uint8_t key,
			  const char *name)
{
	char buf[NL_IFNAMSIZ] = "";
	size_t n = strnlen(name, NL_IFNAMSIZ - 1);

	memcpy(buf, name, n);
	if (n && buf[n - 1] == '+')
		buf[--n] = '\0'; /* a prefix: the name's bytes only */
	else
		n++; /* the whole name: its NUL too */
	load_x(rs, r, X_META, key, 0, NL_IFNAMSIZ);
	cmp_x(rs, r, neg, buf, n);
}

static void legacy_addr(struct fw_ruleset *rs, struct xrule *r, bool neg, uint8_t nfproto, bool dst,
			const char *text)
{
	struct nl_prefix p;
	struct x *x;
	uint8_t len = nfproto == NFPROTO_IPV6 ? 16 : 4;

	if (nl_prefix_parse(text, NL_PREFIX_PLAIN, "address", &p, NULL) ||
	    p.family != (nfproto == NFPROTO_IPV6 ? AF_INET6 : AF_INET)) {
		fw_x_maybe(rs, r, dst ? "-d" : "-s");
		return;
	}
	load_x(rs, r, X_PAYLOAD, NFT_PAYLOAD_NETWORK_HEADER,
	       (uint8_t)(nfproto == NFPROTO_IPV6 ? (dst ? 24 : 8) : (dst ? 16 : 12)), len);
	if ((x = fw_x_new(rs, r, X_BITWISE))) {
		x->sreg = x->dreg = NFT_REG_SIZE;
		x->len = len;
		for (unsigned i = 0; i < p.len; i++)
			x->mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
	for (unsigned i = 0; i < len; i++)
		p.a.b[i] &= x ? x->mask[i] : 0;
	cmp_x(rs, r, neg, p.a.b, len);
}

static void legacy_proto(struct fw_ruleset *rs, struct xrule *r, bool neg, const char *p)
{
	uint8_t v = !strcmp(p, "tcp") ? 6 : !strcmp(p, "udp") ? 17 : (uint8_t)atoi(p);

	if (!strcmp(p, "all"))
		return;
	if (!v) {
		fw_x_maybe(rs, r, "-p");
		return;
	}
	load_x(rs, r, X_META, NFT_META_L4PROTO, 0, 1);
	cmp_x(rs, r, neg, &v, 1);
}

static void legacy_port(struct fw_ruleset *rs, struct xrule *r, bool neg, const char *p)
{
	char *end;
	unsigned long v = strtoul(p, &end, 10);
	uint8_t be[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	if (*end || !v || v > 65535) {
		fw_x_maybe(rs, r, "--dport");
		return;
	}
	load_x(rs, r, X_PAYLOAD, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp_x(rs, r, neg, be, 2);
}

static void legacy_state(struct fw_ruleset *rs, struct xrule *r, bool neg, char *list)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} st[] = {{"INVALID", NF_CT_STATE_INVALID_BIT},
		  {"ESTABLISHED", NF_CT_STATE_BIT(IP_CT_ESTABLISHED)},
		  {"RELATED", NF_CT_STATE_BIT(IP_CT_RELATED)},
		  {"NEW", NF_CT_STATE_BIT(IP_CT_NEW)},
		  {"UNTRACKED", NF_CT_STATE_UNTRACKED_BIT}};
	uint32_t mask = 0, zero = 0;
	struct x *x;

	for (char *s = strtok(list, ","); s; s = strtok(NULL, ","))
		for (unsigned i = 0; i < sizeof(st) / sizeof(st[0]); i++)
			mask |= strcmp(s, st[i].name) ? 0 : st[i].bit;
	load_x(rs, r, X_CT, NFT_CT_STATE, 0, 4);
	if ((x = fw_x_new(rs, r, X_BITWISE))) {
		x->sreg = x->dreg = NFT_REG_SIZE;
		x->len = 4;
		memcpy(x->mask, &mask, 4);
	}
	cmp_x(rs, r, !neg, &zero, 4); /* != 0: in the list */
}

static void legacy_target(struct xrule *r, const char *t, bool go)
{
	static const char *const std[][2] = {
		{"ACCEPT", "a"}, {"DROP", "d"}, {"REJECT", "r"}, {"RETURN", "R"}};
	static const uint8_t v[] = {V_ACCEPT, V_DROP, V_REJECT, V_RETURN};

	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(t, std[i][0])) {
			r->verdict = v[i];
			return;
		}
	/* a chain of the table, or an extension target (LOG, MARK...),
	 * which jumps nowhere: find_chain tells them apart when evaluating */
	r->verdict = go ? V_GOTO : V_JUMP;
	snprintf(r->target, sizeof(r->target), "%s", t);
}

/* An option's value: the next word, unless that is the next option. */
static char *value(char **s)
{
	char *p = *s, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '-' || !*p || !(w = word(s)) ? (char *)"" : w;
}

/* One -A line's options after the chain's name. */
static void legacy_rule(struct fw_ruleset *rs, struct xrule *r, uint8_t nfproto, char *s)
{
	bool neg = false;
	char *w, *v, what[24];

	while ((w = word(&s))) {
		if (!strcmp(w, "!")) {
			neg = true;
			continue;
		}
		if (!strcmp(w, "-j") || !strcmp(w, "-g")) {
			if ((v = word(&s)))
				legacy_target(r, v, w[1] == 'g');
			return; /* the target's own options follow */
		}
		v = value(&s);
		if (!strcmp(w, "-i") || !strcmp(w, "-o"))
			legacy_ifname(rs, r, neg, w[1] == 'i' ? NFT_META_IIFNAME : NFT_META_OIFNAME,
				      v);
		else if (!strcmp(w, "-s") || !strcmp(w, "-d"))
			legacy_addr(rs, r, neg, nfproto, w[1] == 'd', v);
		else if (!strcmp(w, "-p"))
			legacy_proto(rs, r, neg, v);
		else if (!strcmp(w, "--dport"))
			legacy_port(rs, r, neg, v);
		else if (!strcmp(w, "--ctstate") || !strcmp(w, "--state"))
			legacy_state(rs, r, neg, v);
		else if (!strcmp(w, "--comment") ||
			 (!strcmp(w, "-m") &&
			  (!strcmp(v, "comment") || !strcmp(v, "tcp") || !strcmp(v, "udp") ||
			   !strcmp(v, "conntrack") || !strcmp(v, "state"))))
			; /* the matches that follow say it, or nothing to match */
		else if (!strcmp(w, "-m")) {
			snprintf(what, sizeof(what), "-m %s", v);
			fw_x_maybe(rs, r, what);
		} else {
			fw_x_maybe(rs, r, w);
		}
		neg = false;
	}
}

int fw_inspect_legacy(struct fw_ruleset *rs, uint8_t nfproto, const char *text, struct nl_err *e)
{
	char *copy = strdup(text), *line, *save = NULL;
	static const struct {
		const char *name;
		uint32_t hook;
	} builtin[] = {{"INPUT", NF_INET_LOCAL_IN},
		       {"FORWARD", NF_INET_FORWARD},
		       {"OUTPUT", NF_INET_LOCAL_OUT}};

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s = line + 3, *full = strdup(line), *name;
		struct xrule *r;
		int c;

		if (strncmp(line, "-P ", 3) && strncmp(line, "-N ", 3) && strncmp(line, "-A ", 3)) {
			free(full);
			continue;
		}
		if (!(name = word(&s)) ||
		    (c = fw_chain_of(rs, nfproto, true, "filter", name)) < 0) {
			free(full);
			continue;
		}
		for (unsigned i = 0; line[1] == 'P' && i < 3; i++)
			if (!strcmp(name, builtin[i].name)) {
				rs->chain[c].base = true;
				rs->chain[c].hook = builtin[i].hook;
				rs->chain[c].drop = !strncmp(s, "DROP", 4);
			}
		if (line[1] != 'A' || !(r = fw_rule_new(rs, (unsigned)c))) {
			free(full);
			continue;
		}
		r->line = full;
		for (unsigned i = 0; i + 1 < rs->nrule; i++)
			r->handle += rs->rule[i].chain == (unsigned)c;
		r->handle++; /* its number in the chain, as iptables -L --line-numbers says */
		legacy_rule(rs, r, nfproto, s);
	}
	free(copy);
	fw_mark_docker(rs);
	if (!copy || rs->nomem)
		return nl_err_set(e, -ENOMEM, "read", "iptables-legacy rules");
	return 0;
}
