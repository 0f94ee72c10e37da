/* Unit tests of the table of options (netd/options.c), row by row: what
 * one row declares holds for every option, so that an option added as a
 * row is tested here as it is added. Its own behaviour (what it does to
 * the bridge, the rules) is its own test's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"
#include "netd/options.h"
#include "netd/store.h"

/* A model that takes option o, and one that does not (VN_NMODELS: none). */
static enum vn_model taker(const struct vn_opt *o)
{
	for (unsigned m = 0; m < VN_NMODELS; m++)
		if (o->models & VN_M(m))
			return m;
	return VN_NMODELS;
}

static enum vn_model refuser(const struct vn_opt *o)
{
	for (unsigned m = 0; m < VN_NMODELS; m++)
		if (!(o->models & VN_M(m)))
			return m;
	return VN_NMODELS;
}

/* A value of o's kind that is none of its defaults. */
static const char *other_value(const struct vn_opt *o)
{
	switch (o->kind) {
	case VN_OPT_FLAG:
		return "yes";
	case VN_OPT_NAME:
		return "x9";
	case VN_OPT_DOMAIN:
		return "lab.example";
	case VN_OPT_MTU:
		return "9000";
	case VN_OPT_VNI:
		return "4097";
	default:
		return NULL;
	}
}

/* The arguments of a create of model m named n with o given as value,
 * and what else m needs. */
static struct vn_net_args args(enum vn_model m, const struct vn_opt *o, const char *value)
{
	struct vn_net_args a = {.model = vn_model_name(m), .name = "n"};

	if (m != VN_BRIDGED)
		a.subnet = "10.0.0.0/24";
	for (unsigned i = 0; i < vn_noptions; i++)
		if (vn_options[i].needs & VN_M(m))
			a.opt[i] = other_value(&vn_options[i]);
	if (o)
		ck_assert_int_eq(vn_net_args_set(&a, o->name, value), 0);
	return a;
}

START_TEST(each_row_says_what_the_walks_need)
{
	const struct vn_opt *o = &vn_options[_i];

	ck_assert_ptr_eq(vn_opt_find(o->name), o); /* names are unique */
	ck_assert_msg(o->models, "%s: taken by no model", o->name);
	ck_assert_msg(!(o->needs & ~o->models), "%s: needed where refused", o->name);
	ck_assert_msg(o->help && o->help[0], "%s: no help", o->name);
	ck_assert_msg(!o->excludes || vn_opt_find(o->excludes), "%s: excludes nothing", o->name);
	if (o->kind == VN_OPT_SUBNET)
		return;
	ck_assert_msg(o->at > 0 && o->at < sizeof(struct vn_net), "%s: not in vn_net", o->name);
	ck_assert_msg(o->noun, "%s: no noun for messages", o->name);
	ck_assert_msg((o->kind == VN_OPT_FLAG) == !o->arg, "%s: a flag takes no value", o->name);
	ck_assert_msg(o->kind != VN_OPT_FLAG || (o->yes && o->no), "%s: no words", o->name);
}
END_TEST

/* A value given is kept through the file: saved, loaded back the same. */
START_TEST(each_option_reads_back_from_the_file)
{
	const struct vn_opt *o = &vn_options[_i];
	char dir[] = "/tmp/vnet-unit.XXXXXX", why[200], v[80], w[80];
	struct vn_net_args a;
	struct vn_net x, y;

	if (o->kind == VN_OPT_SUBNET)
		return;
	a = args(taker(o), o, other_value(o));
	ck_assert_int_eq(vn_net_from_args(&a, &x, NULL), 0);
	ck_assert_str_eq(vn_opt_text(o, &x, v, sizeof(v)), other_value(o));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(vn_store_save(dir, &x, NULL), 0);
	ck_assert_int_eq(vn_store_load(dir, "n", &y, NULL), 0);
	ck_assert_msg(vn_net_same(&x, &y, why, sizeof(why)), "%s: %s", o->name, why);
	ck_assert_str_eq(vn_opt_text(o, &y, w, sizeof(w)), v);
	th_sh("rm -rf %s", dir);
}
END_TEST

