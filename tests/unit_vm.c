/* Unit tests of the launcher's pure parts: descriptions parsed from the
 * options (bad values refused naming the value), qemu's command line
 * compared with golden lines, MACs, the state file, the CPU probe. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/desc.h"
#include "tests/harness.h"
#include "vm/descjson.h"
#include "vm/host.h"
#include "vm/incoming.h"
#include "vm/qemu.h"
#include "vm/state.h"

#define DIR "/run/vnet/vm/web"
#define HEAD                                                                                       \
	"qemu-system-x86_64 -name web -machine q35 -accel tcg -m 512 -smp 1 -nodefaults "          \
	"-no-user-config -chardev socket,id=qmp,path=" DIR "/qmp.sock,server=on,wait=off "         \
	"-mon chardev=qmp,mode=control -pidfile " DIR "/pid "                                      \
	"-chardev socket,id=serial0,path=" DIR "/serial.sock,server=on,wait=off,logfile=" DIR      \
	"/serial.log -serial chardev:serial0 -display none"

static void desc(struct vm_desc *d, const char *const *opts)
{
	struct nl_err e;

	vm_desc_init(d);
	ck_assert_int_eq(vm_desc_name(d, "web", &e), 0);
	for (; opts && opts[0]; opts += 2)
		ck_assert_msg(vm_desc_option(d, opts[0], opts[1], &e) == 0, "--%s %s: %s", opts[0],
			      opts[1], e.msg);
	ck_assert_int_eq(vm_desc_check(d, &e), 0);
}

/* Facts as the launcher would find them: fds from 3 up, vhost's from 20. */
static void facts(const struct vm_desc *d, struct vm_facts *f, bool vhost)
{
	int fd = 3, vfd = 20;

	memset(f, 0, sizeof(*f));
	f->qemu = "qemu-system-x86_64";
	f->dir = DIR;
	f->vhost = vhost;
	for (unsigned i = 0; i < d->nnics; i++) {
		f->nic[i].nq = vm_nic_queues(d, i);
		for (unsigned q = 0; q < f->nic[i].nq; q++) {
			f->nic[i].fds[q] = fd++;
			f->nic[i].vhostfds[q] = vfd++;
		}
		vm_mac_derive(d->name, i, 0, f->nic[i].mac);
		f->nic[i].mac[5] = (uint8_t)(0xc0 + i); /* readable golden lines */
		f->nic[i].mac[3] = 0xaa;
		f->nic[i].mac[4] = 0xbb;
		f->nic[i].mtu = 1500;
	}
}

/* The command line as one string; freed by the next call. */
static const char *line(const struct vm_desc *d, const struct vm_facts *f)
{
	static char *s;
	struct vm_argv a = {0};
	struct nl_err e;

	free(s);
	ck_assert_int_eq(vm_argv_build(d, f, &a, &e), 0);
	ck_assert_ptr_null(a.v[a.n]);
	s = vm_argv_str(&a);
	vm_argv_free(&a);
	return s;
}

static const char *build(const char *const *opts, bool vhost)
{
	struct vm_desc d;
	struct vm_facts f;

	desc(&d, opts);
	facts(&d, &f, vhost);
	return line(&d, &f);
}

START_TEST(one_queue_is_handed_over_as_fd)
{
	const char *o[] = {"disk", "/img/web.qcow2,format=qcow2,cache=none", "net", "lan", NULL};

	ck_assert_str_eq(build(o, false), HEAD
			 " -drive file=/img/web.qcow2,if=virtio,format=qcow2,cache=none,media=disk"
			 " -netdev tap,id=net0,fd=3"
			 " -device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:c0");
}
END_TEST

START_TEST(virtio_with_cpus_gets_one_fd_per_queue_and_mq)
{
	const char *o[] = {"cpus", "4", "net", "lan", "net", "lan,model=e1000", NULL};
	const char *s = build(o, false);

	ck_assert_ptr_nonnull(strstr(s, " -smp 4 "));
	ck_assert_ptr_nonnull(strstr(s, " -netdev tap,id=net0,fds=3:4:5:6 -device virtio-net-pci,"
					"netdev=net0,mac=52:54:00:aa:bb:c0,mq=on,vectors=10 "));
	/* e1000 has one queue, whatever the cpus */
	ck_assert_ptr_nonnull(strstr(s, " -netdev tap,id=net1,fd=7 -device e1000,netdev=net1,"
					"mac=52:54:00:aa:bb:c1"));
	/* qemu refuses these beside fd=/fds= */
	ck_assert_ptr_null(strstr(s, "vnet_hdr="));
	ck_assert_ptr_null(strstr(s, "queues="));
	ck_assert_ptr_null(strstr(s, "ifname="));
	ck_assert_ptr_null(strstr(s, "script="));
	ck_assert_ptr_null(strstr(s, "vhost"));
}
END_TEST

