/* descjson — a description as JSON and back; see descjson.h. Writing
 * spells each option as `vnet vm start` takes it; reading hands each
 * string to vm_desc_option(), so the parsers stay the only judges. */
#include "vm/descjson.h"

#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "netd/netd.h"

_Static_assert(VM_BOUND_MAX == VN_BIND_ADDRS, "a NIC's bound addresses are netd's");

static const char *const if_words[] = {
	[VM_IF_VIRTIO] = "virtio", [VM_IF_IDE] = "ide", [VM_IF_SCSI] = "scsi"};
static const char *const cache_words[] = {[VM_CACHE_NONE] = "none",
					  [VM_CACHE_WRITEBACK] = "writeback",
					  [VM_CACHE_WRITETHROUGH] = "writethrough",
					  [VM_CACHE_UNSAFE] = "unsafe"};
static const char *const format_words[] = {[VM_FORMAT_QCOW2] = "qcow2", [VM_FORMAT_RAW] = "raw"};

static void put(json_object *o, const char *k, const char *v)
{
	if (v[0])
		json_object_object_add(o, k, json_object_new_string(v));
}

/* A path as a field of a comma-separated option: commas written twice. */
static void doubled(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	for (; *s && k + 3 < n; s++) {
		if (*s == ',')
			buf[k++] = ',';
		buf[k++] = *s;
	}
	buf[k] = '\0';
}

static json_object *disk_str(const struct vm_disk *k)
{
	char path[2 * VM_PATH_MAX], s[2 * VM_PATH_MAX + 96];
	int len;

	doubled(k->path, path, sizeof(path));
	len = snprintf(s, sizeof(s), "%s,if=%s,media=%s", path, if_words[k->iface],
		       k->media == VM_MEDIA_CDROM ? "cdrom" : "disk");
	if (k->cache && len > 0 && (size_t)len < sizeof(s))
		len += snprintf(s + len, sizeof(s) - (size_t)len, ",cache=%s",
				cache_words[k->cache]);
	if (k->format && len > 0 && (size_t)len < sizeof(s))
		snprintf(s + len, sizeof(s) - (size_t)len, ",format=%s", format_words[k->format]);
	return json_object_new_string(s);
}

void vm_desc_put_addresses(json_object *desc, unsigned nnics, const struct vm_desc_facts *x)
{
	json_object *a = json_object_new_array();
	char buf[NL_PREFIX_STRLEN];
	bool any = false;

	for (unsigned i = 0; i < nnics; i++) {
		json_object *l = json_object_new_array();

		for (unsigned k = 0; k < x->nbound[i]; k++, any = true)
			json_object_array_add(
				l, json_object_new_string(nl_prefix_str(&x->bound[i][k], false, buf,
									sizeof(buf))));
		json_object_array_add(a, l);
	}
	if (any)
		json_object_object_add(desc, "addresses", a);
	else
		json_object_put(a);
}

void vm_desc_put_leases(json_object *desc, unsigned nnics, const struct vm_desc_facts *x)
{
	json_object *a = json_object_new_array();
	char buf[NL_PREFIX_STRLEN];
	bool any = false;

	for (unsigned i = 0; i < nnics; i++) {
		const struct nl_prefix *l = &x->lease[i];

		any = any || l->family;
		json_object_array_add(a, l->family ? json_object_new_string(nl_prefix_str(
							     l, false, buf, sizeof(buf)))
						   : NULL);
	}
	if (any)
		json_object_object_add(desc, "leases", a);
	else
		json_object_put(a);
}

