/* Namespace tests of the tuner (tune/tune.h, and the engine's netd/tuner.h)
 * and of `vnet tune`: each test runs in a fresh network namespace, sets
 * GSO, TSO, GRO and txqueuelen on veths, bridges and taps, and proves each
 * change with observers that are not vnet: ethtool -k, ip -j link, test -c.
 * On a tap, TSO is qemu's: the tuner must leave it and say so. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/harness.h"
#include "nlink/link.h"
#include "nlink/tap.h"
#include "netd/tuner.h"

static struct nl_sock S;
static struct nl_ethtool ET;
static struct nl_err E;

static const char *errline(void)
{
	static char buf[512];

	return nl_err_str(&E, buf, sizeof(buf));
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		int r_ = (call);                                                                   \
		ck_assert_msg(r_ == 0, "%s: %d (%s)", #call, r_, errline());                       \
	} while (0)

static void setup(void)
{
	th_netns_setup();
	nl_err_clear(&E);
	ck_assert_int_eq(nl_sock_open(&S, NETLINK_ROUTE, &E), 0);
	ck_assert_int_eq(nl_ethtool_open(&ET, &E), 0);
}

static void teardown(void)
{
	nl_ethtool_close(&ET);
	nl_sock_close(&S);
	th_netns_teardown();
}

static void sh_ok(const char *cmd)
{
	ck_assert_msg(th_sh("%s", cmd) == 0, "%s", cmd);
}

/* What `ethtool -k DEV` says of one feature: "on", "off [requested on]"... */
static char *ethtool_k(const char *dev, const char *feature)
{
	char *s = th_out(NULL, "ethtool -k %s | sed -n 's/^[[:space:]]*%s: //p'", dev, feature);
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

static void assert_feature(const char *dev, const char *feature, const char *want)
{
	char *got = ethtool_k(dev, feature);

	ck_assert_msg(!strcmp(got, want), "ethtool -k %s: %s: \"%s\", want \"%s\"", dev, feature,
		      got, want);
	free(got);
}

/* ethtool -K's groups as ethtool -k shows them. */
static void assert_offloads(const char *dev, const char *gso, const char *tso, const char *gro)
{
	assert_feature(dev, "generic-segmentation-offload", gso);
	assert_feature(dev, "tcp-segmentation-offload", tso);
	assert_feature(dev, "tx-tcp-segmentation", tso);
	assert_feature(dev, "tx-tcp6-segmentation", tso);
	assert_feature(dev, "tx-tcp-ecn-segmentation", tso);
	assert_feature(dev, "generic-receive-offload", gro);
}

static long txqlen(const char *dev)
{
	json_object *all = th_json("ip -j link show dev %s", dev);
	long q = th_jint(th_jlink(all, dev), "txqlen");

	json_object_put(all);
	return q;
}

static struct vt_profile profile(int gso, int tso, int gro, unsigned txq)
{
	struct vt_profile p = {.txqueuelen = txq};

	p.knob[VT_KNOB_GSO] = (unsigned char)gso;
	p.knob[VT_KNOB_TSO] = (unsigned char)tso;
	p.knob[VT_KNOB_GRO] = (unsigned char)gro;
	return p;
}

START_TEST(tune_sets_and_resets_offloads_and_txqueuelen_on_a_veth)
{
	struct vt_profile off = profile(VT_OFF, VT_OFF, VT_ON, 5000);
	struct vt_profile on = profile(VT_ON, VT_ON, VT_OFF, 1000);
	struct vt_result r;

	sh_ok("ip link add va type veth peer name vb");
	assert_offloads("va", "on", "on", "off");
	OK(vt_apply(&ET, &S, "va", &off, &r, &E));
	ck_assert_str_eq(r.kind, "veth");
	for (unsigned k = 0; k < VT_KNOB_N; k++)
		ck_assert_uint_eq(r.done[k], VT_SET);
	ck_assert_uint_eq(r.txq_done, VT_SET);
	assert_offloads("va", "off", "off", "on");
	ck_assert_int_eq(txqlen("va"), 5000);
	assert_offloads("vb", "on", "on", "off"); /* the peer is its own */

	OK(vt_apply(&ET, &S, "va", &off, &r, &E));
	for (unsigned k = 0; k < VT_KNOB_N; k++)
		ck_assert_uint_eq(r.done[k], VT_ALREADY);
	ck_assert_uint_eq(r.txq_done, VT_ALREADY);

	OK(vt_apply(&ET, &S, "va", &on, &r, &E));
	assert_offloads("va", "on", "on", "off");
	ck_assert_int_eq(txqlen("va"), 1000);
}
END_TEST

START_TEST(tune_leaves_what_the_profile_leaves)
{
	struct vt_profile gso_only = profile(VT_OFF, VT_LEAVE, VT_LEAVE, 0);
	struct vt_result r;

	sh_ok("ip link add va type veth peer name vb && ethtool -K va gro on && "
	      "ip link set va txqueuelen 777");
	OK(vt_apply(&ET, &S, "va", &gso_only, &r, &E));
	ck_assert_uint_eq(r.done[VT_KNOB_GSO], VT_SET);
	ck_assert_uint_eq(r.done[VT_KNOB_TSO], VT_LEFT);
	ck_assert_uint_eq(r.txq_done, VT_LEFT);
	assert_offloads("va", "off", "on", "on");
	ck_assert_int_eq(txqlen("va"), 777);
}
END_TEST

START_TEST(tune_sets_offloads_and_txqueuelen_on_a_bridge)
{
	struct vt_profile off = profile(VT_OFF, VT_OFF, VT_OFF, 2000);
	struct vt_profile on = profile(VT_ON, VT_ON, VT_ON, 0);
	struct vt_result r;

	sh_ok("ip link add tbr type bridge");
	assert_offloads("tbr", "on", "on", "on");
	OK(vt_apply(&ET, &S, "tbr", &off, &r, &E));
	ck_assert_str_eq(r.kind, "bridge");
	assert_offloads("tbr", "off", "off", "off");
	ck_assert_int_eq(txqlen("tbr"), 2000);
	OK(vt_apply(&ET, &S, "tbr", &on, &r, &E));
	assert_offloads("tbr", "on", "on", "on");
	ck_assert_int_eq(txqlen("tbr"), 2000);
}
END_TEST

/* A bridge takes some features from its ports: with its port's TSO off,
 * its tx-tcp-accecn-segmentation (where the kernel has it) stays off. TSO
 * on the bridge still goes on, as with ethtool -K. */
START_TEST(tune_on_a_bridge_turns_tso_on_though_a_port_holds_a_sibling_back)
{
	struct vt_profile on = profile(VT_LEAVE, VT_ON, VT_LEAVE, 0);
	struct vt_result r;
	char *accecn;

	sh_ok("ip link add tbr type bridge && ip link add pa type veth peer name pb && "
	      "ip link set pa master tbr && ethtool -K pa tso off && ethtool -K tbr tso off");
	OK(vt_apply(&ET, &S, "tbr", &on, &r, &E));
	ck_assert_uint_eq(r.done[VT_KNOB_TSO], VT_SET);
	assert_feature("tbr", "tx-tcp-segmentation", "on");
	assert_feature("tbr", "tx-tcp6-segmentation", "on");
	accecn = ethtool_k("tbr", "tx-tcp-accecn-segmentation");
	ck_assert_msg(!accecn[0] || !strcmp(accecn, "off [requested on]"), "%s", accecn);
	free(accecn);
}
END_TEST

/* A tap as qemu's ifup hook sees it: open (fd kept), vnet header, before
 * the guest negotiated anything (no TUNSETOFFLOAD yet). */
static int open_tap(const char *name)
{
	struct nl_tap_opts o = {.vnet_hdr = true, .owner = (uid_t)-1, .group = (gid_t)-1};
	char n[NL_IFNAMSIZ];
	int fd = -1;

	snprintf(n, sizeof(n), "%s", name);
	OK(nl_tap_open(n, &o, &fd, 1, &E));
	return fd;
}

START_TEST(tune_on_a_tap_sets_gso_gro_txqueuelen_and_leaves_tso_to_qemu)
{
	struct vt_profile off = profile(VT_OFF, VT_OFF, VT_OFF, 3000);
	struct vt_profile on = profile(VT_ON, VT_ON, VT_ON, 0);
	struct vt_result r;
	int fd = open_tap("tvn0");

	assert_feature("tvn0", "tx-tcp-segmentation", "off [requested on]");
	OK(vt_apply(&ET, &S, "tvn0", &off, &r, &E));
	ck_assert_str_eq(r.kind, "tun");
	ck_assert_uint_eq(r.done[VT_KNOB_GSO], VT_SET);
	ck_assert_uint_eq(r.done[VT_KNOB_GRO], VT_SET);
	ck_assert_uint_eq(r.done[VT_KNOB_TSO], VT_QEMU);
	assert_feature("tvn0", "generic-segmentation-offload", "off");
	assert_feature("tvn0", "generic-receive-offload", "off");
	/* Still requested: qemu's TUNSETOFFLOAD can turn it on later. */
	assert_feature("tvn0", "tx-tcp-segmentation", "off [requested on]");
	ck_assert_int_eq(txqlen("tvn0"), 3000);

	OK(vt_apply(&ET, &S, "tvn0", &on, &r, &E));
	ck_assert_uint_eq(r.done[VT_KNOB_TSO], VT_QEMU);
	assert_feature("tvn0", "generic-segmentation-offload", "on");
	assert_feature("tvn0", "generic-receive-offload", "on");
	assert_feature("tvn0", "tx-tcp-segmentation", "off [requested on]");
	close(fd);
}
END_TEST

START_TEST(tune_of_a_missing_interface_is_not_found)
{
	struct vt_profile p = profile(VT_OFF, VT_LEAVE, VT_LEAVE, 0);
	struct vt_result r;

	ck_assert_int_eq(vt_apply(&ET, &S, "nosuch0", &p, &r, &E), -ENODEV);
	ck_assert_uint_eq(E.kind, NL_ERR_NOTFOUND);
	ck_assert_msg(strstr(errline(), "nosuch0") != NULL, "%s", errline());
	nl_err_clear(&E);
	ck_assert_int_eq(vt_apply(&ET, &S, "bad/name", &p, &r, &E), -EINVAL);
	ck_assert_uint_eq(E.kind, NL_ERR_INVALID);
}
END_TEST

/* TSO needs checksum offload: with it off, TSO on does not take. The
 * txqueuelen and GSO changes made in the same call are undone. */
START_TEST(tune_that_does_not_take_changes_nothing)
{
	struct vt_profile p = profile(VT_OFF, VT_ON, VT_LEAVE, 3000);
	struct vt_result r;

	sh_ok("ip link add va type veth peer name vb && ethtool -K va tx off");
	assert_feature("va", "tx-tcp-segmentation", "off [requested on]");
	ck_assert_int_eq(vt_apply(&ET, &S, "va", &p, &r, &E), -EOPNOTSUPP);
	ck_assert_msg(strstr(errline(), "segmentation stays off") != NULL, "%s", errline());
	assert_feature("va", "generic-segmentation-offload", "on");
	assert_feature("va", "tx-tcp-segmentation", "off [requested on]");
	ck_assert_int_eq(txqlen("va"), 1000);
}
END_TEST

START_TEST(parse_refuses_bad_values_naming_them)
{
	unsigned char v = 0;
	unsigned q = 0;

	OK(vt_parse_tri("gso", "on", &v, &E));
	ck_assert_uint_eq(v, VT_ON);
	OK(vt_parse_tri("gso", "off", &v, &E));
	ck_assert_uint_eq(v, VT_OFF);
	ck_assert_int_eq(vt_parse_tri("tso", "maybe", &v, &E), -EINVAL);
	ck_assert_uint_eq(E.kind, NL_ERR_INVALID);
	ck_assert_msg(strstr(errline(), "maybe") != NULL, "%s", errline());
	OK(vt_parse_txqlen("10000", &q, &E));
	ck_assert_uint_eq(q, 10000);
	static const char *const bad[] = {"-1", "0", "", "12x", "4294967296", "+5", " 5"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nl_err_clear(&E);
		ck_assert_msg(vt_parse_txqlen(bad[i], &q, &E) == -EINVAL, "%s", bad[i]);
		ck_assert_msg(strstr(errline(), "txqueuelen") != NULL, "%s", errline());
	}
}
END_TEST

static const struct vt_feat *feat(const struct vt_if *i, const char *name)
{
	for (unsigned k = 0; k < i->nfeat; k++)
		if (!strcmp(i->feat[k].name, name))
			return &i->feat[k];
	ck_abort_msg("%s: no feature %s in the report", i->name, name);
	return NULL;
}

START_TEST(report_names_features_txqueuelen_mtu_and_what_qemu_owns)
{
	const char *const names[] = {"tvn0", "va", "rbr"};
	struct vt_if *v = NULL;
	unsigned n = 0;
	int fd = open_tap("tvn0");

	sh_ok("ip link add rbr type bridge && ip link add va type veth peer name vb && "
	      "ip link set va master rbr && ip link set rbr mtu 1400 && "
	      "ip link set va mtu 1500 && ethtool -K va gso off && ip link set va txqueuelen 600");
	OK(vt_report(&ET, &S, names, 3, NULL, &v, &n, &E));
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].kind, "tun");
	ck_assert(feat(&v[0], "tx-tcp-segmentation")->qemu);
	ck_assert(!feat(&v[0], "tx-tcp-segmentation")->active);
	ck_assert(feat(&v[0], "tx-tcp-segmentation")->wanted);
	ck_assert(!feat(&v[0], "tx-generic-segmentation")->qemu);
	ck_assert_str_eq(v[1].name, "va");
	ck_assert_str_eq(v[1].master, "rbr");
	ck_assert_uint_eq(v[1].txqueuelen, 600);
	ck_assert_uint_eq(v[1].mtu, 1500);
	ck_assert(!v[1].mtu_agrees);
	ck_assert(!feat(&v[1], "tx-generic-segmentation")->active);
	ck_assert(!feat(&v[1], "tx-tcp-segmentation")->qemu);
	ck_assert_str_eq(v[2].kind, "bridge");
	ck_assert(v[2].mtu_agrees);
	free(v);
	close(fd);
	ck_assert_int_eq(vt_report(&ET, &S, (const char *const[]){"nosuch0"}, 1, NULL, &v, &n, &E),
			 -ENODEV);
	ck_assert_uint_eq(E.kind, NL_ERR_NOTFOUND);
}
END_TEST