START_TEST(queues_stop_at_the_maximum)
{
	const char *o[] = {"cpus", "32,sockets=2,cores=8,threads=2", "net", "lan", NULL};
	const char *s = build(o, false);
	struct vm_desc d;

	desc(&d, o);
	ck_assert_uint_eq(vm_nic_queues(&d, 0), VM_MAX_QUEUES);
	ck_assert_ptr_nonnull(strstr(s, " -smp 32,sockets=2,cores=8,threads=2 "));
	ck_assert_ptr_nonnull(strstr(s, "fds=3:4:5:6:7:8:9:10 "));
	ck_assert_ptr_nonnull(strstr(s, ",mq=on,vectors=18"));
}
END_TEST

START_TEST(vhost_only_when_usable)
{
	const char *one[] = {"net", "lan", NULL}, *four[] = {"cpus", "2", "net", "lan", NULL};

	ck_assert_ptr_nonnull(
		strstr(build(one, true), " -netdev tap,id=net0,fd=3,vhost=on,vhostfd=20 "));
	ck_assert_ptr_nonnull(
		strstr(build(four, true), " -netdev tap,id=net0,fds=3:4,vhost=on,vhostfds=20:21 "));
	ck_assert_ptr_null(strstr(build(four, false), "vhost"));
}
END_TEST

/* Without root: qemu's bridge netdev and vnet's helper, one queue (the
 * launcher gives nq 1), the network by name, a comma in the path doubled
 * as qemu reads option values. */
START_TEST(a_user_without_root_gets_the_bridge_helper)
{
	const char *o[] = {"net", "lan", "net", "iso,model=e1000", NULL};
	struct vm_desc d;
	struct vm_facts f;
	const char *s;

	desc(&d, o);
	facts(&d, &f, false);
	f.helper = "/opt/vnet,1/vnet-bridge-helper";
	f.nic[0].nq = f.nic[1].nq = 1;
	s = line(&d, &f);
	ck_assert_ptr_nonnull(
		strstr(s, " -netdev bridge,id=net0,br=lan,helper=/opt/vnet,,1/vnet-bridge-helper"
			  " -device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:c0 "));
	ck_assert_ptr_nonnull(
		strstr(s, " -netdev bridge,id=net1,br=iso,helper=/opt/vnet,,1/vnet-bridge-helper"
			  " -device e1000,netdev=net1,mac=52:54:00:aa:bb:c1"));
	ck_assert_ptr_null(strstr(s, "fd="));
	ck_assert_ptr_null(strstr(s, "vhost"));
}
END_TEST

START_TEST(kvm_when_usable_else_tcg)
{
	struct vm_desc d;
	struct vm_facts f;

	desc(&d, NULL);
	facts(&d, &f, false);
	ck_assert_str_eq(line(&d, &f), HEAD);
	f.kvm = true;
	ck_assert_ptr_nonnull(strstr(line(&d, &f), " -accel kvm -cpu host -m 512 "));
	ck_assert_ptr_null(strstr(line(&d, &f), "tcg"));
}
END_TEST

START_TEST(vnc_listens_on_loopback_unless_told)
{
	const char *dflt[] = {"display", "vnc=:1", NULL},
		   *any[] = {"display", "vnc=0.0.0.0:7", NULL};
	const char *v6[] = {"display", "vnc=[::1]:2", NULL};

	ck_assert_ptr_nonnull(
		strstr(build(dflt, false), " -display none -vnc 127.0.0.1:1 -device VGA"));
	ck_assert_ptr_nonnull(strstr(build(any, false), " -vnc 0.0.0.0:7 "));
	ck_assert_ptr_nonnull(strstr(build(v6, false), " -vnc '[::1]:2' ")); /* quoted for show */
}
END_TEST

START_TEST(nographic_in_the_foreground_puts_the_console_on_the_terminal)
{
	const char *o[] = {"display", "nographic", NULL};
	struct vm_desc d;
	struct vm_facts f;
	const char *s;

	desc(&d, o);
	facts(&d, &f, false);
	ck_assert_str_eq(line(&d, &f), HEAD); /* in the background: like none */
	d.foreground = true;
	s = line(&d, &f);
	ck_assert_ptr_nonnull(strstr(s, " -chardev stdio,id=serial0,mux=on,signal=off,logfile=" DIR
					"/serial.log -serial chardev:serial0 -mon "
					"chardev=serial0,mode=readline -display none"));
	ck_assert_ptr_null(strstr(s, "serial.sock"));
}
END_TEST

