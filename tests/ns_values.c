/* Namespace tests of the values vnet accepts (issue 10): a name that
 * reaches a file or dnsmasq's configuration holds only letters, digits,
 * '-', '_' and '.'; a subnet, host name or forward address that can never
 * work is refused; and the hooks' files keep their modes whatever the
 * umask. Every refusal is checked from outside vnet: exit code, the one
 * line on stderr, and a host unchanged (links, addresses, routes, ruleset,
 * definitions, dnsmasq's files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

/* An uplink (to a LAN namespace) a bridge name could smuggle into
 * dnsmasq's interface list. */
static void setup(void)
{
	nt_setup();
	ck_assert_int_eq(th_sh("ip netns add lan && ip link add up0 type veth peer name eth0 netns "
			       "lan && ip link set up0 up"),
			 0);
}

#define NAMES  "may hold only letters, digits, '_', '.' and '-'"
#define GUESTS "guests cannot have such addresses"

static const struct {
	const char *args, *msg;
} refused_creates[] = {
	{"create nat x1 10.30.0.0/24 --bridge 'x1,up0'", "bridge name \"x1,up0\": " NAMES},
	{"create nat x1 10.30.0.0/24 --bridge '*'", "bridge name \"*\": " NAMES},
	{"create nat x1 10.30.0.0/24 --bridge 'x1\"'", "bridge name \"x1\\x22\": " NAMES},
	{"create nat x1 10.30.0.0/24 --bridge '#x1'", "bridge name \"#x1\": " NAMES},
	{"create nat x1 10.30.0.0/24 --bridge 'x=1'", "bridge name \"x=1\": " NAMES},
	{"create bridged x1 --uplink 'up0,x1'", "uplink name \"up0,x1\": " NAMES},
	{"create nat x1 10.30.0.0/24 --domain 'a,b'",
	 "domain \"a,b\": may hold only letters, digits, '-' and '.'"},
	{"create nat x1 224.0.0.0/24", "subnet 224.0.0.0/24: is multicast (224.0.0.0/4): " GUESTS},
	{"create nat x1 255.255.255.0/30",
	 "subnet 255.255.255.0/30: is reserved (240.0.0.0/4): " GUESTS},
	{"create isolated x1 169.254.0.0/24",
	 "subnet 169.254.0.0/24: is link-local (169.254.0.0/16): " GUESTS},
	{"create routed x1 127.0.0.0/8", "subnet 127.0.0.0/8: is loopback (127.0.0.0/8): " GUESTS},
	{"create nat x1 0.0.0.0/8", "subnet 0.0.0.0/8: is \"this network\" (0.0.0.0/8): " GUESTS},
	{"create nat x1 fe80::/64", "subnet fe80::/64: is link-local (fe80::/10): " GUESTS},
};

/* Refused (exit 2) with one line naming the value, and nothing made: no
 * link, no file, no rule, no dnsmasq. */
START_TEST(create_refuses_names_and_subnets_that_cannot_work_and_makes_nothing)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "vnet: %s\n", refused_creates[_i].msg);
	nt_refused(2, msg, "%s", refused_creates[_i].args);
	ck_assert_str_eq(th_str("ip -br link | grep -v -E '^(lo|out0|up0)[ @]' || true"), "");
	ck_assert_str_eq(th_str("ls -A $VNET_CONF_DIR 2>/dev/null || true"), "");
	ck_assert_str_eq(th_str("pgrep -af \"$VNET_RUN_DIR\" || true"), "");
}
END_TEST

/* A definition written by hand with what create refuses: up refuses it
 * with the same words (after the file's name), and nothing comes up. */
START_TEST(up_refuses_a_hand_written_bridge_name_that_create_refuses)
{
	static const char *const bridges[] = {"x1,up0", "*"};
	char *want, *have, expect[600], file[320];
	int code;
	FILE *f;

	want = nt_err(&code, "create nat x1 10.30.0.0/24 --bridge '%s'", bridges[_i]);
	ck_assert_int_eq(code, 2);
	ck_assert_int_eq(strncmp(want, "vnet: ", 6), 0);
	ck_assert_int_eq(th_sh("mkdir -p $VNET_CONF_DIR"), 0);
	snprintf(file, sizeof(file), "%s/x1.conf", getenv("VNET_CONF_DIR"));
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"[network]\nname = x1\nmodel = nat\nbridge = %s\n[subnet]\nprefix = "
		"10.30.0.0/24\n",
		bridges[_i]);
	fclose(f);
	have = nt_err(&code, "up x1");
	ck_assert_int_eq(code, 2);
	snprintf(expect, sizeof(expect), "vnet: %s: %s", file, want + 6);
	ck_assert_str_eq(have, expect);
	free(nt_err(&code, "up --all"));
	ck_assert_int_ne(code, 0);
	ck_assert_str_eq(th_str("ip -br link | grep -v -E '^(lo|out0|up0)[ @]' || true"), "");
	ck_assert_str_eq(th_str("ls -A $VNET_RUN_DIR/dnsmasq 2>/dev/null || true"), "");
	ck_assert_str_eq(th_str("pgrep -af \"$VNET_RUN_DIR\" || true"), "");
	free(want);
	free(have);
}
END_TEST