json_object *vm_desc_json(const struct vm_desc *d, const uint8_t (*macs)[6],
			  const struct vm_desc_facts *x)
{
	json_object *o = json_object_new_object(), *a, *sub = json_object_new_object();
	char buf[96], mac[18];
	int len;

	put(o, "machine", d->machine);
	put(o, "cpu", d->cpu);
	snprintf(buf, sizeof(buf), "%u", d->memory);
	put(o, "memory", buf);
	len = snprintf(buf, sizeof(buf), "%u", d->cpus);
	if (d->sockets)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, ",sockets=%u", d->sockets);
	if (d->cores)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, ",cores=%u", d->cores);
	if (d->threads)
		snprintf(buf + len, sizeof(buf) - (size_t)len, ",threads=%u", d->threads);
	put(o, "cpus", buf);
	a = json_object_new_array();
	for (unsigned i = 0; i < d->ndisks; i++)
		json_object_array_add(a, disk_str(&d->disk[i]));
	json_object_object_add(o, "disk", a);
	put(o, "cdrom", d->cdrom);
	put(o, "boot", d->boot);
	a = json_object_new_array();
	for (unsigned i = 0; i < d->nnics; i++) {
		snprintf(buf, sizeof(buf), "%s,model=%s,mac=%s", d->nic[i].net,
			 vm_nic_model_name(d->nic[i].model), vm_mac_str(macs[i], mac));
		json_object_array_add(a, json_object_new_string(buf));
		if (x && x->subnets[i][0])
			json_object_object_add(sub, d->nic[i].net,
					       json_object_new_string(x->subnets[i]));
	}
	json_object_object_add(o, "net", a);
	json_object_object_add(o, "subnets", sub);
	put(o, "kernel", d->kernel);
	put(o, "initrd", d->initrd);
	put(o, "append", d->append);
	if (x && x->kernel_size >= 0 && d->kernel[0])
		json_object_object_add(o, "kernel_size", json_object_new_int64(x->kernel_size));
	if (x && x->initrd_size >= 0 && d->initrd[0])
		json_object_object_add(o, "initrd_size", json_object_new_int64(x->initrd_size));
	if (d->display == VM_DISPLAY_VNC)
		snprintf(buf, sizeof(buf), "vnc=%s:%u", d->vnc_addr, d->vnc_display);
	else
		snprintf(buf, sizeof(buf), "%s", vm_display_name(d->display));
	put(o, "display", buf);
	a = json_object_new_array();
	for (unsigned i = 0; i < d->nextra; i++)
		json_object_array_add(a, json_object_new_string(d->extra[i]));
	json_object_object_add(o, "extra", a);
	return o;
}

__attribute__((format(printf, 3, 4))) static int bad(struct nl_err *e, const char *what,
						     const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, what, "%s", why);
}

/* One option's value: a string through vm_desc_option (an array's items
 * one by one for disk and net). */
static int option(struct vm_desc *d, const char *key, json_object *v, const char *what,
		  struct nl_err *e)
{
	bool many = !strcmp(key, "disk") || !strcmp(key, "net");
	size_t n =
		many && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;

	if (many && !json_object_is_type(v, json_type_array))
		return bad(e, what, "\"%s\" must be an array of strings", key);
	for (size_t i = 0; i < n; i++) {
		json_object *s = many ? json_object_array_get_idx(v, i) : v;
		int err;

		if (!json_object_is_type(s, json_type_string))
			return bad(e, what, "\"%s\" must hold strings", key);
		if ((err = vm_desc_option(d, key, json_object_get_string(s), e)))
			return err;
	}
	return 0;
}

static int size_of(json_object *v, long long *out, const char *key, const char *what,
		   struct nl_err *e)
{
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return bad(e, what, "\"%s\" must be a number of bytes", key);
	*out = json_object_get_int64(v);
	return 0;
}

/* "addresses": per NIC, the addresses its port is bound to (the engine's
 * parser reads each; whether they fit the network is the bind's check). */
static int bound_of(json_object *v, const struct vm_desc *d, struct vm_desc_facts *x,
		    const char *what, struct nl_err *e)
{
	size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, what, "\"addresses\" must be an array (one per NIC) of arrays");
	if (n != d->nnics)
		return bad(e, what, "\"addresses\" has %zu entries for %u NICs (one per NIC)", n,
			   d->nnics);
	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(v, i);
		struct vn_bind b = {.naddrs = 0};
		size_t k =
			json_object_is_type(l, json_type_array) ? json_object_array_length(l) : 0;

		if (!json_object_is_type(l, json_type_array))
			return bad(e, what, "\"addresses\" of NIC %zu must be an array", i);
		for (size_t j = 0; j < k; j++) {
			json_object *s = json_object_array_get_idx(l, j);

			if (!json_object_is_type(s, json_type_string))
				return bad(e, what, "\"addresses\" of NIC %zu must hold strings",
					   i);
			if (vn_bind_add_addr(&b, json_object_get_string(s), e))
				return -EINVAL;
		}
		memcpy(x->bound[i], b.addr, sizeof(b.addr[0]) * b.naddrs);
		x->nbound[i] = b.naddrs;
	}
	return 0;
}

/* "leases": per NIC, the IPv4 address it leased at the source, or null.
 * Only its form is read here; whether the network here takes it as a
 * static host is the host's own check (vn_host_add). */
static int leases_of(json_object *v, const struct vm_desc *d, struct vm_desc_facts *x,
		     const char *what, struct nl_err *e)
{
	size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

	if (!json_object_is_type(v, json_type_array))
		return bad(e, what, "\"leases\" must be an array (one per NIC)");
	if (n != d->nnics)
		return bad(e, what, "\"leases\" has %zu entries for %u NICs (one per NIC)", n,
			   d->nnics);
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(v, i);
		struct nl_prefix *l = &x->lease[i];

		if (!s)
			continue;
		if (!json_object_is_type(s, json_type_string) ||
		    nl_prefix_parse(json_object_get_string(s), NL_PREFIX_NO_LEN, NULL, l, NULL) ||
		    l->family != AF_INET) {
			*l = (struct nl_prefix){.family = 0};
			return bad(e, what, "\"leases\" of NIC %zu must be an IPv4 address or null",
				   i);
		}
	}
	return 0;
}