START_TEST(disks_cdrom_boot_kernel_and_extra_arguments)
{
	char *extra[] = {"-no-reboot", "-rtc", "base=utc"};
	const char *o[] = {"memory", "2G",
			   "disk",   "/img/a,,b.raw,if=ide,format=raw,cache=writeback",
			   "disk",   "/img/s.qcow2,if=scsi,cache=unsafe",
			   "disk",   "/iso/x.iso,media=cdrom,if=scsi",
			   "cdrom",  "/iso/debian.iso",
			   "boot",   "dc",
			   "kernel", "/boot/vmlinux",
			   "initrd", "/boot/initrd.gz",
			   "append", "console=ttyS0 quiet",
			   NULL};
	struct vm_desc d;
	struct vm_facts f;

	desc(&d, o);
	d.extra = extra;
	d.nextra = 3;
	facts(&d, &f, false);
	ck_assert_str_eq(
		line(&d, &f),
		"qemu-system-x86_64 -name web -machine q35 -accel tcg -m 2048 -smp 1 -nodefaults "
		"-no-user-config -chardev socket,id=qmp,path=" DIR "/qmp.sock,server=on,wait=off "
		"-mon chardev=qmp,mode=control -pidfile " DIR "/pid "
		"-chardev socket,id=serial0,path=" DIR
		"/serial.sock,server=on,wait=off,logfile=" DIR
		"/serial.log -serial chardev:serial0 -display none "
		"-device virtio-scsi-pci,id=scsi0 "
		"-drive file=/img/a,,b.raw,if=ide,format=raw,cache=writeback,media=disk "
		"-drive file=/img/s.qcow2,if=none,id=disk1,cache=unsafe,media=disk "
		"-device scsi-hd,drive=disk1,bus=scsi0.0 "
		"-drive file=/iso/x.iso,if=none,id=disk2,media=cdrom,readonly=on "
		"-device scsi-cd,drive=disk2,bus=scsi0.0 "
		"-drive file=/iso/debian.iso,if=ide,media=cdrom,readonly=on "
		"-boot order=dc -kernel /boot/vmlinux -initrd /boot/initrd.gz "
		"-append 'console=ttyS0 quiet' -no-reboot -rtc base=utc");
	ck_assert_str_eq(d.disk[0].path, "/img/a,b.raw");
}
END_TEST

START_TEST(virtio_gets_the_networks_mtu)
{
	const char *o[] = {"net", "lan", "net", "lan,model=rtl8139", NULL};
	struct vm_desc d;
	struct vm_facts f;
	const char *s;

	desc(&d, o);
	facts(&d, &f, false);
	f.nic[0].mtu = f.nic[1].mtu = 9000;
	s = line(&d, &f);
	ck_assert_ptr_nonnull(
		strstr(s, "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:c0,host_mtu=9000"));
	ck_assert_ptr_nonnull(strstr(s, " -device rtl8139,netdev=net1,mac=52:54:00:aa:bb:c1"));
	ck_assert_ptr_null(strstr(strstr(s, "rtl8139"), "host_mtu"));
}
END_TEST