/* Not given, an option has its default, in the file and from create. */
START_TEST(each_option_left_out_takes_its_default)
{
	const struct vn_opt *o = &vn_options[_i];
	enum vn_model m = taker(o);
	struct vn_net_args a = args(m, NULL, NULL);
	struct vn_net n;
	char v[80], want[80];
	const char *def = m == VN_BRIDGED && o->def_bridged ? o->def_bridged : o->def;

	if (o->kind == VN_OPT_SUBNET || (o->needs & VN_M(m)))
		return;
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	if (!def)
		ck_assert_msg(!vn_opt_set(o, &n), "%s is set", o->name);
	else if (!strncmp(def, "NAME", 4))
		ck_assert_str_eq(vn_opt_text(o, &n, v, sizeof(v)),
				 (snprintf(want, sizeof(want), "n%s", def + 4), want));
	else
		ck_assert_str_eq(vn_opt_text(o, &n, v, sizeof(v)), def);
}
END_TEST

/* Given to a model that does not take it: refused, naming the flag. */
START_TEST(each_option_is_refused_by_the_models_that_take_it_not)
{
	const struct vn_opt *o = &vn_options[_i];
	enum vn_model m = refuser(o);
	struct vn_net_args a;
	struct vn_net n;
	struct nl_err e;
	char line[300], want[64];

	if (m == VN_NMODELS)
		return;
	a = args(m, o, o->arg ? "x" : "yes");
	ck_assert_int_eq(vn_net_from_args(&a, &n, &e), -EINVAL);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	snprintf(want, sizeof(want), "--%s: ", o->name);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(!strncmp(line, want, strlen(want)) && (strstr(line, "does not apply to a") ||
							     strstr(line, "applies only to a")),
		      "%s", line);
}
END_TEST

/* create compares what the row says it compares, naming it. */
START_TEST(each_compared_option_is_a_difference_create_names)
{
	const struct vn_opt *o = &vn_options[_i];
	struct vn_net_args a, b;
	struct vn_net x, y;
	char why[200];

	if (o->kind == VN_OPT_SUBNET || !o->compared || (o->needs & VN_M(taker(o))))
		return;
	a = args(taker(o), NULL, NULL);
	b = args(taker(o), o, other_value(o));
	ck_assert_int_eq(vn_net_from_args(&a, &x, NULL), 0);
	ck_assert_int_eq(vn_net_from_args(&b, &y, NULL), 0);
	ck_assert(!vn_net_same(&x, &y, why, sizeof(why)));
	ck_assert_msg(strstr(why, o->kind == VN_OPT_FLAG ? o->yes : o->noun), "%s: %s", o->name,
		      why);
}
END_TEST

/* A file with a value the option's kind does not read names file, line
 * and value. */
