/* Namespace tests of taking a network down and away (`vnet down`,
 * `vnet destroy`) whatever else the ruleset holds: what jumps to the
 * network's chains from elsewhere (an element of another key, a rule of
 * another chain) is removed with them, so that nothing can block the
 * removal; a network whose hand-written definition collides with a running
 * one (its subnet, its bridge) and never ran is taken down and forgotten
 * without touching that one; and the same create again, after a destroy
 * that stopped halfway, says what it restored. Everything is observed from
 * outside vnet (nft, ip, ls, ping). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/vnettest.h"

/* Nothing of network n1 (bridge n1, subnet 10.0.0.0/24) is left: no link,
 * nothing in the ruleset that names it or jumps to it, no file. */
static void nothing_of_n1_left(void)
{
	ck_assert_int_ne(th_sh("ip link show n1 >/dev/null 2>&1"), 0);
	ck_assert_str_eq(th_str("nft list table inet vnet | grep -E 'n1|10\\.0\\.0\\.' || true"),
			 "");
	ck_assert_str_eq(th_str("ls -A $VNET_RUN_DIR $VNET_CONF_DIR | grep -E '^n1\\.' || true"),
			 "");
}

/* What jumps to n1's chains from elsewhere, by hand: elements of other
 * keys in each dispatch map (a subnet, a range, a bridge name) and a rule
 * of a chain of the table. */
static const char strays[] =
	"nft add element inet vnet nat_v4 '{ 10.99.0.0/24 : jump n1-nat }' && "
	"nft add element inet vnet nat_v4 '{ 10.98.0.5-10.98.0.9 : jump n1-nat }' && "
	"nft add element inet vnet to_bridge '{ \"zz\" : jump n1-in }' && "
	"nft add element inet vnet from_bridge '{ \"zz\" : jump n1-out }' && "
	"nft add chain inet vnet mine && nft add rule inet vnet mine jump n1-out";

START_TEST(destroy_takes_what_jumps_to_its_chains_along)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat other 10.1.0.0/24 2>/dev/null"), 0);
	ck_assert_int_eq(nt_run("create nat n1 10.0.0.0/24 2>/dev/null"), 0);
	ck_assert_int_eq(th_sh("%s", strays), 0);
	err = nt_err(&code, "destroy n1");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(code, 0);
	free(err);
	nothing_of_n1_left();
	ck_assert_str_eq(
		th_str("nft list table inet vnet | grep -cE '10\\.9[89]\\.|\"zz\"' || true"),
		"0\n");
	/* the chain that held the rule stays, without it */
	ck_assert_str_eq(th_str("nft list chain inet vnet mine | grep -c jump || true"), "0\n");
	/* the other network runs on, untouched */
	ck_assert_str_eq(th_str("$VNET show other -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	/* and n1 comes back new: no "exists" */
	err = nt_err(&code, "create nat n1 10.0.0.0/24");
	ck_assert_int_eq(code, 0);
	ck_assert_msg(!strstr(err, "exists"), "%s", err);
	free(err);
	ck_assert_int_eq(nt_run("destroy n1"), 0);
	nothing_of_n1_left();
}
END_TEST

/* A table of vnet's name that is not vnet's (made again by hand) holds
 * nothing of the network: destroy finishes, and leaves that table alone. */
START_TEST(destroy_finishes_when_the_table_is_not_vnet_s)
{
	char *before;

	ck_assert_int_eq(nt_run("create nat n1 10.0.0.0/24 2>/dev/null"), 0);
	ck_assert_int_eq(th_sh("nft delete table inet vnet && nft add table inet vnet && "
			       "nft add chain inet vnet mine"),
			 0);
	before = th_out(NULL, "nft -a list ruleset");
	ck_assert_int_eq(nt_run("destroy n1"), 0);
	ck_assert_str_eq(th_str("nft -a list ruleset"), before);
	free(before);
	nothing_of_n1_left();
}
END_TEST

/* down too: the network can come up again afterwards. */
START_TEST(down_takes_what_jumps_to_its_chains_along)
{
	ck_assert_int_eq(nt_run("create nat n1 10.0.0.0/24 --no-dhcp 2>/dev/null"), 0);
	ck_assert_int_eq(th_sh("%s", strays), 0);
	ck_assert_int_eq(nt_run("down n1"), 0);
	ck_assert_str_eq(th_str("nft list table inet vnet | grep -E 'n1-|10\\.9[89]\\.' || true"),
			 "");
	ck_assert_int_eq(nt_run("up n1"), 0);
	nt_guest("g1", "n1", NULL, "10.0.0.2/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_str_eq(th_str("$VNET show n1 -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
}
END_TEST

/* A destroy that stopped halfway (killed after its bridge went, its
 * dnsmasq and rules before it) leaves the definition: the same create
 * again restores the network and says what it restored; once more, it
 * says there was nothing to change; destroy finishes. */
START_TEST(create_again_after_a_halfway_destroy_says_what_it_restored)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat n1 10.0.0.0/24 2>/dev/null"), 0);
	ck_assert_int_eq(th_sh("VNET_KILL_AT=teardown-bridge $VNET destroy n1 2>/dev/null"),
			 128 + SIGKILL);
	ck_assert_int_ne(th_sh("ip link show n1 >/dev/null 2>&1"), 0);
	err = nt_err(&code, "create nat n1 10.0.0.0/24");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err, "vnet: network n1 exists as asked; restored what was missing: "
			      "bridge n1\n");
	free(err);
	ck_assert_str_eq(th_str("$VNET show n1 -j | jq -r '.state, (.dnsmasq_pid > 0)'"),
			 "up\ntrue\n");
	err = nt_err(&code, "create nat n1 10.0.0.0/24");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err, "vnet: network n1 exists already as asked; nothing to change\n");
	free(err);
	/* taken down: the same create brings all of it back */
	ck_assert_int_eq(nt_run("down n1"), 0);
	err = nt_err(&code, "create nat n1 10.0.0.0/24");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err, "vnet: network n1 exists as asked; restored what was missing: "
			      "all of it (it was down)\n");
	free(err);
	ck_assert_int_eq(nt_run("destroy n1"), 0);
	nothing_of_n1_left();
}
END_TEST

