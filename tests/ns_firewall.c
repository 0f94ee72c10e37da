/* Namespace tests of the firewall layer, what the kernel holds: each
 * model's table as planned (forwards too), all-or-nothing transactions,
 * ownership (a foreign table untouched, a table of our name refused),
 * removal complete and idempotent, repair of a damaged skeleton, and that
 * an apply sends only what differs (rule handles kept; a forward is one
 * element added or deleted). Each test runs in a fresh network namespace
 * (harness.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fwt.h"
#include "firewall/internal.h"
#include "firewall/testing.h"

static const struct variant {
	enum fw_model model;
	bool isolate_ports;
	bool v6;
	bool dhcp;
	unsigned forwards;
} variants[] = {
	{FW_ISOLATED, false, false, true},
	{FW_ROUTED, false, false},
	{FW_ROUTED, false, true},
	{FW_NAT, false, true, true},
	{FW_NAT, true, false},
	{FW_BRIDGED, false, false, true},
	{FW_NAT, false, false, true, 5},
};

START_TEST(listing_equals_the_plan_for_each_model)
{
	struct fw_net n = fwt_net_a(variants[_i].model);
	struct fw_plan *p;

	n.isolate_ports = variants[_i].isolate_ports;
	n.nsubnets = variants[_i].v6 ? 2 : 1;
	n.dhcp = variants[_i].dhcp;
	for (unsigned i = 0; i < variants[_i].forwards; i++)
		fwt_forward(&n, i % 2 ? "udp" : "tcp", (uint16_t)(1000 + 997 * i), "10.0.1.11",
			    (uint16_t)(80 + i), i == 4 ? "198.51.100.1" : NULL);
	p = fwt_build(&n);
	apply(&n);
	fwt_check_listing(p);
	fw_plan_free(p);
}
END_TEST

START_TEST(apply_twice_leaves_the_same_ruleset)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	apply(&n);
	fwt_reapply_keeps(&n, "nft list ruleset");
}
END_TEST

START_TEST(refused_plan_names_the_rule_and_changes_nothing)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct fw_plan *p = fwt_build(&n);
	struct fw fw;
	struct nl_err e;
	char *before, *after, line[400];
	int err;

	apply(&n);
	before = th_out(NULL, "nft -a list ruleset");
	ck_assert_int_eq(fw_plan_add_jump_for_test(p, "nowhere"), 0);
	ck_assert_int_eq(fw_open(&fw, &e), 0);
	err = fw_apply(&fw, p, &e);
	fw_close(&fw);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(err == -ENOENT, "%d: %s", err, line);
	ck_assert_msg(strstr(line, "rule 6 of chain na-in (jump nowhere): add: "), "%s", line);
	ck_assert_uint_ne(e.request, 0);
	ck_assert_msg(e.attr != 0, "the kernel pointed at no attribute: %s", line);
	ck_assert_msg(!e.msg[0] || e.kernel, "%s", line);
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	fw_plan_free(p);
}
END_TEST

/* A change of forwards (vnet forward add/del: fw_apply_forwards with the
 * plan that ran) reads and writes only the forwards that change: the new
 * one is added, the one whose guest port changed is replaced, and an
 * unchanged one that went behind vnet's back stays gone (neither read nor
 * sent: status names it, a whole apply puts it back). */