START_TEST(report_without_names_covers_vnet_bridges_and_their_ports)
{
	struct vn_ctx *c = vn_ctx_new(&E);
	struct vt_if *v = NULL;
	unsigned n = 0;

	sh_ok("ip link add vnbr type bridge && ip link set vnbr alias vnet:t1 && "
	      "ip link add otherbr type bridge && ip link set otherbr alias t2 && "
	      "ip link add pa type veth peer name pb && ip link set pa master vnbr && "
	      "ip link add qa type veth peer name qb && ip link set qa master otherbr");
	ck_assert_ptr_nonnull(c);
	OK(vn_tune_report(c, NULL, 0, &v, &n, &E));
	vn_ctx_free(c);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].name, "vnbr");
	ck_assert_str_eq(v[1].name, "pa");
	ck_assert_str_eq(v[1].master, "vnbr");
	free(v);
}
END_TEST

START_TEST(host_probe_tells_vhost_net_and_multiqueue_as_they_are)
{
	struct nl_tap_opts mq = {.multi_queue = true, .owner = (uid_t)-1, .group = (gid_t)-1};
	bool vhost = th_sh("test -c /dev/vhost-net") == 0;
	char name[NL_IFNAMSIZ] = "mqvn0";
	int fds[2] = {-1, -1};
	struct vt_host h;
	bool mq_works;

	vt_host(&h);
	ck_assert_int_eq(h.vhost_present, vhost);
	ck_assert_msg(strstr(h.vhost_reason, "/dev/vhost-net") != NULL, "%s", h.vhost_reason);
	if (!vhost)
		ck_assert(!h.vhost_usable);
	/* The truth of multiqueue: a two-queue tap opens. */
	mq_works = nl_tap_open(name, &mq, fds, 2, &E) == 0;
	ck_assert_msg(h.tap_multiqueue == mq_works, "%s / %s", h.tap_reason, errline());
	if (mq_works) {
		close(fds[0]);
		close(fds[1]);
	}
	/* The probe made no link. */
	ck_assert_msg(th_sh("ip -o link | grep -v -e ' lo:' -e mqvn0 | grep -q .") != 0,
		      "a link was left behind");
}
END_TEST

