/* doctor_fw — the doctor's firewall part (see doctor.h): the flows of a
 * network (its forwarded traffic out, the replies, what comes in, port
 * forwards, traffic between its guests, DHCP and DNS to the host) run
 * through the tables vnet does not own (firewall/ fw_inspect_flow), each
 * drop they meet one finding per network; the iptables programs the
 * doctor runs: `iptables-legacy -S` to read what nftables cannot see, and
 * for --fix the two DOCKER-USER accepts. Programs run by fork+exec of a
 * fixed path and argv, with a fixed environment, never through a shell. */
#include "netd/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "firewall/fw.h"
#include "netd/internal.h"
#include "nlink/route.h"

#define MAXFLOWS  (6 * VN_MAX_SUBNETS + VN_MAX_FORWARDS + 4)
#define MAXHITS	  16
#define MAXGROUPS 32
#define RUN_OUT	  (1 << 20)
#define RUN_SECS  10

enum kind { K_FORWARD, K_GUESTS_L3, K_GUESTS_L2, K_INPUT };

struct flow {
	struct fw_flow f;
	uint8_t kind;
	char what[160];
};

/* ---- programs ---- */

/* Runs name (looked for in the system's sbin and bin folders only) with
 * argv; its output and errors, cut to n - 1 bytes, in out. Returns its
 * exit status, or a negative errno when it could not run or was killed
 * after RUN_SECS. */
static int run(const char *const argv[], char *out, size_t n)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	char path[64];
	int p[2], st = 0, devnull;
	size_t len = 0;
	time_t end = time(NULL) + RUN_SECS;
	bool killed = false;
	pid_t pid;

	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], argv[0]);
		if (!access(path, X_OK))
			break;
		path[0] = '\0';
	}
	if (!path[0])
		return -ENOENT;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) == 0) {
		devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execve(path, (char *const *)argv, env);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -errno;
	}
	for (;;) {
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		char buf[4096];
		ssize_t r;

		if (poll(&pf, 1, 1000) < 0 && errno != EINTR)
			break;
		if (time(NULL) > end) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (!(pf.revents & (POLLIN | POLLHUP)))
			continue;
		if ((r = read(p[0], buf, sizeof(buf))) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < r && len + 1 < n; i++)
			out[len++] = buf[i];
	}
	out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (killed)
		return -ETIMEDOUT;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -ECHILD;
}

static const char *iptables_prog(bool legacy, bool v6)
{
	return legacy ? (v6 ? "ip6tables-legacy" : "iptables-legacy")
		      : (v6 ? "ip6tables-nft" : "iptables-nft");
}

/* Whether iptables-legacy's filter table exists in this namespace: only
 * then is it read, so that reading loads and makes nothing. */