START_TEST(forward_change_touches_only_the_forwards_that_change)
{
	struct fw_net was = fwt_net_a(FW_NAT), now;
	struct fw_plan *pw, *pn;
	struct nl_err e;
	char line[300];
	struct fw fw;

	fwt_forward(&was, "tcp", 8080, "10.0.1.11", 80, NULL);
	fwt_forward(&was, "tcp", 8081, "10.0.1.11", 81, NULL);
	apply(&was);
	SH("nft delete element inet vnet fwd_any '{ tcp . 8081 }'");
	now = was;
	now.forward[0].guest_port = 90;
	fwt_forward(&now, "udp", 5353, "10.0.1.11", 53, NULL);
	pw = fwt_build(&was);
	pn = fwt_build(&now);
	ck_assert_int_eq(fw_open(&fw, &e), 0);
	ck_assert_msg(fw_apply_forwards(&fw, pn, pw, &e) == 0, "%s",
		      nl_err_str(&e, line, sizeof(line)));
	fw_close(&fw);
	ck_assert_int_eq(
		th_sh("nft list map inet vnet fwd_any | grep -q 'tcp . 8080 : 10.0.1.11 . 90'"), 0);
	ck_assert_int_eq(
		th_sh("nft list map inet vnet fwd_any | grep -q 'udp . 5353 : 10.0.1.11 . 53'"), 0);
	ck_assert_int_ne(th_sh("nft list map inet vnet fwd_any | grep -q 8081"), 0);
	apply(&now);
	ck_assert_int_eq(
		th_sh("nft list map inet vnet fwd_any | grep -q 'tcp . 8081 : 10.0.1.11 . 81'"), 0);
	fw_plan_free(pw);
	fw_plan_free(pn);
}
END_TEST

static const char foreign[] = "nft -f - <<'EOF'\n"
			      "table ip other {\n"
			      "	chain input {\n"
			      "		type filter hook input priority 0; policy accept;\n"
			      "		tcp dport 22 accept\n"
			      "	}\n"
			      "	chain forward {\n"
			      "		type filter hook forward priority -5; policy drop;\n"
			      "		ip saddr 10.0.1.0/24 counter accept\n"
			      "	}\n"
			      "	chain postrouting {\n"
			      "		type nat hook postrouting priority 50; policy accept;\n"
			      "		oifname \"up0\" masquerade\n"
			      "	}\n"
			      "}\n"
			      "EOF";

START_TEST(foreign_table_stays_identical_across_apply_and_remove)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	char *before, *applied, *removed;

	SH("%s", foreign);
	before = th_out(NULL, "nft -a list table ip other");
	apply(&n);
	applied = th_out(NULL, "nft -a list table ip other");
	remove_net(&n);
	removed = th_out(NULL, "nft -a list table ip other");
	ck_assert_str_eq(applied, before);
	ck_assert_str_eq(removed, before);
	free(before);
	free(applied);
	free(removed);
}
END_TEST

START_TEST(remove_leaves_nothing_of_the_network)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_ROUTED);
	struct fw_plan *pb = fwt_build(&b);
	char *listed;

	apply(&a);
	apply(&b);
	remove_net(&a);
	listed = th_out(NULL, "nft -j list table inet vnet");
	ck_assert_msg(!strstr(listed, "na-") && !strstr(listed, "lan0") &&
			      !strstr(listed, "10.0.1.0"),
		      "left of network na: %s", listed);
	fwt_check_listing(pb); /* the other network is whole */
	free(listed);
	fw_plan_free(pb);
}
END_TEST

START_TEST(removing_an_absent_or_half_present_network_succeeds)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_ROUTED);
	struct fw_plan *pb = fwt_build(&b);
	char *before, *after;

	remove_net(&a); /* no table at all: nothing is made */
	after = th_out(NULL, "nft list ruleset");
	ck_assert_str_eq(after, "");
	free(after);
	apply(&b);
	before = th_out(NULL, "nft -a list ruleset");
	remove_net(&a); /* table without the network */
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(after);
	apply(&a); /* half present: an element and a chain gone */
	SH("nft delete element inet vnet to_bridge '{ \"lan0\" }'");
	SH("nft flush chain inet vnet na-in && nft delete chain inet vnet na-in");
	remove_net(&a);
	fwt_check_listing(pb);
	free(before);
	fw_plan_free(pb);
}
END_TEST

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted and joined again (in place). */
static char *sorted_lines(char *text)
{
	char *lines[512], *copy = strdup(text), *save = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(copy);
	for (char *l = strtok_r(copy, "\n", &save); l && n < 512; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), by_line);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		strcat(strcat(text, lines[i]), "\n");
	free(copy);
	return text;
}