/* Definitions written by hand that collide with the running network good
 * (10.50.0.0/24, bridge good, two forwards): never brought up, so nothing
 * of them runs. */
static const char *const hand[] = {
	/* its subnet inside good's, from the same start */
	"[network]\nname = hand\nmodel = nat\n[subnet]\nprefix = 10.50.0.0/25\n",
	/* inside good's, from another start */
	"[network]\nname = hand\nmodel = nat\n[subnet]\nprefix = 10.50.0.128/25\n",
	/* around good's, from another start */
	"[network]\nname = hand\nmodel = nat\n[subnet]\nprefix = 10.48.0.0/12\n",
	/* good's bridge */
	"[network]\nname = hand\nmodel = nat\nbridge = good\n[subnet]\nprefix = 10.51.0.0/24\n",
};

/* What good is made of: its rules (without counters), its bridge, its
 * IPv4 addresses. */
#define GOOD "nft -s -a list ruleset; ip -br link show good; ip -4 -br addr show good"

START_TEST(a_colliding_definition_never_up_goes_without_touching_the_other)
{
	char file[320], *before, *err;
	int code;
	FILE *f;

	ck_assert_int_eq(nt_run("create nat good 10.50.0.0/24 2>/dev/null"), 0);
	ck_assert_int_eq(nt_run("forward add good tcp 8080 10.50.0.5:80"), 0);
	ck_assert_int_eq(nt_run("forward add good tcp 8081 10.50.0.200:80"), 0);
	nt_guest("g1", "good", NULL, "10.50.0.5/24", "10.50.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	before = th_out(NULL, GOOD);
	snprintf(file, sizeof(file), "%s/hand.conf", getenv("VNET_CONF_DIR"));
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs(hand[_i], f);
	fclose(f);
	err = nt_err(&code, "down hand");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(code, 0);
	free(err);
	err = nt_err(&code, "destroy hand");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(code, 0);
	free(err);
	ck_assert_int_ne(access(file, F_OK), 0);
	ck_assert_str_eq(th_str(GOOD), before);
	free(before);
	ck_assert_str_eq(th_str("$VNET show good -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	ck_assert(nt_ping("g1", "192.0.2.2"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_teardown");
	TCase *t = tcase_create("teardown");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, destroy_takes_what_jumps_to_its_chains_along);
	tcase_add_test(t, destroy_finishes_when_the_table_is_not_vnet_s);
	tcase_add_test(t, down_takes_what_jumps_to_its_chains_along);
	tcase_add_test(t, create_again_after_a_halfway_destroy_says_what_it_restored);
	tcase_add_loop_test(t, a_colliding_definition_never_up_goes_without_touching_the_other, 0,
			    sizeof(hand) / sizeof(hand[0]));
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_teardown", true);
}
