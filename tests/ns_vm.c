/* Namespace tests of `vnet vm` with a real qemu (TCG, no guest: the
 * firmware finds nothing to boot and waits, which is all a tap needs).
 * What the kernel and qemu did is read with ip -j, /proc and qemu's own
 * monitor; vnet's word is not taken for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/vmtest.h"

/* A small VM on network net (and more arguments). */
#define START(name, more) nt_run("vm start %s --memory 64 %s", name, more)

static const char *tap_of(const char *vm, unsigned nic)
{
	return th_str("$VNET_BIN vm list -j | jq -r '.[] | select(.name == \"%s\") | "
		      ".nics[%u].tap' | tr -d '\\n'",
		      vm, nic);
}

/* The bridge's ports, as "a,b," */
static const char *ports(const char *br)
{
	return th_str("ip -j link show master %s | jq -j '.[].ifname + \",\"'", br);
}

static const char *pid_of(const char *vm)
{
	return th_str("tr -d '\\n' < %s", vt_file(vm, "pid"));
}

START_TEST(start_attaches_a_vnet_header_tap_and_hands_qemu_its_fd)
{
	json_object *l, *info;
	const char *tap, *mac;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp --mtu 1400"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	tap = tap_of("a", 0);
	ck_assert_str_eq(tap, "vm-a-0");
	ck_assert_str_eq(ports("lan"), "vm-a-0,");
	l = th_json("ip -d -j link show %s", tap);
	info = json_object_object_get(
		json_object_object_get(json_object_array_get_idx(l, 0), "linkinfo"), "info_data");
	ck_assert_str_eq(th_jstr(info, "type"), "tap");
	ck_assert(json_object_get_boolean(json_object_object_get(info, "vnet_hdr")));
	ck_assert(!json_object_get_boolean(json_object_object_get(info, "persist")));
	ck_assert(!json_object_get_boolean(json_object_object_get(info, "multi_queue")));
	ck_assert_int_eq(th_jint(json_object_array_get_idx(l, 0), "mtu"), 1400);
	json_object_put(l);
	/* qemu has the tap as an fd (not by name), and the guest has the MAC */
	mac = th_str("$VNET_BIN vm list -j | jq -r '.[0].nics[0].mac' | tr -d '\\n'");
	ck_assert_int_eq(strncmp(mac, "52:54:00:", 9), 0);
	ck_assert_str_ne(mac, "52:54:00:12:34:56");
	ck_assert_ptr_nonnull(
		strstr(th_str("$VNET_BIN vm monitor a info network"), "type=tap,fd="));
	ck_assert_ptr_nonnull(strstr(th_str("$VNET_BIN vm monitor a info network"), mac));
	ck_assert_ptr_nonnull(
		strstr(th_str("tr '\\0' ' ' < /proc/%s/cmdline", pid_of("a")), ",host_mtu=1400"));
	ck_assert(vt_running("a"));
}
END_TEST

START_TEST(cpus_make_a_multiqueue_tap_with_one_queue_each)
{
	const char *cmd;
	json_object *l, *info;

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("mq", "--cpus 2 --net lan --net lan,model=e1000"), 0);
	l = th_json("ip -d -j link show vm-mq-0");
	info = json_object_object_get(
		json_object_object_get(json_object_array_get_idx(l, 0), "linkinfo"), "info_data");
	ck_assert(json_object_get_boolean(json_object_object_get(info, "multi_queue")));
	/* qemu keeps the second queue detached until the guest's driver asks for it */
	ck_assert_int_eq(th_jint(info, "numqueues") + th_jint(info, "numdisabled"), 2);
	json_object_put(l);
	cmd = th_str("tr '\\0' ' ' < /proc/%s/cmdline", pid_of("mq"));
	ck_assert_ptr_nonnull(strstr(cmd, " -netdev tap,id=net0,fds="));
	ck_assert_ptr_nonnull(strstr(cmd, ",mq=on,vectors=6"));
	ck_assert_ptr_nonnull(strstr(cmd, " -netdev tap,id=net1,fd="));
	ck_assert_ptr_null(strstr(cmd, "queues="));
	ck_assert_ptr_null(strstr(cmd, "vnet_hdr="));
	ck_assert_str_eq(ports("lan"), "vm-mq-0,vm-mq-1,");
}
END_TEST