static const struct {
	const char *name, *msg;
} refused_hosts[] = {
	{"a,b", "host name \"a,b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a=b", "host name \"a=b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"localhost", "host name \"localhost\": names the loopback address on every machine"},
	{"ignore", "host name \"ignore\": dnsmasq reads it as a keyword or lease time, not a name"},
	{"2h", "host name \"2h\": dnsmasq reads it as a keyword or lease time, not a name"},
};

/* Static host names go into dnsmasq's files: what would be read as
 * another field, or name the host itself, is refused, and dnsmasq's files
 * and the definition stay as they were. */
START_TEST(host_names_dnsmasq_would_misread_are_refused)
{
	char msg[300];

	ck_assert_int_eq(nt_run("create nat x1 10.30.0.0/24"), 0);
	snprintf(msg, sizeof(msg), "vnet: %s\n", refused_hosts[_i].msg);
	nt_refused(2, msg, "host add x1 52:54:00:00:00:05 10.30.0.5 '%s'", refused_hosts[_i].name);
	ck_assert_int_eq(nt_run("host add x1 52:54:00:00:00:05 10.30.0.5 web-1"), 0);
	ck_assert_str_eq(th_str("cat $VNET_RUN_DIR/dnsmasq/x1.hosts"),
			 "52:54:00:00:00:05,10.30.0.5,web-1\n");
}
END_TEST

/* A forward on loopback never works (the output chain leaves 127/8
 * alone); one on an address the host does not hold never receives
 * anything. Both are refused and change nothing; an address of the host,
 * and the network's own gateway even while it is down, are taken. */
START_TEST(forward_on_loopback_or_a_foreign_address_is_refused)
{
	const char *add = "forward add x1 tcp 8080 10.30.0.5:80";

	ck_assert_int_eq(nt_run("create nat x1 10.30.0.0/24"), 0);
	nt_refused(2,
		   "vnet: address 127.0.0.1: is loopback (127.0.0.0/8): no port forward works "
		   "there\n",
		   "%s --address 127.0.0.1", add);
	nt_refused(2, "vnet: address 192.0.2.9: not an address of this host\n",
		   "%s --address 192.0.2.9", add);
	ck_assert_int_eq(nt_run("%s --address 192.0.2.1", add), 0);
	ck_assert_int_eq(nt_run("down x1"), 0);
	ck_assert_int_eq(nt_run("forward add x1 tcp 8081 10.30.0.5:81 --address 10.30.0.1"), 0);
	ck_assert_str_eq(th_str("$VNET forward list x1 -j | jq -c '[.[] | [.port, .address]]'"),
			 "[[8080,\"192.0.2.1\"],[8081,\"10.30.0.1\"]]\n");
}
END_TEST

/* Under umask 000 the hooks' folder, map and default files are written
 * 0755/0644: no other user can move a tap to another network. */
START_TEST(hook_files_are_not_writable_by_others_under_umask_000)
{
	ck_assert_int_eq(
		th_sh("umask 000 && $VNET create isolated x1 10.30.0.0/24 --no-dhcp && "
		      "rm -rf $VNET_CONF_DIR/hooks && $VNET map x1 'vif*' && $VNET default "
		      "x1 && $VNET map x1 'tap[0-9]*' && $VNET unmap 'vif*'"),
		0);
	ck_assert_str_eq(th_str("find $VNET_CONF_DIR -perm /022 -printf '%%m %%p\\n'"), "");
	ck_assert_str_eq(th_str("cd $VNET_CONF_DIR && stat -c '%%a %%n' hooks hooks/map "
				"hooks/default"),
			 "755 hooks\n644 hooks/map\n644 hooks/default\n");
	ck_assert_str_eq(th_str("ls -A $VNET_CONF_DIR/hooks"), "default\nmap\n");
	ck_assert_str_eq(th_str("grep -v '^#' $VNET_CONF_DIR/hooks/map"), "tap[0-9]* x1\n");
	/* a pattern that would break the file's lines changes nothing */
	nt_refused(2,
		   "vnet: pattern \"vif* x\": may hold only letters, digits, '_', '.', '-', '*', "
		   "'?' and [...] classes\n",
		   "map x1 'vif* x'");
	ck_assert_str_eq(th_str("grep -v '^#' $VNET_CONF_DIR/hooks/map"), "tap[0-9]* x1\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_values");
	TCase *t = tcase_create("values");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_loop_test(t, create_refuses_names_and_subnets_that_cannot_work_and_makes_nothing,
			    0, sizeof(refused_creates) / sizeof(refused_creates[0]));
	tcase_add_loop_test(t, up_refuses_a_hand_written_bridge_name_that_create_refuses, 0, 2);
	tcase_add_loop_test(t, host_names_dnsmasq_would_misread_are_refused, 0,
			    sizeof(refused_hosts) / sizeof(refused_hosts[0]));
	tcase_add_test(t, forward_on_loopback_or_a_foreign_address_is_refused);
	tcase_add_test(t, hook_files_are_not_writable_by_others_under_umask_000);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_values", true);
}