static bool legacy_filter(bool v6)
{
	FILE *f = fopen(v6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names", "re");
	char line[64];
	bool yes = false;

	while (f && fgets(line, sizeof(line), f))
		yes |= !strcmp(line, "filter\n");
	if (f)
		fclose(f);
	return yes;
}

int vn_doc_read_rules(struct vn_doc *x, struct nl_err *e)
{
	struct fw *fw;
	char *out = NULL;
	int err = vn_fw(x->c, &fw, e);

	fw_ruleset_free(x->rs);
	x->rs = NULL;
	if (!err)
		err = fw_inspect_read(fw, &x->rs, e);
	for (unsigned v6 = 0; !err && v6 < 2; v6++) {
		const char *argv[] = {iptables_prog(true, v6), "-w", "5", "-S", NULL};
		int st;

		if (!legacy_filter(v6))
			continue;
		if (!out && !(out = malloc(RUN_OUT)))
			err = nl_err_set(e, -ENOMEM, "read", "iptables-legacy rules");
		else if ((st = run(argv, out, RUN_OUT)) == -ENOENT)
			vn_doc_add(x, true, "legacy", "",
				   v6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names",
				   "iptables-legacy's table filter exists but the program to read "
				   "it is not installed: its rules are not looked at",
				   "apt-get install iptables");
		else if (st != 0)
			err = nl_err_set(e, st < 0 ? st : -EIO, "run", "%s -S", argv[0]);
		else
			err = fw_inspect_legacy(x->rs, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4, out, e);
		if (err && out && out[0]) {
			char esc[200];

			out[strcspn(out, "\n")] = '\0';
			nl_err_msg(e, "%s", nl_escape(out, esc, sizeof(esc)));
		}
	}
	free(out);
	return err;
}

/* ---- the flows of a network ---- */

static struct flow *flow_new(struct flow *fl, unsigned *k, uint8_t kind, int family,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static struct flow *flow_new(struct flow *fl, unsigned *k, uint8_t kind, int family,
			     const char *fmt, ...)
{
	struct flow *f;
	va_list ap;

	if (*k >= MAXFLOWS)
		return NULL;
	f = &fl[(*k)++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->f.nfproto = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	f->f.hook = kind == K_INPUT ? NF_INET_LOCAL_IN : NF_INET_FORWARD;
	f->f.l3 = kind != K_GUESTS_L2;
	f->f.l2 = kind == K_GUESTS_L2 || kind == K_INPUT;
	f->f.ctstate = NF_CT_STATE_BIT(IP_CT_NEW);
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	return f;
}

static void ends(struct fw_flow *f, const char *in, int inx, const char *out, int outx)
{
	snprintf(f->iif, sizeof(f->iif), "%s", in);
	snprintf(f->oif, sizeof(f->oif), "%s", out);
	f->iifindex = inx;
	f->oifindex = outx;
}

static struct nl_prefix plain(const struct nl_prefix *a)
{
	struct nl_prefix p = *a;

	p.len = (uint8_t)nl_prefix_bits(a);
	return p;
}

/* Traffic between the network's guests: through br_netfilter (l3, when
 * it is on for the family) and through bridge chains (l2). */
static void guests(const struct vn_doc *x, const struct vn_doc_net *dn, int family,
		   const struct nl_prefix *s, struct flow *fl, unsigned *k)
{
	const char *br = dn->st->net.bridge;
	bool v6 = family == AF_INET6;
	struct flow *f;

	if (x->brnf[v6] &&
	    (f = flow_new(fl, k, K_GUESTS_L3, family,
			  "%s traffic between its guests, which br_netfilter passes through the "
			  "forward hook (net.bridge.bridge-nf-call-%s=1)",
			  v6 ? "IPv6" : "IPv4", v6 ? "ip6tables" : "iptables"))) {
		ends(&f->f, br, dn->ifindex, br, dn->ifindex);
		if (s)
			f->f.src = f->f.dst = *s;
	}
	if ((f = flow_new(fl, k, K_GUESTS_L2, family, "%s frames between its guests on bridge %s",
			  v6 ? "IPv6" : "IPv4", br))) {
		ends(&f->f, br, 0, br, 0);
		if (s)
			f->f.src = f->f.dst = *s;
	}
}

static void routed(const struct vn_doc *x, const struct vn_doc_net *dn, const struct vn_subnet *s,
		   struct flow *fl, unsigned *k)
{
	const struct vn_net *n = &dn->st->net;
	const struct nl_route *def = vn_doc_default(x, s->prefix.family);
	const struct nl_link *up = def ? vn_doc_link(x, def->oif) : NULL;
	const char *upn = up ? up->name : "";
	int upx = up ? up->ifindex : 0, fam = s->prefix.family;
	char a[VN_ADDRPORT_STRLEN], esc[4 * NL_IFNAMSIZ];
	struct flow *f;

	if ((f = flow_new(fl, k, K_FORWARD, fam, "its guests' new connections out%s%s",
			  up ? " via " : "", nl_escape(upn, esc, sizeof(esc))))) {
		ends(&f->f, n->bridge, dn->ifindex, upn, upx);
		f->f.src = s->prefix;
	}
	if ((f = flow_new(fl, k, K_FORWARD, fam, "the replies to its guests"))) {
		ends(&f->f, upn, upx, n->bridge, dn->ifindex);
		f->f.dst = s->prefix;
		f->f.ctstate = NF_CT_STATE_BIT(IP_CT_ESTABLISHED);
	}
	if (n->model == VN_ROUTED &&
	    (f = flow_new(fl, k, K_FORWARD, fam, "new connections from outside to its guests"))) {
		ends(&f->f, upn, upx, n->bridge, dn->ifindex);
		f->f.dst = s->prefix;
	}
	for (unsigned i = 0; n->model == VN_NAT && i < n->nforwards; i++) {
		const struct vn_forward *w = &n->forward[i];

		if (!nl_prefix_contains(&s->prefix, &w->guest) ||
		    !(f = flow_new(fl, k, K_FORWARD, fam, "its port forward %s %u to %s",
				   vn_proto_name(w->proto), w->port,
				   vn_addrport_str(&w->guest, w->guest_port, a, sizeof(a)))))
			continue;
		ends(&f->f, "", 0, n->bridge, dn->ifindex);
		f->f.dst = plain(&w->guest);
		f->f.l4proto = w->proto;
		f->f.dport = w->guest_port;
	}
}

static void services(const struct vn_doc_net *dn, const struct vn_subnet *s, struct flow *fl,
		     unsigned *k)
{
	static const uint8_t dns_proto[] = {17, 6};
	const char *br = dn->st->net.bridge;
	int fam = s->prefix.family;
	char gw[NL_PREFIX_STRLEN];
	struct flow *f;

	if (fam == AF_INET && s->dhcp &&
	    (f = flow_new(fl, k, K_INPUT, fam,
			  "its guests' DHCP requests (udp 67), so they get no address"))) {
		ends(&f->f, br, dn->ifindex, "", 0);
		nl_prefix_parse("0.0.0.0", NL_PREFIX_PLAIN, "", &f->f.src, NULL);
		nl_prefix_parse("255.255.255.255", NL_PREFIX_PLAIN, "", &f->f.dst, NULL);
		f->f.l4proto = 17;
		f->f.dport = 67;
	}
	nl_prefix_str(&s->gateway, false, gw, sizeof(gw));
	for (unsigned i = 0; i < 2; i++) {
		if (!(f = flow_new(fl, k, K_INPUT, fam, "its guests' DNS queries to %s (%s 53)", gw,
				   i ? "tcp" : "udp")))
			continue;
		ends(&f->f, br, dn->ifindex, "", 0);
		f->f.src = s->prefix;
		f->f.dst = plain(&s->gateway);
		f->f.l4proto = dns_proto[i];
		f->f.dport = 53;
	}
}

static unsigned flows(const struct vn_doc *x, const struct vn_doc_net *dn, struct flow *fl)
{
	const struct vn_net *n = &dn->st->net;
	unsigned k = 0;

	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		if (n->model == VN_ROUTED || n->model == VN_NAT)
			routed(x, dn, s, fl, &k);
		guests(x, dn, s->prefix.family, &s->prefix, fl, &k);
		if (vn_net_has_dhcp(n))
			services(dn, s, fl, &k);
	}
	if (n->model == VN_BRIDGED) {
		guests(x, dn, AF_INET, NULL, fl, &k);
		guests(x, dn, AF_INET6, NULL, fl, &k);
	}
	return k;
}

/* ---- hits to findings ---- */

static const char *family_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return "?";
	}
}