START_TEST(deleted_base_chain_is_repaired_by_apply)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct fw_plan *p = fwt_build(&n);
	char *text = fw_plan_render(p), *listed;

	apply(&n);
	SH("nft flush chain inet vnet forward && nft delete chain inet vnet forward");
	apply(&n);
	/* Recreated, forward now comes last in nft's listing. */
	listed = th_out(NULL, "nft -s list table inet vnet");
	ck_assert_str_eq(sorted_lines(listed), sorted_lines(text));
	free(listed);
	free(text);
	fw_plan_free(p);
}
END_TEST

START_TEST(adding_a_network_leaves_the_base_chains_untouched)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_ROUTED);
	char *before, *after;

	apply(&a);
	before = th_out(NULL, "nft -a list chain inet vnet forward; nft -a list chain inet vnet "
			      "postrouting; nft -a list map inet vnet nat_v4");
	apply(&b); /* only additions: no rule of the base chains is replaced */
	after = th_out(NULL, "nft -a list chain inet vnet forward; nft -a list chain inet vnet "
			     "postrouting; nft -a list map inet vnet nat_v4");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

START_TEST(altered_base_rule_is_repaired_by_apply)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct fw_plan *p = fwt_build(&n);

	apply(&n);
	SH("nft flush chain inet vnet postrouting && nft add rule inet vnet postrouting counter");
	apply(&n);
	fwt_check_listing(p);
	fw_plan_free(p);
}
END_TEST

/* The handle of rule k (from 0) of chain, by nft. */
static long rule_handle(const char *chain, unsigned k)
{
	json_object *o = th_json("nft -j list chain inet vnet %s", chain);
	json_object *items, *rule;
	long handle = -1;

	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items) && handle < 0; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(items, i), "rule", &rule) &&
		    k-- == 0)
			handle = th_jint(rule, "handle");
	json_object_put(o);
	ck_assert_int_ge(handle, 0);
	return handle;
}

/* The problems fw_check finds in the kernel for plan p. */
static struct fw_health check(const struct fw_plan *p)
{
	struct fw_health h;
	struct nl_err e;
	struct fw fw;
	char line[300];

	ck_assert_int_eq(fw_open(&fw, &e), 0);
	ck_assert_msg(fw_check(&fw, p, &h, &e) == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	fw_close(&fw);
	return h;
}

/* A rule is vnet's by the digest of its expressions in its user data, so
 * a rule replaced in place (its chain keeps its length) is found whether
 * it reads otherwise or the same (nft made it, not vnet): status names
 * the chain, and apply puts the plan's rules back. */
START_TEST(a_rule_replaced_in_place_is_found_and_put_back)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct fw_plan *p = fwt_build(&n);
	char same[200];
	const char *swaps[] = {"ip daddr 10.9.9.0/24 return", same};
	struct fw_health h;

	fw_rule_str(&p->rule[1], same, sizeof(same));
	ck_assert_str_eq(same, "ip daddr 10.0.1.0/24 ct state established,related return");
	for (unsigned i = 0; i < 2; i++) {
		apply(&n);
		SH("nft replace rule inet vnet na-in handle %ld %s", rule_handle("na-in", 1),
		   swaps[i]);
		h = check(p);
		ck_assert_uint_eq(h.n, 1);
		ck_assert_str_eq(h.problem[0].object, "chain na-in");
		ck_assert_str_eq(h.problem[0].have, "other rules");
		apply(&n);
		fwt_check_listing(p);
		ck_assert_uint_eq(check(p).n, 0);
	}
	fw_plan_free(p);
}
END_TEST

/* Rules vnet made for another plan carry their own digests: a plan that
 * changed one rule (isolate_ports: drop instead of accept) finds that
 * chain changed, and apply replaces it and nothing else. */
START_TEST(a_changed_plan_replaces_the_chain_it_changed)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct fw_plan *p;
	char *before, *after;
	struct fw_health h;

	apply(&n);
	before = th_out(NULL,
			"nft -a list chain inet vnet na-out; nft -a list chain inet vnet na-nat");
	n.isolate_ports = true;
	p = fwt_build(&n);
	h = check(p);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.problem[0].object, "chain na-in");
	apply(&n);
	fwt_check_listing(p);
	after = th_out(NULL,
		       "nft -a list chain inet vnet na-out; nft -a list chain inet vnet na-nat");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	fw_plan_free(p);
}
END_TEST