START_TEST(auto_profile_keeps_segmentation_offloads_on)
{
	const struct vt_profile *p = vt_auto_profile();

	ck_assert_uint_eq(p->knob[VT_KNOB_GSO], VT_ON);
	ck_assert_uint_eq(p->knob[VT_KNOB_TSO], VT_ON);
}
END_TEST

/* ---- vnet tune ---- */

static const char *vnet(void)
{
	const char *v = getenv("VNET_BIN");

	ck_assert_msg(v != NULL, "VNET_BIN is not set");
	return v;
}

/* Runs vnet ARGS; returns its stderr (malloc'd), *code its exit status. */
__attribute__((format(printf, 2, 3))) static char *V(int *code, const char *fmt, ...)
{
	char args[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	setenv("VNET_CONF_DIR", th_tmpdir(), 1);
	setenv("VNET_RUN_DIR", th_tmpdir(), 1);
	return th_out(code, "%s %s 2>&1 >/dev/null", vnet(), args);
}

#define V_OK(...)                                                                                  \
	do {                                                                                       \
		int c_;                                                                            \
		char *err_ = V(&c_, __VA_ARGS__);                                                  \
		ck_assert_msg(c_ == 0, "vnet exit %d: %s", c_, err_);                              \
		free(err_);                                                                        \
	} while (0)

START_TEST(cli_tune_sets_what_ethtool_k_shows_and_auto_turns_segmentation_back_on)
{
	sh_ok("ip link add va type veth peer name vb");
	V_OK("tune va --gso off --tso off --gro on --txqueuelen 4000");
	assert_offloads("va", "off", "off", "on");
	ck_assert_int_eq(txqlen("va"), 4000);
	V_OK("tune va --auto");
	assert_offloads("va", "on", "on", "on"); /* GRO and txqueuelen: left */
	ck_assert_int_eq(txqlen("va"), 4000);
	V_OK("tune va --auto --gso off"); /* a named option wins */
	assert_offloads("va", "off", "on", "on");
}
END_TEST

START_TEST(cli_tune_on_a_tap_sets_gso_and_says_tso_is_qemus)
{
	int fd = open_tap("tvn0"), code;
	char *err = V(&code, "tune tvn0 --gso off --tso off --txqueuelen 2500");

	ck_assert_msg(code == 0, "%s", err);
	ck_assert_msg(strstr(err, "tso is qemu's") != NULL, "%s", err);
	free(err);
	assert_feature("tvn0", "generic-segmentation-offload", "off");
	assert_feature("tvn0", "tx-tcp-segmentation", "off [requested on]");
	ck_assert_int_eq(txqlen("tvn0"), 2500);
	close(fd);
}
END_TEST

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(o && json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		      o ? json_object_to_json_string(o) : "-");
	return v;
}