START_TEST(a_bad_value_in_a_file_names_the_line)
{
	const struct vn_opt *o = &vn_options[_i];
	char text[256], line[300];
	struct vn_net n;
	struct nl_err e;
	FILE *f;

	if (o->kind == VN_OPT_SUBNET)
		return;
	snprintf(text, sizeof(text), "[network]\nname = n\nmodel = %s\n%s = a,b,c!\n",
		 vn_model_name(taker(o)), o->name);
	f = fmemopen(text, strlen(text), "r");
	ck_assert_int_ne(vn_net_read(f, "mem", &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(!strncmp(line, "mem:4: ", 7) || !strncmp(line, "mem: ", 5), "%s", line);
	ck_assert_msg(strstr(line, "a,b,c!"), "%s", line);
}
END_TEST

/* The command line is the table's: create takes each flag, and its help
 * and usage name it. */
START_TEST(create_takes_and_explains_each_option)
{
	const struct vn_opt *o = &vn_options[_i];
	const char *help = th_str("$VNET_BIN create --help");
	char flag[64];

	snprintf(flag, sizeof(flag), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	ck_assert_msg(strstr(help, flag), "%s not in:\n%s", flag, help);
	/* a bad value reaches the engine, which names it (not getopt) */
	ck_assert_str_eq(
		th_str("$VNET_BIN create mesh n --%s%s 2>&1; echo $?", o->name, o->arg ? "=x" : ""),
		"vnet: model \"mesh\": must be isolated, routed, nat or bridged\n2\n");
}
END_TEST

/* Two options that exclude each other are refused together. */
START_TEST(options_that_exclude_each_other_are_refused_together)
{
	const struct vn_opt *o = &vn_options[_i],
			    *x = o->excludes ? vn_opt_find(o->excludes) : NULL;
	struct vn_net_args a;
	struct vn_net n;
	struct nl_err e;
	char line[200], want[200];

	if (!x)
		return;
	a = args(taker(o), o, o->arg ? "10.0.0.5-10.0.0.9" : "yes");
	ck_assert_int_eq(vn_net_args_set(&a, x->name, x->arg ? "x" : "yes"), 0);
	ck_assert_int_eq(vn_net_from_args(&a, &n, &e), -EINVAL);
	snprintf(want, sizeof(want), "--%s: and --%s exclude each other", o->name, x->name);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
}
END_TEST

/* The manuals say every option: vnet(8) its flag, vnet.conf(5) its key. */
START_TEST(each_option_is_in_the_manuals)
{
	const struct vn_opt *o = &vn_options[_i];
	const char *src = getenv("VNET_SOURCE");
	char man[64], flag[72], *m = man, *text;

	ck_assert_ptr_nonnull(src);
	for (const char *c = o->name; *c; c++) { /* roff writes a dash \- */
		if (*c == '-')
			*m++ = '\\';
		*m++ = *c;
	}
	*m = '\0';
	snprintf(flag, sizeof(flag), "\\-\\-%s", man);
	text = th_out(NULL, "cat %s/docs/vnet.8", src);
	ck_assert_msg(strstr(text, flag), "vnet.8: no %s", flag);
	free(text);
	if (o->kind == VN_OPT_SUBNET)
		return;
	text = th_out(NULL, "grep -F '.BI %s \" = ' %s/docs/vnet.conf.5", man, src);
	ck_assert_msg(text[0], "vnet.conf.5: no key %s", man);
	free(text);
}
END_TEST

/* One owner for the MTU's limits: the command line, the file and the
 * definition say VN_MTU_MIN..VN_MTU_MAX alike. */
START_TEST(mtu_limits_are_the_same_everywhere)
{
	static const struct {
		const char *value, *msg;
	} cases[] = {
		{"67", "MTU 67: must be 68..65535"},
		{"65536", "MTU 65536: must be 68..65535"},
		{"2000000", "MTU 2000000: must be 68..65535"},
		{"abc", "MTU abc: must be a number, 68..65535"},
		{"-1", "MTU -1: must be a number, 68..65535"},
		{"", "MTU : must be a number, 68..65535"},
		{"uplink", "MTU uplink: applies only to a bridged network"},
	};
	struct vn_net_args a;
	struct vn_net n;
	struct nl_err e;
	char line[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = args(VN_NAT, vn_opt_find("mtu"), cases[i].value);
		ck_assert_int_eq(vn_net_from_args(&a, &n, &e), -EINVAL);
		ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), cases[i].msg);
	}
	a = args(VN_NAT, vn_opt_find("mtu"), "68");
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	a = args(VN_NAT, vn_opt_find("mtu"), "65535");
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	a = args(VN_BRIDGED, vn_opt_find("mtu"), "uplink");
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_uint_eq(n.mtu, 0);
	ck_assert_str_eq(th_str("$VNET_BIN create nat n 10.0.0.0/24 --mtu 65536 2>&1"),
			 "vnet: MTU 65536: must be 68..65535\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_options");
	TCase *t = tcase_create("options");

	tcase_add_loop_test(t, each_row_says_what_the_walks_need, 0, vn_noptions);
	tcase_add_loop_test(t, each_option_reads_back_from_the_file, 0, vn_noptions);
	tcase_add_loop_test(t, each_option_left_out_takes_its_default, 0, vn_noptions);
	tcase_add_loop_test(t, each_option_is_refused_by_the_models_that_take_it_not, 0,
			    vn_noptions);
	tcase_add_loop_test(t, each_compared_option_is_a_difference_create_names, 0, vn_noptions);
	tcase_add_loop_test(t, a_bad_value_in_a_file_names_the_line, 0, vn_noptions);
	tcase_add_loop_test(t, create_takes_and_explains_each_option, 0, vn_noptions);
	tcase_add_loop_test(t, options_that_exclude_each_other_are_refused_together, 0,
			    vn_noptions);
	tcase_add_loop_test(t, each_option_is_in_the_manuals, 0, vn_noptions);
	tcase_add_test(t, mtu_limits_are_the_same_everywhere);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_options", false);
}