START_TEST(a_folder_too_long_for_a_socket_is_refused)
{
	char dir[200];
	struct vm_desc d;
	struct vm_facts f;
	struct vm_argv a = {0};
	struct nl_err e;

	desc(&d, NULL);
	facts(&d, &f, false);
	memset(dir, 'x', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	f.dir = dir;
	ck_assert_int_eq(vm_argv_build(&d, &f, &a, &e), -ENAMETOOLONG);
	ck_assert_int_eq(e.kind, NL_ERR_INVALID);
	vm_argv_free(&a);
}
END_TEST

START_TEST(defaults_and_values_are_kept)
{
	const char *o[] = {"memory",	  "768",    "cpus",
			   "2,threads=2", "net",    "lan,mac=52:54:00:01:02:03",
			   "display",	  "vnc=:0", NULL};
	struct vm_desc d;

	desc(&d, NULL);
	ck_assert_uint_eq(d.memory, 512);
	ck_assert_uint_eq(d.cpus, 1);
	ck_assert_int_eq(d.display, VM_DISPLAY_NONE);
	desc(&d, o);
	ck_assert_uint_eq(d.memory, 768);
	ck_assert_uint_eq(d.cpus, 2);
	ck_assert_uint_eq(d.threads, 2);
	ck_assert_uint_eq(d.sockets, 0);
	ck_assert_str_eq(d.nic[0].net, "lan");
	ck_assert(d.nic[0].mac_given);
	ck_assert_uint_eq(d.nic[0].mac[5], 3);
	ck_assert_int_eq(d.nic[0].model, VM_NIC_VIRTIO);
	ck_assert_str_eq(d.vnc_addr, "127.0.0.1");
	ck_assert_uint_eq(d.vnc_display, 0);
}
END_TEST

static const struct {
	const char *opt, *value;
	const char *line; /* the whole error line */
} bad[] = {
	{"memory", "12", "memory 12: must be MiB 16..4194304 (or with a G suffix)"},
	{"memory", "lots", "memory lots: must be MiB 16..4194304 (or with a G suffix)"},
	{"memory", "5000G", "memory 5000G: must be MiB 16..4194304 (or with a G suffix)"},
	{"cpus", "0", "cpus 0: must be N[,sockets=S,cores=C,threads=T] with numbers 1..255"},
	{"cpus", "4,dies=2",
	 "cpus 4,dies=2: must be N[,sockets=S,cores=C,threads=T] with numbers 1..255"},
	{"cpus", "4,sockets=2,cores=2,threads=2",
	 "cpus 4,sockets=2,cores=2,threads=2: sockets x cores x threads must equal the cpus"},
	{"disk", "", "disk \"\": must not be empty"},
	{"disk", "a.img,if=floppy", "disk a.img,if=floppy: if must be virtio, ide or scsi"},
	{"disk", "a.img,cache=fast",
	 "disk a.img,cache=fast: cache must be none, writeback, writethrough or unsafe"},
	{"disk", "a.img,format=vmdk", "disk a.img,format=vmdk: format must be qcow2 or raw"},
	{"disk", "a.img,media=tape", "disk a.img,media=tape: media must be disk or cdrom"},
	{"disk", "a.img,colour=red", "disk a.img,colour=red: unknown setting \"colour=red\""},
	{"disk", "a.iso,media=cdrom,if=virtio",
	 "disk a.iso,media=cdrom,if=virtio: media=cdrom needs if=ide or if=scsi"},
	{"net", "", "net : must start with a network name (1..15 characters)"},
	{"net", "averyveryverylongname",
	 "net averyveryverylongname: must start with a network name (1..15 characters)"},
	{"net", "lan,model=ne2k", "net lan,model=ne2k: model must be virtio, e1000 or rtl8139"},
	{"net", "lan,mac=52:54:00:12:34",
	 "MAC 52:54:00:12:34: must be six hex bytes, as in 52:54:00:12:34:57"},
	{"net", "lan,mac=zz:54:00:12:34:56",
	 "MAC zz:54:00:12:34:56: must be six hex bytes, as in 52:54:00:12:34:57"},
	{"net", "lan,mac=01:00:5e:00:00:01",
	 "MAC 01:00:5e:00:00:01: is a multicast address (the first byte must be even)"},
	{"net", "lan,mac=00:00:00:00:00:00", "MAC 00:00:00:00:00:00: is all zeros"},
	{"net", "lan,vlan=3", "net lan,vlan=3: unknown setting \"vlan=3\""},
	{"boot", "cc",
	 "boot order cc: must be drive letters a, b, c, d, n..p, each once (c: disk, d: cdrom, n: "
	 "network)"},
	{"boot", "x",
	 "boot order x: must be drive letters a, b, c, d, n..p, each once (c: disk, d: cdrom, n: "
	 "network)"},
	{"display", "sdl", "display sdl: must be none, vnc=[ADDR]:N or nographic"},
	{"display", "vnc=1", "display vnc=1: must be vnc=[ADDR]:N (N 0..59635: port 5900+N)"},
	{"display", "vnc=:70000",
	 "display vnc=:70000: must be vnc=[ADDR]:N (N 0..59635: port 5900+N)"},
	{"display", "vnc=a,b:1",
	 "display vnc=a,b:1: must be vnc=[ADDR]:N (N 0..59635: port 5900+N)"},
	{"cdrom", "", "cdrom \"\": must not be empty"},
	{"colour", "red", "option --colour: is not a VM option"},
};

START_TEST(bad_values_are_refused_naming_the_value)
{
	struct vm_desc d;
	struct nl_err e;
	char buf[512];

	vm_desc_init(&d);
	ck_assert_int_eq(vm_desc_option(&d, bad[_i].opt, bad[_i].value, &e), -EINVAL);
	ck_assert_int_eq(e.kind, NL_ERR_INVALID);
	ck_assert_str_eq(nl_err_str(&e, buf, sizeof(buf)), bad[_i].line);
}
END_TEST

START_TEST(names_and_combinations_are_checked)
{
	struct vm_desc d;
	struct nl_err e;
	char buf[256];

	vm_desc_init(&d);
	ck_assert_int_eq(vm_desc_name(&d, "-x", &e), -EINVAL);
	ck_assert_str_eq(nl_err_str(&e, buf, sizeof(buf)),
			 "VM name \"-x\": must not start with '.' or '-'");
	ck_assert_int_eq(vm_desc_name(&d, "a/b", &e), -EINVAL);
	ck_assert_int_eq(vm_desc_name(&d, "", &e), -EINVAL);
	ck_assert_int_eq(vm_desc_name(&d, "abcdefghijklmnopqrstuvwxyz0123456", &e), -EINVAL);
	ck_assert_int_eq(vm_desc_name(&d, "web-1.test_2", &e), 0);
	ck_assert_int_eq(vm_desc_option(&d, "initrd", "/boot/initrd", &e), 0);
	ck_assert_int_eq(vm_desc_check(&d, &e), -EINVAL);
	ck_assert_str_eq(nl_err_str(&e, buf, sizeof(buf)), "initrd /boot/initrd: needs --kernel");
	vm_desc_init(&d);
	ck_assert_int_eq(vm_desc_option(&d, "net", "a,mac=52:54:00:00:00:01", &e), 0);
	ck_assert_int_eq(vm_desc_option(&d, "net", "b,mac=52:54:00:00:00:01", &e), 0);
	ck_assert_int_eq(vm_desc_check(&d, &e), -EINVAL);
	ck_assert_str_eq(nl_err_str(&e, buf, sizeof(buf)),
			 "MAC 52:54:00:00:00:01: is given to two NICs");
	for (int i = 0; i < VM_MAX_NICS - 2; i++)
		ck_assert_int_eq(vm_desc_option(&d, "net", "c", &e), 0);
	ck_assert_int_eq(vm_desc_option(&d, "net", "c", &e), -EINVAL);
	ck_assert_str_eq(nl_err_str(&e, buf, sizeof(buf)), "net c: at most 8 networks");
}
END_TEST

START_TEST(macs_are_stable_unique_and_never_qemus_default)
{
	static uint8_t seen[4 * 400][6];
	uint8_t a[6], b[6];
	unsigned n = 0;
	char name[16], s[18];

	vm_mac_derive("web", 0, 0, a);
	vm_mac_derive("web", 0, 0, b);
	ck_assert_mem_eq(a, b, 6);
	ck_assert_str_eq(vm_mac_str(a, s), vm_mac_str(b, s + 0)); /* stable */
	vm_mac_derive("web", 0, 1, b);
	ck_assert_mem_ne(a, b, 6); /* another candidate */
	/* "vm44422437" NIC 0 hashes to 12:34:56 (found by search): skipped */
	vm_mac_derive("vm44422437", 0, 0, a);
	vm_mac_derive("vm44422437", 0, 1, b);
	ck_assert_str_ne(vm_mac_str(a, s), "52:54:00:12:34:56");
	ck_assert_mem_eq(a, b, 6);
	/* (plain ifs: a Check assertion costs a write to a pipe) */
	for (unsigned v = 0; v < 400; v++)
		for (unsigned i = 0; i < 4; i++, n++) {
			snprintf(name, sizeof(name), "vm%u", v);
			vm_mac_derive(name, i, 0, seen[n]);
			vm_mac_str(seen[n], s);
			if (memcmp(seen[n], "\x52\x54\x00", 3) || !strcmp(s, "52:54:00:12:34:56"))
				ck_abort_msg("%s %u: %s", name, i, s);
			for (unsigned k = 0; k < n; k++)
				if (!memcmp(seen[k], seen[n], 6))
					ck_abort_msg("%s %u: %s twice", name, i, s);
		}
}
END_TEST

START_TEST(mac_text_round_trips)
{
	uint8_t m[6];
	char s[18];

	ck_assert_int_eq(vm_mac_parse("52:54:00:AB:cd:0F", m, NULL), 0);
	ck_assert_str_eq(vm_mac_str(m, s), "52:54:00:ab:cd:0f");
	ck_assert_int_eq(vm_mac_parse("52:54:00:ab:cd:0f:", m, NULL), -EINVAL);
	ck_assert_int_eq(vm_mac_parse("52-54-00-ab-cd-0f", m, NULL), -EINVAL);
}
END_TEST

START_TEST(state_round_trips_through_json)
{
	struct vm_state s = {.name = "web",
			     .memory = 256,
			     .cpus = 2,
			     .display = "vnc=127.0.0.1:1",
			     .nnics = 2,
			     .running = true,
			     .pid = 42};
	struct vm_state back;
	json_object *o;

	s.nic[0] = (struct vm_nic_state){.net = "lan",
					 .tap = "vm-web-0",
					 .model = VM_NIC_VIRTIO,
					 .mac = {0x52, 0x54, 0, 1, 2, 3},
					 .queues = 2};
	s.nic[1] = (struct vm_nic_state){.net = "iso",
					 .tap = "vmtap3",
					 .model = VM_NIC_E1000,
					 .mac = {0x52, 0x54, 0, 1, 2, 4},
					 .queues = 1};
	o = vm_state_json(&s);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "state")), "running");
	ck_assert_int_eq(json_object_get_int(json_object_object_get(o, "pid")), 42);
	ck_assert_int_eq(vm_state_from_json(o, &back, NULL), 0);
	json_object_put(o);
	ck_assert_str_eq(back.name, "web");
	ck_assert_uint_eq(back.memory, 256);
	ck_assert_uint_eq(back.cpus, 2);
	ck_assert_str_eq(back.display, "vnc=127.0.0.1:1");
	ck_assert_uint_eq(back.nnics, 2);
	ck_assert_str_eq(back.nic[1].net, "iso");
	ck_assert_str_eq(back.nic[1].tap, "vmtap3");
	ck_assert_int_eq(back.nic[1].model, VM_NIC_E1000);
	ck_assert_mem_eq(back.nic[1].mac, s.nic[1].mac, 6);
	ck_assert_uint_eq(back.nic[0].queues, 2);
	ck_assert(!back.running); /* never from the file */
}
END_TEST

