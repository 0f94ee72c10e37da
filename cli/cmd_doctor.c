/* cmd_doctor — `vnet doctor [NAME] [-j] [--fix]`: what breaks guest
 * networking on this host (netd/doctor.h), as text or JSON. Exit 0 when
 * nothing breaks a network, 1 when a finding does (notes never count);
 * errors as every command's. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/doctor.h"
#include "vm/host.h"

/* The engine escapes what it read; the texts still go through the one
 * printing path (cli.h: vc_text, vc_jtext), which leaves them as they are. */
static struct json_object *jtext(const char *s)
{
	return s[0] ? vc_jtext(s) : NULL;
}

static struct json_object *jfinding(const struct vn_finding *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "check", json_object_new_string(f->check));
	json_object_object_add(o, "network", jtext(f->network));
	json_object_object_add(o, "object", vc_jtext(f->object));
	json_object_object_add(o, "effect", vc_jtext(f->effect));
	json_object_object_add(o, "fix", jtext(f->fix));
	return o;
}

static void put_json(const struct vn_doctor *d)
{
	struct json_object *o = json_object_new_object(), *a;

	a = json_object_new_array();
	for (unsigned i = 0; i < d->nfindings; i++)
		json_object_array_add(a, jfinding(&d->finding[i]));
	json_object_object_add(o, "findings", a);
	a = json_object_new_array();
	for (unsigned i = 0; i < d->nnotes; i++)
		json_object_array_add(a, jfinding(&d->note[i]));
	json_object_object_add(o, "notes", a);
	a = json_object_new_array();
	for (unsigned i = 0; i < d->nfixed; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "network", vc_jtext(d->fixed[i].network));
		json_object_object_add(x, "object", vc_jtext(d->fixed[i].object));
		json_object_object_add(x, "added", vc_jtext(d->fixed[i].added));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "fixed", a);
	vc_put_json(o);
}

static void put_one(const char *lead, const struct vn_finding *f)
{
	printf("%s%s%s[%s] %s\n", lead, vc_text(f->network), f->network[0] ? " " : "", f->check,
	       vc_text(f->object));
	printf("    %s\n", vc_text(f->effect));
	if (f->fix[0])
		printf("    fix: %s\n", vc_text(f->fix));
}

static void put_text(const struct vn_doctor *d)
{
	for (unsigned i = 0; i < d->nfixed; i++)
		printf("added for network %s to %s: %s\n", vc_text(d->fixed[i].network),
		       vc_text(d->fixed[i].object), vc_text(d->fixed[i].added));
	for (unsigned i = 0; i < d->nfindings; i++)
		put_one("", &d->finding[i]);
	for (unsigned i = 0; i < d->nnotes; i++)
		put_one("note: ", &d->note[i]);
	printf("%u finding%s that break%s a network, %u note%s\n", d->nfindings,
	       d->nfindings == 1 ? "" : "s", d->nfindings == 1 ? "s" : "", d->nnotes,
	       d->nnotes == 1 ? "" : "s");
}

/* its options: main checks them too (vnet.c) */
const struct option vc_doctor_opts[] = {{"fix", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};

int vc_doctor(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_doctor_opts o = {.kvm_usable = vm_kvm_usable};
	bool json = vc_json_flag(&argc, argv);
	struct vn_doctor d;
	struct nl_err e;
	int opt, code = 0;

	while ((opt = vc_next_opt(argc, argv, vc_doctor_opts, &code)) != -1) {
		if (code)
			return code;
		o.fix = true;
	}
	if (argc - optind > 1)
		return vc_usage("doctor", "takes at most one NAME");
	o.name = optind < argc ? argv[optind] : NULL;
	if (vn_doctor(c, &o, &d, &e)) {
		vn_doctor_free(&d);
		return vc_fail(&e);
	}
	if (json)
		put_json(&d);
	else
		put_text(&d);
	code = d.nfindings ? 1 : 0;
	vn_doctor_free(&d);
	return code;
}