START_TEST(table_of_our_name_not_ours_is_refused)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct nl_err e;
	char *before, *after, line[300];

	SH("nft add table inet vnet && nft add chain inet vnet mine");
	before = th_out(NULL, "nft -a list ruleset");
	ck_assert_int_eq(fwt_run(&n, false, &e), -EEXIST);
	ck_assert_int_eq(e.kind, NL_ERR_CONFLICT);
	ck_assert_msg(strstr(nl_err_str(&e, line, sizeof(line)), "table inet vnet"), "%s", line);
	ck_assert_int_eq(fwt_run(&n, true, &e), -EEXIST);
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* Without CAP_NET_ADMIN the kernel refuses a batch at its begin marker
 * and answers nothing else: the send must fail, not wait forever. */
static int unprivileged_apply(void)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	struct nl_batch *b = nl_batch_new();
	struct fw_plan *p = NULL;
	struct nl_err e;
	struct fw fw;
	int err;

	alarm(10);
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	if (!b || fw_plan_build(&n, &p, NULL) || fw_open(&fw, NULL) ||
	    fw_batch_apply(b, p, NULL, NULL))
		return 11;
	err = nl_batch_send(&fw.s, b, NULL, NULL, &e);
	/* the begin marker, request 0 of the batch, is what was refused */
	if (err != -EPERM || strcmp(e.obj, "nftables transaction") || e.request != 1)
		return 12;
	err = fw_apply(&fw, p, &e);
	fw_close(&fw);
	fw_plan_free(p);
	nl_batch_free(b);
	return err == -EPERM ? 0 : 13;
}

START_TEST(batch_refused_as_a_whole_fails_without_waiting)
{
	pid_t pid = fork();
	int st = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(unprivileged_apply());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "the unprivileged apply hung (signal %d)", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* `nft -a list ruleset` before and after f: only the lines of added
 * (+) or deleted (-) elements may differ; rules keep their handles. */
static void only_elements_change(char *before, char *after, const char *added, const char *deleted)
{
	char *b = before, *a = after;

	if (added) {
		char *at = strstr(after, added);

		ck_assert_msg(at, "%s missing from:\n%s", added, after);
		memmove(at, at + strlen(added), strlen(at + strlen(added)) + 1);
	}
	if (deleted) {
		char *at = strstr(before, deleted);

		ck_assert_msg(at, "%s missing from:\n%s", deleted, before);
		memmove(at, at + strlen(deleted), strlen(at + strlen(deleted)) + 1);
	}
	ck_assert_str_eq(a, b);
	free(before);
	free(after);
}

START_TEST(reapplying_a_whole_network_replaces_no_rule)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	char *before;

	n.dhcp = true;
	fwt_forward(&n, "tcp", 8080, "10.0.1.11", 80, NULL);
	apply(&n);
	before = th_out(NULL, "nft -a list ruleset");
	apply(&n);
	only_elements_change(before, th_out(NULL, "nft -a list ruleset"), NULL, NULL);
}
END_TEST

/* Adding a forward to a running network adds its element and nothing
 * else; removing it deletes just that element. */
START_TEST(a_forward_is_one_element_added_or_deleted)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	const char *line = "\t\telements = { tcp . 8080 : 10.0.1.11 . 80 }\n";
	char *before, *added;

	fwt_forward(&n, "udp", 5353, "10.0.1.12", 53, "198.51.100.1");
	apply(&n);
	before = th_out(NULL, "nft -a list ruleset");
	fwt_forward(&n, "tcp", 8080, "10.0.1.11", 80, NULL);
	apply(&n);
	added = th_out(NULL, "nft -a list ruleset");
	only_elements_change(before, strdup(added), line, NULL);
	n.nforwards = 1;
	apply(&n);
	only_elements_change(added, th_out(NULL, "nft -a list ruleset"), NULL, line);
}
END_TEST