START_TEST(hardware_virtualization_is_read_from_cpu_flags)
{
	ck_assert(vm_cpuinfo_hwvirt("processor\t: 0\nflags\t\t: fpu vme vmx sse\n"));
	ck_assert(vm_cpuinfo_hwvirt("flags\t\t: fpu svm\nbugs: x\n"));
	ck_assert(!vm_cpuinfo_hwvirt("flags\t\t: fpu hypervisor svmx vmxx\n"));
	ck_assert(!vm_cpuinfo_hwvirt("model name: vmx svm\nflags: fpu\n"));
	ck_assert(!vm_cpuinfo_hwvirt(""));
}
END_TEST

START_TEST(arguments_are_quoted_for_display)
{
	char *v[] = {"qemu", "-append", "a b", "it's", NULL};
	struct vm_argv a = {.n = 4, .v = v};
	char *s = vm_argv_str(&a);

	ck_assert_str_eq(s, "qemu -append 'a b' 'it'\\''s'");
	free(s);
}
END_TEST

/* A description written as JSON reads back the same (every option through
 * its parser); another machine is named by its first difference. */
START_TEST(descriptions_round_trip_and_differences_are_named)
{
	static const char *const opts[] = {"memory",  "128",
					   "cpus",    "2,sockets=2",
					   "disk",    "/v/a,,b.qcow2,format=qcow2,cache=none",
					   "net",     "lan,mac=52:54:00:00:00:07",
					   "net",     "wan,model=e1000,mac=52:54:00:00:00:08",
					   "kernel",  "/k",
					   "append",  "console=ttyS0 a=b,c",
					   "machine", "pc-q35-7.2",
					   NULL};
	uint8_t macs[2][6] = {{0x52, 0x54, 0, 0, 0, 7}, {0x52, 0x54, 0, 0, 0, 8}};
	struct vm_desc_facts x = {.subnets = {"10.0.0.0/24", "10.1.0.0/24"},
				  .kernel_size = 5,
				  .initrd_size = -1},
			     y;
	struct vm_desc a, b;
	struct nl_err e;
	json_object *o;
	char diff[200];

	desc(&a, opts);
	o = vm_desc_json(&a, (const uint8_t(*)[6])macs, &x);
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "web");
	ck_assert_int_eq(vm_desc_from_json(o, &b, &y, "description d", &e), 0);
	ck_assert(vm_desc_same(&b, &a, "", diff, sizeof(diff)));
	ck_assert_str_eq(b.disk[0].path, "/v/a,b.qcow2");
	ck_assert_str_eq(y.subnets[1], "10.1.0.0/24");
	ck_assert_int_eq(y.kernel_size, 5);
	b.memory = 256;
	/* only what was given here is compared ... */
	ck_assert(vm_desc_same(&b, &a, ",net,", diff, sizeof(diff)));
	ck_assert(!vm_desc_same(&b, &a, ",net,memory,", diff, sizeof(diff)));
	ck_assert_str_eq(diff, "memory: \"256\" here, \"128\" on the source");
	/* ... but the files always: a destination names its own, options after
	 * the path included; of the display only whether it is VNC (a VGA) */
	b.memory = 128;
	b.display = VM_DISPLAY_NOGRAPHIC;
	ck_assert(vm_desc_same(&b, &a, ",display,", diff, sizeof(diff)));
	b.display = VM_DISPLAY_VNC;
	ck_assert(!vm_desc_same(&b, &a, ",display,", diff, sizeof(diff)));
	ck_assert_str_eq(diff, "display: vnc here, none on the source (VNC adds a VGA device)");
	b.display = VM_DISPLAY_NONE;
	b.disk[0].format = VM_FORMAT_RAW;
	ck_assert(!vm_desc_same(&b, &a, "", diff, sizeof(diff)));
	ck_assert_msg(!strncmp(diff,
			       "disk: [ \"\\/v\\/a,,b.qcow2,if=virtio,media=disk,cache=none,"
			       "format=raw\" ] here, ",
			       strlen("disk: [ \"\\/v\\/a,,b.qcow2,if=virtio,media=disk,cache=none,"
				      "format=raw\" ] here, ")),
		      "%s", diff);
	b.disk[0].format = VM_FORMAT_QCOW2;
	b.kernel[0] = '\0';
	ck_assert(!vm_desc_same(&b, &a, "", diff, sizeof(diff)));
	ck_assert_str_eq(diff, "kernel: none here, \"\\/k\" on the source (a destination names its "
			       "own disks, cdrom, kernel and initrd: give the same here)");
	/* a value no option takes is refused by the option's own parser */
	json_object_object_add(o, "boot", json_object_new_string("zz"));
	ck_assert_int_eq(vm_desc_from_json(o, &b, &y, "description d", &e), -EINVAL);
	ck_assert_str_eq(e.obj, "boot order zz");
	json_object_object_del(o, "boot");
	/* a migration needs a versioned machine type: an alias is refused,
	 * and so is none (q35, the default) */
	for (const char *const *m = (const char *const[]){"q35", "pc", "microvm", "pc-q35-7",
							  "pc-q35-7.", "pc-q35-7.2x", NULL};
	     *m; m++) {
		json_object_object_add(o, "machine", json_object_new_string(*m));
		ck_assert_msg(vm_desc_from_json(o, &b, &y, "description d", &e) == -EINVAL, "%s",
			      *m);
		snprintf(diff, sizeof(diff), "machine \"%s\"", *m);
		ck_assert_str_eq(e.obj, diff);
	}
	json_object_object_del(o, "machine");
	ck_assert_int_eq(vm_desc_from_json(o, &b, &y, "description d", &e), -EINVAL);
	ck_assert_str_eq(e.obj, "machine \"q35\"");
	for (const char *const *m =
		     (const char *const[]){"pc-q35-7.2", "pc-i440fx-2.12", "virt-8.0", NULL};
	     *m; m++) {
		json_object_object_add(o, "machine", json_object_new_string(*m));
		ck_assert_msg(vm_desc_from_json(o, &b, &y, "description d", &e) == 0, "%s", *m);
	}
	json_object_put(o);
}
END_TEST