START_TEST(stop_asks_for_power_down_then_quits_after_the_timeout)
{
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	/* nothing in the firmware answers the ACPI power button */
	ck_assert_str_eq(nt_says(&code, "vm stop a --timeout 1"),
			 "vnet: VM a did not power down within 1 s; quit\n");
	ck_assert_int_eq(code, 0);
	ck_assert(!vt_running("a"));
	ck_assert(!th_link_exists("vm-a-0"));
	ck_assert_str_eq(ports("lan"), "");
	ck_assert_int_ne(th_sh("test -e %s", vt_file("a", "pid")), 0); /* qemu removed it */
	ck_assert_str_eq(nt_says(&code, "vm stop a"), "vnet: VM a was not running\n");
	ck_assert_int_eq(code, 0);
}
END_TEST

START_TEST(kill_ends_qemu_and_its_tap_vanishes)
{
	const char *pid;
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	pid = pid_of("a");
	ck_assert_str_eq(nt_says(&code, "vm kill a"), "vnet: VM a killed\n");
	ck_assert_int_eq(code, 0);
	ck_assert(!th_link_exists("vm-a-0"));
	ck_assert_str_eq(ports("lan"), "");
	/* gone, or a zombie until init reaps it (qemu is nobody's child now) */
	ck_assert_int_eq(
		th_sh("! test -d /proc/%s || grep -q '^State:.*Z' /proc/%s/status", pid, pid), 0);
	ck_assert_str_eq(th_str("$VNET_BIN vm list -j | jq -r '.[0].state'"), "stopped\n");
}
END_TEST

START_TEST(qemu_killed_from_outside_takes_its_tap_along)
{
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	ck_assert_int_eq(th_sh("kill -9 %s", pid_of("a")), 0);
	ck_assert(vt_wait_stopped("a", 5));
	for (int i = 0; i < 50 && th_link_exists("vm-a-0"); i++)
		usleep(100 * 1000);
	ck_assert(!th_link_exists("vm-a-0"));
	ck_assert_str_eq(ports("lan"), "");
	/* and the name is free again */
	ck_assert_int_eq(START("a", "--net lan"), 0);
	ck_assert_str_eq(ports("lan"), "vm-a-0,");
}
END_TEST

START_TEST(macs_differ_per_vm_and_a_mac_on_the_network_is_refused)
{
	const char *m1, *m2, *br, *err;
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	ck_assert_int_eq(START("b", "--net lan --net lan"), 0);
	m1 = th_str("$VNET_BIN vm list -j | jq -j '.[0].nics[0].mac'");
	m2 = th_str("$VNET_BIN vm list -j | jq -j '[.[1].nics[].mac] | join(\",\")'");
	ck_assert_ptr_null(strstr(m2, m1));
	ck_assert_int_ne(strncmp(m2, m2 + 18, 17), 0);
	err = nt_says(&code, "vm start c --net lan,mac=%s", m1);
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(
		err, th_str("printf 'vnet: MAC %%s: is already on network lan (VM a)\\n' %s", m1));
	br = th_str("ip -j link show lan | jq -j '.[0].address'");
	err = nt_says(&code, "vm start c --net lan,mac=%s", br);
	ck_assert_int_eq(code, 4);
	ck_assert_ptr_nonnull(strstr(err, "is already on network lan (interface lan)"));
	ck_assert_str_eq(ports("lan"), "vm-a-0,vm-b-0,vm-b-1,");
}
END_TEST

START_TEST(vnc_listens_on_loopback_unless_told)
{
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan --display vnc=:7"), 0);
	ck_assert_ptr_nonnull(
		strstr(th_str("$VNET_BIN vm monitor a info vnc"), "Server: 127.0.0.1:5907"));
	ck_assert_int_eq(th_sh("ss -Hltn 'sport = :5907' | grep -q 127.0.0.1:5907"), 0);
}
END_TEST

START_TEST(a_qemu_that_refuses_leaves_no_tap_and_no_listing)
{
	const char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	err = nt_says(&code, "vm start a --net lan -- -no-such-option");
	ck_assert_int_eq(code, 1);
	ck_assert_ptr_nonnull(strstr(err, "vnet: VM a: start: qemu exited with status 1: "));
	ck_assert_ptr_nonnull(strstr(err, "-no-such-option: invalid option"));
	ck_assert_str_eq(ports("lan"), "");
	ck_assert(!th_link_exists("vm-a-0"));
	ck_assert_str_eq(th_str("$VNET_BIN vm list -j | jq -c ."), "[]\n");
}
END_TEST

/* Refused before qemu starts: VNET_QEMU names no program, so reaching exec
 * would fail differently; no tap is made and nothing is listed. */