START_TEST(apply_deletes_a_stale_forward_of_its_network_only)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_NAT);
	struct fw_plan *pb;
	char *listed;

	fwt_forward(&b, "tcp", 2222, "10.0.2.13", 22, NULL);
	apply(&a);
	apply(&b);
	SH("nft add element inet vnet fwd_any '{ tcp . 8080 : 10.0.1.11 . 80 }'");
	SH("nft add element inet vnet fwd_addr '{ 198.51.100.1 . udp . 53 : 10.0.1.11 . 53 }'");
	apply(&a); /* the two point into a's subnet, a wants none */
	listed = th_out(NULL, "nft list map inet vnet fwd_any; nft list map inet vnet fwd_addr");
	ck_assert_msg(!strstr(listed, "10.0.1.11") && strstr(listed, "tcp . 2222"), "%s", listed);
	free(listed);
	remove_net(&a);
	pb = fwt_build(&b);
	fwt_check_listing(pb);
	fw_plan_free(pb);
}
END_TEST

START_TEST(remove_deletes_the_network_s_forwards)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_NAT);
	struct fw_plan *pb;

	fwt_forward(&a, "tcp", 8080, "10.0.1.11", 80, NULL);
	fwt_forward(&a, "udp", 53, "10.0.1.11", 53, "198.51.100.1");
	fwt_forward(&b, "tcp", 2222, "10.0.2.13", 22, NULL);
	apply(&a);
	apply(&b);
	a.nforwards = 0; /* even those the definition forgot */
	remove_net(&a);
	pb = fwt_build(&b);
	fwt_check_listing(pb);
	fw_plan_free(pb);
}
END_TEST

/* Two networks cannot forward one port: the kernel refuses the element
 * (it holds another guest), and nothing changes. */
START_TEST(a_port_forwarded_by_another_network_is_refused)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_NAT);
	struct nl_err e;
	char *before, *after, line[300];
	int err;

	fwt_forward(&a, "tcp", 8080, "10.0.1.11", 80, NULL);
	fwt_forward(&b, "tcp", 8080, "10.0.2.13", 80, NULL);
	apply(&a);
	before = th_out(NULL, "nft -a list ruleset");
	err = fwt_run(&b, false, &e);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(err == -EEXIST, "%d: %s", err, line);
	ck_assert_msg(strstr(line, "map fwd_any element tcp . 8080: add: "), "%s", line);
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_firewall");
	TCase *t = tcase_create("ns");

	tcase_add_checked_fixture(t, th_netns_setup, th_netns_teardown);
	tcase_add_loop_test(t, listing_equals_the_plan_for_each_model, 0,
			    sizeof(variants) / sizeof(variants[0]));
	tcase_add_test(t, apply_twice_leaves_the_same_ruleset);
	tcase_add_test(t, forward_change_touches_only_the_forwards_that_change);
	tcase_add_test(t, refused_plan_names_the_rule_and_changes_nothing);
	tcase_add_test(t, foreign_table_stays_identical_across_apply_and_remove);
	tcase_add_test(t, remove_leaves_nothing_of_the_network);
	tcase_add_test(t, removing_an_absent_or_half_present_network_succeeds);
	tcase_add_test(t, deleted_base_chain_is_repaired_by_apply);
	tcase_add_test(t, adding_a_network_leaves_the_base_chains_untouched);
	tcase_add_test(t, reapplying_a_whole_network_replaces_no_rule);
	tcase_add_test(t, a_forward_is_one_element_added_or_deleted);
	tcase_add_test(t, apply_deletes_a_stale_forward_of_its_network_only);
	tcase_add_test(t, remove_deletes_the_network_s_forwards);
	tcase_add_test(t, a_port_forwarded_by_another_network_is_refused);
	tcase_add_test(t, altered_base_rule_is_repaired_by_apply);
	tcase_add_test(t, a_rule_replaced_in_place_is_found_and_put_back);
	tcase_add_test(t, a_changed_plan_replaces_the_chain_it_changed);
	tcase_add_test(t, table_of_our_name_not_ours_is_refused);
	tcase_add_test(t, batch_refused_as_a_whole_fails_without_waiting);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_firewall", true);
}