/* "leases": one per NIC, an IPv4 address or null; anything else is refused
 * naming the member, and nothing of it is kept. */
START_TEST(leases_round_trip_and_only_ipv4_addresses_are_read)
{
	static const char *const opts[] = {"net",     "lan,mac=52:54:00:00:00:07",
					   "net",     "wan,mac=52:54:00:00:00:08",
					   "machine", "pc-q35-7.2",
					   NULL};
	static const char *const bad_ones[] = {
		"[\"fd00::5\"]", "[\"10.0.0.5/24\"]", "[\"10.0.0.5,ignore\"]",
		"[5]",		 "\"10.0.0.5\"",      "[null, null, \"10.0.0.5\"]"};
	uint8_t macs[2][6] = {{0x52, 0x54, 0, 0, 0, 7}, {0x52, 0x54, 0, 0, 0, 8}};
	struct vm_desc_facts x = {.kernel_size = -1, .initrd_size = -1}, y;
	struct vm_desc a, b;
	struct nl_err e;
	json_object *o;

	desc(&a, opts);
	nl_prefix_parse("10.0.0.5", NL_PREFIX_NO_LEN, NULL, &x.lease[1], NULL);
	o = vm_desc_json(&a, (const uint8_t(*)[6])macs, &x);
	vm_desc_put_leases(o, 2, &x);
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(o, "leases")),
			 "[ null, \"10.0.0.5\" ]");
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(vm_desc_from_json(o, &b, &y, "description d", &e), 0);
	ck_assert_int_eq(y.lease[0].family, 0);
	ck_assert(nl_prefix_equal(&y.lease[1], &x.lease[1]));
	for (size_t i = 0; i < sizeof(bad_ones) / sizeof(bad_ones[0]); i++) {
		json_object_object_add(o, "leases", json_tokener_parse(bad_ones[i]));
		ck_assert_msg(vm_desc_from_json(o, &b, &y, "description d", &e) == -EINVAL, "%s",
			      bad_ones[i]);
		ck_assert_msg(strstr(e.msg, "\"leases\""), "%s: %s", bad_ones[i], e.msg);
	}
	/* the wrong length is said as such */
	json_object_object_add(o, "leases", json_tokener_parse("[null, null, \"10.0.0.5\"]"));
	ck_assert_int_eq(vm_desc_from_json(o, &b, &y, "description d", &e), -EINVAL);
	ck_assert_str_eq(e.msg, "\"leases\" has 3 entries for 2 NICs (one per NIC)");
	json_object_put(o);
	/* none leased: no member */
	memset(&x.lease, 0, sizeof(x.lease));
	o = vm_desc_json(&a, (const uint8_t(*)[6])macs, &x);
	vm_desc_put_leases(o, 2, &x);
	ck_assert(!json_object_object_get_ex(o, "leases", NULL));
	json_object_put(o);
}
END_TEST