static const struct {
	const char *args;
	int code;
	const char *line;
} refused[] = {
	{"b --net lan --disk /nonexistent/disk.qcow2", 2,
	 "vnet: disk /nonexistent/disk.qcow2: No such file or directory"},
	{"b --net nosuchnet", 3, "vnet: network nosuchnet: no such network"},
	{"b --net lan,mac=01:00:5e:00:00:01", 2,
	 "vnet: MAC 01:00:5e:00:00:01: is a multicast address (the first byte must be even)"},
	{"b --net lan,mac=52:54:00:zz:00:01", 2,
	 "vnet: MAC 52:54:00:zz:00:01: must be six hex bytes, as in 52:54:00:12:34:57"},
	{"a --net lan", 4, "vnet: VM a: is running (pid "},
	{"b --net lan --kernel /nonexistent/vmlinux", 2,
	 "vnet: kernel /nonexistent/vmlinux: No such file or directory"},
	{"b --net lan --cpus 0", 2,
	 "vnet: cpus 0: must be N[,sockets=S,cores=C,threads=T] with numbers 1..255"},
	{"b --net lan --display vnc=everywhere", 2,
	 "vnet: display vnc=everywhere: must be vnc=[ADDR]:N (N 0..59635: port 5900+N)"},
	{"b/c --net lan", 2,
	 "vnet: VM name \"b/c\": may hold only letters, digits, '_', '.' and '-'"},
};

