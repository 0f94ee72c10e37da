/* fwt — see fwt.h. */
#include "fwt.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct nl_prefix fwt_prefix(const char *s)
{
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

struct fw_net fwt_net_a(enum fw_model m)
{
	return (struct fw_net){
		"na", m, "lan0", 2, {fwt_prefix("10.0.1.0/24"), fwt_prefix("fd00:1::/64")}};
}

struct fw_net fwt_net_b(enum fw_model m)
{
	return (struct fw_net){"nb", m, "lan1", 1, {fwt_prefix("10.0.2.0/24")}};
}

long fwt_counter(const char *ns, const char *table, const char *name)
{
	json_object *o = th_json("%s%s nft -j list counter %s %s", ns ? "ip netns exec " : "",
				 ns ? ns : "", table, name);
	json_object *items, *c;
	long packets = -1;

	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(items, i), "counter", &c))
			packets = th_jint(c, "packets");
	json_object_put(o);
	ck_assert_int_ge(packets, 0);
	return packets;
}

long fwt_rejected(const char *chain)
{
	json_object *o = th_json("nft -j list chain inet vnet %s", chain);
	json_object *items, *rule, *exprs, *c;
	long packets = -1;

	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(items, i), "rule",
					       &rule) ||
		    !json_object_object_get_ex(rule, "expr", &exprs))
			continue;
		for (size_t k = 0; k < json_object_array_length(exprs); k++)
			if (json_object_object_get_ex(json_object_array_get_idx(exprs, k),
						      "counter", &c))
				packets = th_jint(c, "packets");
	}
	json_object_put(o);
	ck_assert_int_ge(packets, 0);
	return packets;
}

struct fw_plan *fwt_build(const struct fw_net *n)
{
	struct fw_plan *p = NULL;
	struct nl_err e;
	char line[300];

	ck_assert_msg(fw_plan_build(n, &p, &e) == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	return p;
}

int fwt_run(const struct fw_net *n, bool remove, struct nl_err *e)
{
	struct fw_plan *p = fwt_build(n);
	struct fw fw;
	char line[300];
	int err;

	ck_assert_msg(fw_open(&fw, e) == 0, "%s", nl_err_str(e, line, sizeof(line)));
	err = remove ? fw_remove(&fw, n, e) : fw_apply(&fw, p, e);
	fw_close(&fw);
	fw_plan_free(p);
	return err;
}

void fwt_must(const struct fw_net *n, bool remove)
{
	struct nl_err e;
	char line[300];

	ck_assert_msg(fwt_run(n, remove, &e) == 0, "%s %s: %s", remove ? "remove" : "apply",
		      n->name, nl_err_str(&e, line, sizeof(line)));
}

void fwt_check_listing(const struct fw_plan *p)
{
	char *text = fw_plan_render(p), *listed = th_out(NULL, "nft -s list table inet vnet");
	json_object *o = th_json("nft -j list table inet vnet");
	json_object *items, *x;
	unsigned rules = 0, chains = 0, want_chains = 0;

	ck_assert_str_eq(listed, text);
	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		bool rule = json_object_object_get_ex(it, "rule", &x);
		const char *chain;

		if (!rule && !json_object_object_get_ex(it, "chain", &x))
			continue;
		chain = th_jstr(x, rule ? "chain" : "name");
		if (!strcmp(chain, "forward") || !strcmp(chain, "postrouting"))
			continue;
		if (rule)
			rules++;
		else
			chains++;
	}
	for (const char *s = text; (s = strstr(s, "\tchain ")); s++)
		want_chains++;
	ck_assert_uint_eq(rules, fw_plan_rule_count(p));
	ck_assert_uint_eq(chains, want_chains - FW_NBASES);
	json_object_put(o);
	free(listed);
	free(text);
}