static void object(const struct fw_hit *h, char *buf, size_t n)
{
	const char *hook = h->hook == NF_INET_FORWARD ? "forward" : "input";
	char from[96] = "";

	if (h->legacy && h->policy)
		snprintf(buf, n, "chain %s of %s (table filter, policy DROP)", h->base,
			 iptables_prog(true, h->family == NFPROTO_IPV6));
	else if (h->legacy)
		snprintf(buf, n, "rule %llu of chain %s of %s: %s", (unsigned long long)h->handle,
			 h->chain, iptables_prog(true, h->family == NFPROTO_IPV6), h->text);
	else if (h->policy)
		snprintf(buf, n, "chain %s %s %s (hook %s, priority %d, policy drop)",
			 family_name(h->family), h->table, h->base, hook, h->prio);
	else {
		if (strcmp(h->chain, h->base))
			snprintf(from, sizeof(from), "reached from %s, ", h->base);
		snprintf(buf, n, "rule handle %llu of chain %s %s %s (%shook %s, priority %d): %s",
			 (unsigned long long)h->handle, family_name(h->family), h->table, h->chain,
			 from, hook, h->prio, h->text);
	}
}

static bool fixable(const struct fw_hit *h, uint8_t kind)
{
	return kind != K_INPUT && kind != K_GUESTS_L2 && h->docker_user &&
	       (h->family == NFPROTO_IPV4 || h->family == NFPROTO_IPV6);
}