START_TEST(bad_input_is_refused_before_qemu_starts_naming_the_value)
{
	const char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	setenv("VNET_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	err = nt_says(&code, "vm start %s", refused[_i].args);
	ck_assert_int_eq(code, refused[_i].code);
	ck_assert_msg(!strncmp(err, refused[_i].line, strlen(refused[_i].line)), "got: %s", err);
	ck_assert_ptr_null(strstr(err, "\nvnet:")); /* one line */
	ck_assert_str_eq(ports("lan"), "vm-a-0,");
	ck_assert_int_ne(th_sh("test -e %s", vt_file("b", "vm.json")), 0);
}
END_TEST

/* A bad value is said as such (exit 2) before any state is read: whether
 * the VM runs (a runs, b is stopped), exists, or its network does. */
static const struct {
	const char *args, *line;
} bad_values[] = {
	{"migrate nosuch exec:cat", "vnet: migration address exec:cat: must be tcp:HOST:PORT"},
	{"migrate b tcp:127.0.0.1:99999",
	 "vnet: migration address tcp:127.0.0.1:99999: PORT must be 1..65535"},
	{"start a --net lan --incoming exec:cat",
	 "vnet: migration address exec:cat: must be tcp:HOST:PORT"},
	{"start a --net lan --incoming tcp:dest.example:7777",
	 "vnet: migration address tcp:dest.example:7777: ADDR must be an IPv4 address, 0 (any) "
	 "or [IPv6]"},
	{"start a --net lan --incoming-file /nonexistent/a.mig",
	 "vnet: migration file: /nonexistent/a.mig: No such file or directory"},
	{"start a --net nosuch --incoming tcp:127.0.0.1:7777 --disk /nonexistent/d.qcow2",
	 "vnet: disk /nonexistent/d.qcow2: No such file or directory"},
	/* a destination runs the source's versioned machine type, never q35 */
	{"start a --net lan --incoming tcp:127.0.0.1:7777",
	 "vnet: machine \"q35\": is an alias or unversioned: a migration's destination needs "
	 "the source's versioned type, as pc-q35-7.2"},
	{"start a --net lan --machine pc --incoming tcp:127.0.0.1:7777",
	 "vnet: machine \"pc\": is an alias or unversioned"},
};

START_TEST(bad_values_are_refused_before_any_state_is_read)
{
	const char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	ck_assert_int_eq(START("b", "--net lan"), 0);
	ck_assert_int_eq(nt_run("vm kill b"), 0);
	setenv("VNET_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		err = nt_says(&code, "vm %s", bad_values[i].args);
		ck_assert_msg(code == 2 &&
				      !strncmp(err, bad_values[i].line, strlen(bad_values[i].line)),
			      "vm %s: exit %d: %s", bad_values[i].args, code, err);
		ck_assert_ptr_null(strstr(err, "\nvnet:")); /* one line */
	}
	ck_assert_str_eq(ports("lan"), "vm-a-0,");
	ck_assert_str_eq(th_str("$VNET_BIN vm list -j | jq -r '.[].state'"), "running\nstopped\n");
}
END_TEST

/* A migration's destination is refused before qemu starts, naming what
 * differs; nothing is made (no tap, no listing). The description is a's
 * (vnet vm show a -j), changed by a jq filter; a itself is killed first
 * unless the row wants it running. */
static const struct {
	const char *jq, *args;
	bool running;
	int code;
	const char *line;
} incoming_refused[] = {
	{".", "--incoming tcp:127.0.0.1:7777", true, 4, "vnet: VM a: is running (pid "},
	{".description.net = [\"nosuch,model=virtio,mac=52:54:00:00:00:09\"] | "
	 ".description.subnets = {}",
	 "--incoming tcp:127.0.0.1:7777", false, 3, "vnet: network nosuch: no such network"},
	{".description.subnets.lan = \"10.7.0.0/24\"", "--incoming tcp:127.0.0.1:7777", false, 4,
	 "vnet: network lan: has subnet 10.0.0.0/24 here, 10.7.0.0/24 on the source"},
	{".", "--incoming tcp:127.0.0.1:7799", false, 4,
	 "vnet: migration address tcp:127.0.0.1:7799: the port is busy"},
	{".", "--incoming tcp:10.99.0.1:7777", false, 2,
	 "vnet: migration address tcp:10.99.0.1:7777: is no address of this host"},
	{".", "--incoming exec:cat", false, 2,
	 "vnet: migration address exec:cat: must be tcp:HOST:PORT"},
	{".", "--incoming-file /nonexistent/a.mig", false, 2,
	 "vnet: migration file: /nonexistent/a.mig: No such file or directory"},
	{".", "--incoming tcp:127.0.0.1:7777 --memory 256", false, 4,
	 "vnet: VM a: is not the source's machine: memory: \"256\" here, \"64\" on the source"},
	{".", "--incoming tcp:127.0.0.1:7777 -- -no-reboot", false, 2,
	 "vnet: description DESC: the source gave qemu other arguments after --"},
	{".description.machine = \"pc;reboot\"", "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: machine \"pc;reboot\": must be 1..39 letters"},
	{".description.append = 7", "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: description DESC: \"append\" must hold strings"},
	{".description.disk = [\"/etc/passwd,if=virtio,snapshot=on\"]",
	 "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: disk /etc/passwd,if=virtio,snapshot=on: unknown setting \"snapshot=on\""},
	/* untrusted: an alias, a file the destination did not name itself,
	 * options beside it compared as given (no default stands in) */
	{".description.machine = \"q35\"", "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: machine \"q35\": is an alias or unversioned"},
	{".description.disk = [\"/etc/shadow,format=raw\"]", "--incoming tcp:127.0.0.1:7777", false,
	 4,
	 "vnet: VM a: is not the source's machine: disk: [ ] here, [ \"\\/etc\\/shadow,"
	 "if=virtio,media=disk,format=raw\" ] on the source (a destination names its own"},
	{".description.kernel = \"/etc/shadow\"", "--incoming tcp:127.0.0.1:7777", false, 4,
	 "vnet: VM a: is not the source's machine: kernel: none here"},
	{".description.display = \"vnc=0.0.0.0:1\"", "--incoming tcp:127.0.0.1:7777", false, 4,
	 "vnet: VM a: is not the source's machine: display: none here, vnc on the source (VNC "
	 "adds a VGA device: give --display vnc=[ADDR]:N here"},
	{".", "--incoming tcp:127.0.0.1:7777 --net lan,model=e1000", false, 4,
	 "vnet: VM a: is not the source's machine: net: [ \"lan,model=e1000,mac="},
	{".description.net[0] |= sub(\",mac=.*\"; \"\")", "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: description DESC: net lan: gives no MAC"},
	{".description.evil = \"x\"", "--incoming tcp:127.0.0.1:7777", false, 2,
	 "vnet: description DESC: unknown member \"evil\""},
};

/* line with DESC replaced by path */
static const char *with_desc(const char *line, const char *path)
{
	const char *d = strstr(line, "DESC");
	char *s;

	if (!d)
		return line;
	ck_assert(asprintf(&s, "%.*s%s%s", (int)(d - line), line, path, d + 4) > 0);
	return th_keep(s);
}

START_TEST(an_incoming_migration_is_refused_before_qemu_starts_naming_the_difference)
{
	const char *err, *desc = th_str("printf %s/a.json | tr -d '\\n'", th_tmpdir()), *want;
	int code;

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan"), 0);
	ck_assert_int_eq(
		th_sh("$VNET_BIN vm show a -j | jq '%s' > %s", incoming_refused[_i].jq, desc), 0);
	if (!incoming_refused[_i].running)
		ck_assert_int_eq(nt_run("vm kill a"), 0);
	/* a listener on 7799 makes the port busy */
	ck_assert_int_eq(th_sh("python3 %s serve tcp 7799 %s/ready x >/dev/null 2>&1 & "
			       "until test -e %s/ready; do sleep 0.05; done",
			       VNET_PROBE, th_tmpdir(), th_tmpdir()),
			 0);
	setenv("VNET_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	err = nt_says(&code, "vm start a --incoming-from %s %s", desc, incoming_refused[_i].args);
	want = with_desc(incoming_refused[_i].line, desc);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "got: %s", err);
	ck_assert_int_eq(code, incoming_refused[_i].code);
	ck_assert_ptr_null(strstr(err, "\nvnet:")); /* one line */
	ck_assert_str_eq(ports("lan"), incoming_refused[_i].running ? "vm-a-0," : "");
	ck_assert_str_eq(th_str("$VNET_BIN vm list -j | jq -r '.[].state'"),
			 incoming_refused[_i].running ? "running\n" : "stopped\n");
}
END_TEST

/* A destination that waits for the stream lists as incoming; its tap is
 * on the bridge already; the source's description is its own. */
START_TEST(a_destination_waits_listed_as_incoming_with_its_tap_attached)
{
	const char *desc = th_str("printf %s/a.json | tr -d '\\n'", th_tmpdir());

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(START("a", "--net lan -- -no-reboot"), 0);
	ck_assert_int_eq(th_sh("$VNET_BIN vm show a -j > %s", desc), 0);
	/* the machine type as qemu resolved q35: versioned */
	ck_assert_int_eq(th_sh("jq -r .description.machine %s | grep -qx 'pc-q35-[0-9.]*'", desc),
			 0);
	ck_assert_int_eq(nt_run("vm kill a"), 0);
	/* a description's VNC address is not taken: this host gives its own
	 * (VNC itself is the machine's: a VGA device); --net beside it is
	 * compared alone (no default memory stands in) */
	ck_assert_int_eq(
		th_sh("jq '.description.display = \"vnc=0.0.0.0:1\"' %s > %s.vnc", desc, desc), 0);
	ck_assert_int_eq(nt_run("vm start a --incoming tcp:127.0.0.1:7777 --incoming-from %s.vnc "
				"--net lan --display vnc=127.0.0.1:3 -- -no-reboot",
				desc),
			 0);
	ck_assert_str_eq(th_str("$VNET_BIN vm list -j | jq -r '.[].state'"), "incoming\n");
	ck_assert_str_eq(ports("lan"), "vm-a-0,");
	ck_assert_int_eq(th_sh("tr '\\0' ' ' < /proc/%s/cmdline | grep -q -- '-machine "
			       "pc-q35-[0-9.]* .*-vnc 127.0.0.1:3 .*-incoming tcp:127.0.0.1:7777 "
			       "-no-reboot'",
			       pid_of("a")),
			 0);
	ck_assert_int_ne(th_sh("grep -q 0.0.0.0 /proc/%s/cmdline", pid_of("a")), 0);
	/* the same description shows again, machine and MAC as the source's */
	ck_assert_int_eq(th_sh("jq -S '.description | del(.display)' %s > %s.d && "
			       "$VNET_BIN vm show a -j | jq -S '.description | del(.display)' | "
			       "diff - %s.d",
			       desc, desc, desc),
			 0);
}
END_TEST

/* The source's lease ("leases" of its description) becomes a static host
 * of the destination's network before qemu starts: refused, with nothing
 * made, when the network has another address for the MAC or the address
 * is not in its subnet; gone again when qemu does not start; kept (as a
 * host added by hand) once the destination ran. */
START_TEST(a_destinations_network_takes_the_sources_lease_as_a_static_host)
{
	const char *desc = th_str("printf %s/a.json | tr -d '\\n'", th_tmpdir()), *mac, *err;
	int code;

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24"), 0);
	ck_assert_int_eq(START("a", "--net lan -- -no-reboot"), 0);
	mac = th_str("$VNET_BIN vm list -j | jq -j '.[0].nics[0].mac'");
	/* a guest without a lease: none carried */
	ck_assert_str_eq(th_str("$VNET_BIN vm show a -j | jq -c .description.leases"), "null\n");
	ck_assert_int_eq(nt_run("vm kill a"), 0);
	ck_assert_int_eq(nt_run("host add lan %s 10.0.0.7", mac), 0);
	ck_assert_int_eq(th_sh("$VNET_BIN vm show a -j | jq '.description.leases = [\"10.0.0.9\"]' "
			       "> %s",
			       desc),
			 0);
	err = nt_says(&code,
		      "vm start a --incoming tcp:127.0.0.1:7777 --incoming-from %s -- "
		      "-no-reboot",
		      desc);
	ck_assert_msg(strstr(err, "exists already with address 10.0.0.7 (the guest's lease on the "
				  "source, as a static host here)"),
		      "%s", err);
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(ports("lan"), "");
	ck_assert_int_eq(nt_run("host del lan %s", mac), 0);
	/* not of the network's subnet */
	ck_assert_int_eq(th_sh("jq '.description.leases = [\"10.7.0.9\"]' %s > %s.b", desc, desc),
			 0);
	err = nt_says(&code,
		      "vm start a --incoming tcp:127.0.0.1:7777 --incoming-from %s.b -- "
		      "-no-reboot",
		      desc);
	ck_assert_msg(strstr(err, "10.7.0.9") && code == 2, "exit %d: %s", code, err);
	/* qemu does not start: the host goes again */
	setenv("VNET_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	ck_assert_int_ne(th_sh("$VNET_BIN vm start a --incoming tcp:127.0.0.1:7777 --incoming-from "
			       "%s -- -no-reboot 2>/dev/null",
			       desc),
			 0);
	ck_assert_str_eq(th_str("$VNET_BIN show lan -j | jq -c '[.hosts[].ip]'"), "[]\n");
	unsetenv("VNET_QEMU");
	ck_assert_int_eq(nt_run("vm start a --incoming tcp:127.0.0.1:7777 --incoming-from %s -- "
				"-no-reboot",
				desc),
			 0);
	ck_assert_str_eq(th_str("$VNET_BIN show lan -j | jq -c '[.hosts[] | [.mac, .ip]]'"),
			 th_str("printf '[[\"%%s\",\"10.0.0.9\"]]\\n' %s", mac));
	/* dnsmasq was told: its hosts file has it */
	ck_assert_int_eq(th_sh("grep -q '%s,10.0.0.9' $VNET_RUN_DIR/dnsmasq/lan.hosts", mac), 0);
	ck_assert_int_eq(nt_run("vm kill a"), 0);
	ck_assert_str_eq(th_str("$VNET_BIN show lan -j | jq -c '[.hosts[].ip]'"),
			 "[\"10.0.0.9\"]\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_vm");
	TCase *t = tcase_create("launcher");

	tcase_add_checked_fixture(t, nt_setup_host, th_netns_teardown);
	tcase_add_test(t, start_attaches_a_vnet_header_tap_and_hands_qemu_its_fd);
	tcase_add_test(t, cpus_make_a_multiqueue_tap_with_one_queue_each);
	tcase_add_test(t, stop_asks_for_power_down_then_quits_after_the_timeout);
	tcase_add_test(t, kill_ends_qemu_and_its_tap_vanishes);
	tcase_add_test(t, qemu_killed_from_outside_takes_its_tap_along);
	tcase_add_test(t, macs_differ_per_vm_and_a_mac_on_the_network_is_refused);
	tcase_add_test(t, vnc_listens_on_loopback_unless_told);
	tcase_add_test(t, a_qemu_that_refuses_leaves_no_tap_and_no_listing);
	suite_add_tcase(s, t);

	t = tcase_create("refused");
	tcase_add_checked_fixture(t, nt_setup_host, th_netns_teardown);
	tcase_add_test(t, bad_values_are_refused_before_any_state_is_read);
	tcase_add_loop_test(t, bad_input_is_refused_before_qemu_starts_naming_the_value, 0,
			    sizeof(refused) / sizeof(refused[0]));
	tcase_add_loop_test(
		t, an_incoming_migration_is_refused_before_qemu_starts_naming_the_difference, 0,
		sizeof(incoming_refused) / sizeof(incoming_refused[0]));
	suite_add_tcase(s, t);

	t = tcase_create("incoming");
	tcase_add_checked_fixture(t, nt_setup_host, th_netns_teardown);
	tcase_add_test(t, a_destination_waits_listed_as_incoming_with_its_tap_attached);
	tcase_add_test(t, a_destinations_network_takes_the_sources_lease_as_a_static_host);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_vm", true);
}