/* "subnets": network name -> its subnets, as `vnet show` prints them. */
static int subnets_of(json_object *v, const struct vm_desc *d, struct vm_desc_facts *x,
		      const char *what, struct nl_err *e)
{
	if (!json_object_is_type(v, json_type_object))
		return bad(e, what, "\"subnets\" must be an object");
	json_object_object_foreach(v, net, sub)
	{
		const char *s = json_object_get_string(sub);
		bool used = false;

		if (!json_object_is_type(sub, json_type_string) ||
		    strlen(s) >= sizeof(x->subnets[0]) ||
		    strspn(s, "0123456789abcdefABCDEF.:/,") != strlen(s))
			return bad(e, what,
				   "subnets of network %.20s must be prefixes, as 10.0.0.0/24",
				   net);
		for (unsigned i = 0; i < d->nnics; i++)
			if (!strcmp(d->nic[i].net, net)) {
				snprintf(x->subnets[i], sizeof(x->subnets[i]), "%s", s);
				used = true;
			}
		if (!used)
			return bad(e, what, "subnets of network %.20s, which no NIC is on", net);
	}
	return 0;
}

/* The description's "extra" must be the caller's own arguments after --. */
static int same_extra(json_object *v, const struct vm_desc *d, const char *what, struct nl_err *e)
{
	size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
	char want[160] = "", have[160] = "";

	if (!json_object_is_type(v, json_type_array))
		return bad(e, what, "\"extra\" must be an array of strings");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(v, i);

		if (!json_object_is_type(s, json_type_string))
			return bad(e, what, "\"extra\" must hold strings");
		if (i < d->nextra && !strcmp(json_object_get_string(s), d->extra[i]))
			continue;
		snprintf(want, sizeof(want), "%s", json_object_get_string(s));
		break;
	}
	if (!want[0] && n == d->nextra)
		return 0;
	if (n < d->nextra || want[0])
		for (size_t i = 0; i < d->nextra; i++)
			if (i >= n ||
			    strcmp(json_object_get_string(json_object_array_get_idx(v, i)),
				   d->extra[i])) {
				snprintf(have, sizeof(have), "%s", d->extra[i]);
				break;
			}
	return bad(e, what,
		   "the source gave qemu other arguments after --: \"%s\" there, \"%s\" here "
		   "(give the same after --)",
		   want, have);
}

int vm_desc_from_json(json_object *o, struct vm_desc *d, struct vm_desc_facts *x, const char *what,
		      struct nl_err *e)
{
	static const char *const options[] = {"machine", "cpu",	   "memory", "cpus",
					      "disk",	 "cdrom",  "boot",   "net",
					      "kernel",	 "initrd", "append", "display"};
	char name[VM_NAME_MAX + 1];
	json_object *v;
	int err = 0;

	snprintf(name, sizeof(name), "%s", d->name);
	memset(x, 0, sizeof(*x));
	x->kernel_size = x->initrd_size = -1;
	if (!json_object_is_type(o, json_type_object))
		return bad(e, what, "must be a JSON object (vnet vm show NAME -j)");
	/* the shape: every member known */
	json_object_object_foreach(o, key, val)
	{
		bool known = !strcmp(key, "subnets") || !strcmp(key, "kernel_size") ||
			     !strcmp(key, "initrd_size") || !strcmp(key, "extra") ||
			     !strcmp(key, "addresses") || !strcmp(key, "leases");

		for (size_t i = 0; !known && i < sizeof(options) / sizeof(options[0]); i++)
			known = !strcmp(key, options[i]);
		if (!known)
			return bad(e, what, "unknown member \"%.40s\"", key);
		(void)val;
	}
	{
		unsigned nextra = d->nextra;
		char *const *extra = d->extra;

		vm_desc_init(d);
		d->nextra = nextra;
		d->extra = extra;
	}
	snprintf(d->name, sizeof(d->name), "%s", name);
	for (size_t i = 0; !err && i < sizeof(options) / sizeof(options[0]); i++)
		if (json_object_object_get_ex(o, options[i], &v))
			err = option(d, options[i], v, what, e);
	/* a migration needs the same versioned type on both sides */
	if (!err)
		err = vm_machine_versioned(d->machine, e);
	for (unsigned i = 0; !err && i < d->nnics; i++)
		if (!d->nic[i].mac_given)
			err = bad(e, what, "net %s: gives no MAC (the source's MAC is kept)",
				  d->nic[i].net);
	if (!err && json_object_object_get_ex(o, "subnets", &v))
		err = subnets_of(v, d, x, what, e);
	if (!err && json_object_object_get_ex(o, "addresses", &v))
		err = bound_of(v, d, x, what, e);
	if (!err && json_object_object_get_ex(o, "leases", &v))
		err = leases_of(v, d, x, what, e);
	if (!err && json_object_object_get_ex(o, "kernel_size", &v))
		err = size_of(v, &x->kernel_size, "kernel_size", what, e);
	if (!err && json_object_object_get_ex(o, "initrd_size", &v))
		err = size_of(v, &x->initrd_size, "initrd_size", what, e);
	if (!err)
		err = json_object_object_get_ex(o, "extra", &v) ? same_extra(v, d, what, e)
		      : d->nextra ? bad(e, what, "the source gave qemu no arguments after --")
				  : 0;
	return err ? err : vm_desc_check(d, e);
}