static void fix_text(const struct fw_hit *h, uint8_t kind, const struct vn_net *n, char *buf,
		     size_t len)
{
	const char *br = n->bridge, *fam = family_name(h->family);
	bool v6 = h->family == NFPROTO_IPV6;
	const char *prog = iptables_prog(h->legacy, v6);

	if (fixable(h, kind))
		snprintf(buf, len,
			 "vnet doctor --fix %s (runs %s -I DOCKER-USER -i %s -m comment --comment "
			 "vnet:%s -j ACCEPT, and the same with -o %s)",
			 n->name, prog, br, n->name, br);
	else if (!strcmp(h->table, "firewalld") && h->family == NFPROTO_INET)
		snprintf(buf, len,
			 "firewall-cmd --zone=trusted --add-interface=%s && firewall-cmd "
			 "--permanent --zone=trusted --add-interface=%s",
			 br, br);
	else if ((h->legacy || h->iptables) && kind == K_INPUT)
		snprintf(buf, len,
			 "%s -I %s -i %s -p udp --dport 67 -j ACCEPT && %s -I %s -i %s -p udp "
			 "--dport 53 -j ACCEPT && %s -I %s -i %s -p tcp --dport 53 -j ACCEPT",
			 prog, h->base, br, prog, h->base, br, prog, h->base, br);
	else if (h->legacy || h->iptables)
		snprintf(buf, len, "%s -I %s -i %s -j ACCEPT && %s -I %s -o %s -j ACCEPT", prog,
			 h->base, br, prog, h->base, br);
	else if (h->family == NFPROTO_BRIDGE)
		snprintf(buf, len, "nft insert rule bridge %s %s meta ibrname \"%s\" accept",
			 h->table, h->base, br);
	else if (kind == K_INPUT)
		snprintf(buf, len,
			 "nft insert rule %s %s %s iifname \"%s\" udp dport 67 accept && nft "
			 "insert rule %s %s %s iifname \"%s\" udp dport 53 accept && nft insert "
			 "rule %s %s %s iifname \"%s\" tcp dport 53 accept",
			 fam, h->table, h->base, br, fam, h->table, h->base, br, fam, h->table,
			 h->base, br);
	else
		snprintf(buf, len,
			 "nft insert rule %s %s %s iifname \"%s\" accept && nft insert rule %s %s "
			 "%s oifname \"%s\" accept",
			 fam, h->table, h->base, br, fam, h->table, h->base, br);
}

struct group {
	char check[16];
	char object[256];
	char fix[512];
	char sure[512], maybe[512]; /* what it drops surely, what perhaps */
};

static void join(char *buf, size_t n, const char *what)
{
	size_t l = strlen(buf);

	snprintf(buf + l, n - l, "%s%s", l ? ", " : "", what);
}

static void add_hit(struct group *g, unsigned *ng, const struct fw_hit *h, const struct flow *fl,
		    const struct vn_net *n)
{
	const char *check = fl->kind == K_INPUT	      ? "input-drop"
			    : fl->kind == K_GUESTS_L3 ? "br-netfilter"
						      : "forward-drop";
	char obj[256];
	unsigned i;

	object(h, obj, sizeof(obj));
	for (i = 0; i < *ng; i++)
		if (!strcmp(g[i].check, check) && !strcmp(g[i].object, obj))
			break;
	if (i == *ng) {
		if (*ng >= MAXGROUPS)
			return;
		memset(&g[i], 0, sizeof(g[i]));
		snprintf(g[i].check, sizeof(g[i].check), "%s", check);
		snprintf(g[i].object, sizeof(g[i].object), "%s", obj);
		fix_text(h, fl->kind, n, g[i].fix, sizeof(g[i].fix));
		(*ng)++;
	}
	if (!strstr(h->sure ? g[i].sure : g[i].maybe, fl->what))
		join(h->sure ? g[i].sure : g[i].maybe, sizeof(g[i].sure), fl->what);
}