/* A description file others could have written, or that does not read,
 * is a bad value (exit 2) naming the file. */
START_TEST(a_description_file_that_is_not_safe_is_a_bad_value)
{
	char dir[] = "/tmp/unit_vm.XXXXXX", path[64], link[80], big[64], fifo[64];
	const char *paths[5];
	struct vm_desc_facts x;
	struct vm_desc d;
	struct nl_err e;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/d.json", dir);
	snprintf(link, sizeof(link), "%s/link.json", dir);
	snprintf(big, sizeof(big), "%s/big.json", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.json", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{}", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0666), 0); /* writable by others */
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_ptr_nonnull(f = fopen(big, "w"));
	for (size_t i = 0; i < VM_DESC_MAX + 1; i++)
		fputc(' ', f);
	fclose(f);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	paths[0] = path;
	paths[1] = link;
	paths[2] = big;
	paths[3] = fifo;
	paths[4] = "/nonexistent/d.json";
	for (size_t i = 0; i < 5; i++) {
		char want[96];

		memset(&d, 0, sizeof(d));
		ck_assert_msg(vm_desc_read(paths[i], &d, &x, &e) < 0, "%s", paths[i]);
		snprintf(want, sizeof(want), "description %s", paths[i]);
		ck_assert_str_eq(e.obj, want);
		ck_assert_msg(nl_err_exit_code(&e) == 2, "%s: %s", paths[i], e.msg);
	}
	unlink(path);
	unlink(link);
	unlink(big);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