static json_object *jif(json_object *report, const char *name)
{
	json_object *ifs = jget(report, "interfaces");

	for (size_t i = 0; i < json_object_array_length(ifs); i++) {
		json_object *o = json_object_array_get_idx(ifs, i);

		if (!strcmp(json_object_get_string(jget(o, "name")), name))
			return o;
	}
	ck_abort_msg("%s is not in the report", name);
	return NULL;
}

START_TEST(cli_report_json_has_the_fields_and_tells_vhost_net_as_it_is)
{
	bool vhost = th_sh("test -c /dev/vhost-net") == 0;
	json_object *r, *vh, *pa, *tso;

	sh_ok("ip link add vnbr type bridge && ip link set vnbr alias vnet:t1 && "
	      "ip link add pa type veth peer name pb && ip link set pa master vnbr && "
	      "ethtool -K pa tso off && ip link set pa txqueuelen 700 && "
	      "ip link add otherbr type bridge");
	setenv("VNET_CONF_DIR", th_tmpdir(), 1);
	setenv("VNET_RUN_DIR", th_tmpdir(), 1);
	r = th_json("%s tune --report -j", vnet());
	vh = jget(r, "vhost_net");
	ck_assert_int_eq(json_object_get_boolean(jget(vh, "present")), vhost);
	ck_assert(json_object_is_type(jget(vh, "usable"), json_type_boolean));
	if (!vhost) {
		ck_assert(!json_object_get_boolean(jget(vh, "usable")));
		ck_assert(strstr(json_object_get_string(jget(vh, "reason")), "absent"));
	}
	ck_assert(json_object_is_type(jget(r, "tap_multiqueue"), json_type_boolean));
	ck_assert_uint_eq(json_object_array_length(jget(r, "interfaces")), 2);
	ck_assert_str_eq(json_object_get_string(jget(jif(r, "vnbr"), "kind")), "bridge");
	pa = jif(r, "pa");
	ck_assert_str_eq(json_object_get_string(jget(pa, "kind")), "veth");
	ck_assert_str_eq(json_object_get_string(jget(pa, "master")), "vnbr");
	ck_assert_int_eq(json_object_get_int(jget(pa, "mtu")), 1500);
	ck_assert_int_eq(json_object_get_int(jget(pa, "txqueuelen")), txqlen("pa"));
	tso = jget(jget(pa, "features"), "tx-tcp-segmentation");
	ck_assert(!json_object_get_boolean(jget(tso, "active")));
	ck_assert(!json_object_get_boolean(jget(tso, "wanted")));
	ck_assert(!json_object_get_boolean(jget(tso, "fixed")));
	ck_assert(json_object_get_boolean(
		jget(jget(jget(pa, "features"), "tx-generic-segmentation"), "active")));
	json_object_put(r);
}
END_TEST