void vn_doc_firewall(struct vn_doc *x, const struct vn_doc_net *dn)
{
	struct flow *fl = calloc(MAXFLOWS, sizeof(*fl));
	struct group *g = calloc(MAXGROUPS, sizeof(*g));
	struct fw_hit hit[MAXHITS];
	unsigned nf, ng = 0;
	char effect[1280];

	if (!fl || !g || !x->rs) {
		free(fl);
		free(g);
		return;
	}
	nf = flows(x, dn, fl);
	for (unsigned i = 0; i < nf; i++) {
		unsigned nh = fw_inspect_flow(x->rs, &fl[i].f, hit, MAXHITS);

		for (unsigned j = 0; j < nh && j < MAXHITS; j++)
			add_hit(g, &ng, &hit[j], &fl[i], &dn->st->net);
	}
	for (unsigned i = 0; i < ng; i++) {
		snprintf(effect, sizeof(effect), "%s%s%s%s%s%s", g[i].sure[0] ? "drops " : "",
			 g[i].sure, g[i].sure[0] && g[i].maybe[0] ? "; " : "",
			 g[i].maybe[0] ? "may drop " : "", g[i].maybe,
			 g[i].maybe[0] ? " (matches on the way that vnet cannot decide)" : "");
		vn_doc_add(x, false, g[i].check, dn->st->net.name, g[i].object, effect, g[i].fix);
	}
	free(fl);
	free(g);
}

/* ---- --fix ---- */

/* The DOCKER-USER accepts for network n, with the program of a table
 * that drops its traffic; added only when not there already (-C). */
static int docker_user(struct vn_doc *x, const struct vn_net *n, bool legacy, bool v6,
		       struct nl_err *e)
{
	const char *prog = iptables_prog(legacy, v6);
	char comment[32], out[512], esc[200];

	snprintf(comment, sizeof(comment), "vnet:%s", n->name);
	for (unsigned dir = 0; dir < 2; dir++) {
		const char *argv[] = {
			prog,	   "-w", "5",	    "-C",	 "DOCKER-USER", dir ? "-o" : "-i",
			n->bridge, "-m", "comment", "--comment", comment,	"-j",
			"ACCEPT",  NULL};
		struct vn_fixed *f;
		int st;

		if (run(argv, out, sizeof(out)) == 0)
			continue; /* there already */
		argv[3] = "-I";
		if ((st = run(argv, out, sizeof(out))) != 0) {
			nl_err_set(e, st < 0 ? st : -EIO, "fix", "chain DOCKER-USER (%s)", prog);
			out[strcspn(out, "\n")] = '\0';
			return nl_err_msg(e, "%s",
					  st == -ENOENT ? "not installed"
					  : out[0]	? nl_escape(out, esc, sizeof(esc))
							: "failed");
		}
		if (!(f = realloc(x->d->fixed, (x->d->nfixed + 1) * sizeof(*f))))
			return nl_err_set(e, -ENOMEM, "fix", "chain DOCKER-USER");
		x->d->fixed = f;
		f += x->d->nfixed++;
		memset(f, 0, sizeof(*f));
		snprintf(f->network, sizeof(f->network), "%s", n->name);
		snprintf(f->object, sizeof(f->object), "chain DOCKER-USER (%s)", prog);
		snprintf(f->added, sizeof(f->added),
			 "%s -I DOCKER-USER %s %s -m comment --comment %s -j ACCEPT", prog,
			 dir ? "-o" : "-i", n->bridge, comment);
	}
	return 0;
}

int vn_doc_fix(struct vn_doc *x, const struct vn_doc_net *dn, unsigned count, struct nl_err *e)
{
	struct flow *fl = calloc(MAXFLOWS, sizeof(*fl));
	struct fw_hit hit[MAXHITS];
	int err = fl && x->rs ? 0 : nl_err_set(e, -ENOMEM, "fix", "firewall");

	for (unsigned i = 0; !err && i < count; i++) {
		unsigned nf = flows(x, &dn[i], fl);
		bool want[2][2] = {{false}}; /* [legacy][v6] */

		for (unsigned j = 0; j < nf; j++) {
			unsigned nh = fw_inspect_flow(x->rs, &fl[j].f, hit, MAXHITS);

			for (unsigned h = 0; h < nh && h < MAXHITS; h++)
				if (fixable(&hit[h], fl[j].kind))
					want[hit[h].legacy][hit[h].family == NFPROTO_IPV6] = true;
		}
		for (unsigned l = 0; !err && l < 2; l++)
			for (unsigned v6 = 0; !err && v6 < 2; v6++)
				if (want[l][v6])
					err = docker_user(x, &dn[i].st->net, l, v6, e);
	}
	free(fl);
	return err;
}