/* Only tcp: reaches qemu, with an address it can take. */
START_TEST(migration_addresses_are_checked)
{
	static const char *const addrs[] = {"exec:cat /etc/shadow",
					    "unix:/s",
					    "fd:3",
					    "tcp:host",
					    "tcp:a b:7",
					    "tcp:[fe80::1:7",
					    "tcp:10.0.0.1:0",
					    "tcp:10.0.0.1:65536",
					    "tcp:-x:7",
					    "tcp::7x"};
	struct nl_err e;

	ck_assert_int_eq(vm_uri_check("tcp:10.0.0.1:7777", false, &e), 0);
	ck_assert_int_eq(vm_uri_check("tcp:dest.example:7777", false, &e), 0);
	ck_assert_int_eq(vm_uri_check("tcp:[fd00::1]:7777", false, &e), 0);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		ck_assert_msg(vm_uri_check(addrs[i], false, &e) == -EINVAL, "%s taken", addrs[i]);
	/* a listener's address must be a literal one */
	ck_assert_int_eq(vm_uri_check("tcp:dest.example:7777", true, &e), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_vm");
	TCase *t = tcase_create("launcher");

	tcase_add_test(t, one_queue_is_handed_over_as_fd);
	tcase_add_test(t, virtio_with_cpus_gets_one_fd_per_queue_and_mq);
	tcase_add_test(t, queues_stop_at_the_maximum);
	tcase_add_test(t, vhost_only_when_usable);
	tcase_add_test(t, a_user_without_root_gets_the_bridge_helper);
	tcase_add_test(t, kvm_when_usable_else_tcg);
	tcase_add_test(t, vnc_listens_on_loopback_unless_told);
	tcase_add_test(t, nographic_in_the_foreground_puts_the_console_on_the_terminal);
	tcase_add_test(t, disks_cdrom_boot_kernel_and_extra_arguments);
	tcase_add_test(t, virtio_gets_the_networks_mtu);
	tcase_add_test(t, a_folder_too_long_for_a_socket_is_refused);
	tcase_add_test(t, defaults_and_values_are_kept);
	tcase_add_loop_test(t, bad_values_are_refused_naming_the_value, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(t, names_and_combinations_are_checked);
	tcase_add_test(t, macs_are_stable_unique_and_never_qemus_default);
	tcase_add_test(t, mac_text_round_trips);
	tcase_add_test(t, state_round_trips_through_json);
	tcase_add_test(t, hardware_virtualization_is_read_from_cpu_flags);
	tcase_add_test(t, arguments_are_quoted_for_display);
	tcase_add_test(t, descriptions_round_trip_and_differences_are_named);
	tcase_add_test(t, leases_round_trip_and_only_ipv4_addresses_are_read);
	tcase_add_test(t, migration_addresses_are_checked);
	tcase_add_test(t, a_description_file_that_is_not_safe_is_a_bad_value);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_vm", false);
}