/* Each: exit code, and a text the error line must hold. */
static const struct {
	const char *args;
	int code;
	const char *says;
} bad_input[] = {
	{"tune va --gso maybe", 2, "maybe"},
	{"tune va --tso", 2, "--tso"},
	{"tune va --txqueuelen -1", 2, "txqueuelen -1"},
	{"tune va --gso off --txqueuelen lots", 2, "lots"},
	{"tune va", 2, "nothing to set"},
	{"tune va vb --gso off", 2, "one IFNAME"},
	{"tune va --gso off --report", 2, "--report"},
	{"tune nosuch0 --gso off", 3, "nosuch0"},
	{"tune --report nosuch0", 3, "nosuch0"},
};

START_TEST(cli_tune_refuses_bad_input_naming_it_and_changes_nothing)
{
	sh_ok("ip link add va type veth peer name vb");
	for (unsigned i = 0; i < sizeof(bad_input) / sizeof(bad_input[0]); i++) {
		int code;
		char *err = V(&code, "%s", bad_input[i].args);

		ck_assert_msg(code == bad_input[i].code, "vnet %s: exit %d, want %d: %s",
			      bad_input[i].args, code, bad_input[i].code, err);
		ck_assert_msg(strstr(err, bad_input[i].says) != NULL, "vnet %s: \"%s\" lacks %s",
			      bad_input[i].args, err, bad_input[i].says);
		free(err);
	}
	assert_offloads("va", "on", "on", "off");
	ck_assert_int_eq(txqlen("va"), 1000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ns_tune");
	TCase *t = tcase_create("tune");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, tune_sets_and_resets_offloads_and_txqueuelen_on_a_veth);
	tcase_add_test(t, tune_leaves_what_the_profile_leaves);
	tcase_add_test(t, tune_sets_offloads_and_txqueuelen_on_a_bridge);
	tcase_add_test(t, tune_on_a_bridge_turns_tso_on_though_a_port_holds_a_sibling_back);
	tcase_add_test(t, tune_on_a_tap_sets_gso_gro_txqueuelen_and_leaves_tso_to_qemu);
	tcase_add_test(t, tune_of_a_missing_interface_is_not_found);
	tcase_add_test(t, tune_that_does_not_take_changes_nothing);
	tcase_add_test(t, parse_refuses_bad_values_naming_them);
	tcase_add_test(t, report_names_features_txqueuelen_mtu_and_what_qemu_owns);
	tcase_add_test(t, report_without_names_covers_vnet_bridges_and_their_ports);
	tcase_add_test(t, host_probe_tells_vhost_net_and_multiqueue_as_they_are);
	tcase_add_test(t, auto_profile_keeps_segmentation_offloads_on);
	tcase_add_test(t, cli_tune_sets_what_ethtool_k_shows_and_auto_turns_segmentation_back_on);
	tcase_add_test(t, cli_tune_on_a_tap_sets_gso_and_says_tso_is_qemus);
	tcase_add_test(t, cli_report_json_has_the_fields_and_tells_vhost_net_as_it_is);
	tcase_add_test(t, cli_tune_refuses_bad_input_naming_it_and_changes_nothing);
	suite_add_tcase(s, t);
	return th_main(s, "ns_tune", true);
}