int vm_desc_read(const char *path, struct vm_desc *d, struct vm_desc_facts *x, struct nl_err *e)
{
	char what[VM_PATH_MAX + 16], *text;
	json_object *o, *desc;
	size_t len;
	int err = nl_file_read(path, VM_DESC_MAX, NL_FILE_OWNED, &text, &len, e);

	snprintf(what, sizeof(what), "description %s", path);
	/* a file that does not read, or that others could have written (a
	 * symlink, a FIFO, not root's or the caller's, writable by others, too
	 * large), is a bad value like any argument: exit 2, naming it */
	if (err) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e && e->msg[0] ? e->msg : strerror(-err));
		return nl_fail(e, err, NL_ERR_INVALID, what, "%s", why);
	}
	o = json_tokener_parse(text);
	free(text);
	if (!o)
		return bad(e, what, "is not JSON (vnet vm show NAME -j)");
	/* vm show -j's whole output, or its description alone */
	desc = json_object_object_get_ex(o, "description", &desc) ? desc : o;
	err = vm_desc_from_json(desc, d, x, what, e);
	json_object_put(o);
	return err;
}

/* The option strings of d, as vm_desc_json writes them. */
static json_object *as_json(const struct vm_desc *d)
{
	uint8_t macs[VM_MAX_NICS][6];

	for (unsigned i = 0; i < d->nnics; i++)
		memcpy(macs[i], d->nic[i].mac, 6);
	return vm_desc_json(d, (const uint8_t(*)[6])macs, NULL);
}

/* Members a destination names itself when the source has them: files of
 * this host, which a description from elsewhere must not choose. */
static bool own_file(const char *key)
{
	return !strcmp(key, "disk") || !strcmp(key, "cdrom") || !strcmp(key, "kernel") ||
	       !strcmp(key, "initrd");
}

/* Whether member key is compared: files always, the display apart (see
 * below), the rest when given here. */
static bool compared(const char *key, const char *given)
{
	char k[24];

	if (own_file(key))
		return true;
	snprintf(k, sizeof(k), ",%s,", key);
	return strcmp(key, "display") && strstr(given, k);
}

bool vm_desc_same(struct vm_desc *here, const struct vm_desc *there, const char *given, char *buf,
		  size_t n)
{
	json_object *a, *b;
	bool same = true;

	for (unsigned i = 0; i < here->nnics && i < there->nnics; i++)
		if (!here->nic[i].mac_given) {
			memcpy(here->nic[i].mac, there->nic[i].mac, 6);
			here->nic[i].mac_given = true;
		}
	a = as_json(here);
	b = as_json(there);
	json_object_object_foreach(b, key, vb)
	{
		json_object *va = json_object_object_get(a, key);
		const char *sa = va ? json_object_to_json_string(va) : "none";

		if (same && compared(key, given) && strcmp(sa, json_object_to_json_string(vb))) {
			snprintf(buf, n, "%s: %s here, %s on the source%s", key, sa,
				 json_object_to_json_string(vb),
				 own_file(key) ? " (a destination names its own disks, cdrom, "
						 "kernel and initrd: give the same here)"
					       : "");
			same = false;
		}
	}
	json_object_object_foreach(a, k2, va2)
	{
		if (same && compared(k2, given) && !json_object_object_get(b, k2)) {
			snprintf(buf, n, "%s: %s here, none on the source", k2,
				 json_object_to_json_string(va2));
			same = false;
		}
	}
	json_object_put(a);
	json_object_put(b);
	/* VNC adds a VGA device, which the stream must find: the kind is the
	 * machine's; the listener's address and port are this host's own */
	if (same && (here->display == VM_DISPLAY_VNC) != (there->display == VM_DISPLAY_VNC)) {
		snprintf(buf, n, "display: %s here, %s on the source (VNC adds a VGA device%s)",
			 vm_display_name(here->display), vm_display_name(there->display),
			 here->display == VM_DISPLAY_VNC
				 ? ""
				 : ": give --display vnc=[ADDR]:N here, an address of this host's "
				   "choice");
		same = false;
	}
	return same;
}
