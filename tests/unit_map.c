/* Unit tests of the qemu hooks' files in the engine (netd/map.c): the
 * patterns of `vnet map`, the map and default files read whole and
 * checked, and their modes whatever the umask. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/harness.h"
#include "netd/map.h"
#include "netd/net.h"
#include "netd/store.h"

/* Shell patterns of `vnet map`: a "PATTERN NETWORK" line each in the map
 * file; a pattern can hold nothing that would break that line. */
static const char *const good_patterns[] = {"vif*",	  "tap?", "vm[0-9]*", "tap[!0-3].*",
					    "vnet_1.2-x", "[ab]", "*"};
static const struct {
	const char *pattern, *msg;
} bad_patterns[] = {
	{"", "pattern \"\": must be 1..63 characters"},
	{"a b", "pattern \"a b\": may hold only letters, digits, '_', '.', '-', '*', '?' and "
		"[...] classes"},
	{"vif*\n# x", "pattern \"vif*\\x0a# x\": may hold only letters, digits, '_', '.', '-', "
		      "'*', '?' and [...] classes"},
	{"#vif", "pattern \"#vif\": may hold only letters, digits, '_', '.', '-', '*', '?' and "
		 "[...] classes"},
	{"a\tb", "pattern \"a\\x09b\": may hold only letters, digits, '_', '.', '-', '*', '?' "
		 "and [...] classes"},
	{"a/b", "pattern \"a/b\": may hold only letters, digits, '_', '.', '-', '*', '?' and "
		"[...] classes"},
	{"a\\*", "pattern \"a\\x5c*\": may hold only letters, digits, '_', '.', '-', '*', '?' "
		 "and [...] classes"},
	{"vif,x", "pattern \"vif,x\": may hold only letters, digits, '_', '.', '-', '*', '?' and "
		  "[...] classes"},
	{"-vif", "pattern \"-vif\": must not start with '-'"},
	{"vif[0-9", "pattern \"vif[0-9\": has a '[' without its ']'"},
	{"vif]", "pattern \"vif]\": has a ']' without its '['"},
	{"vif[]", "pattern \"vif[]\": has an empty [] class"},
	{"vif[#]", "pattern \"vif[#]\": may hold only letters, digits, '_', '.', '-', '*', '?' "
		   "and [...] classes"},
	{"vif[a[b]", "pattern \"vif[a[b]\": has a '[' inside a [...] class"},
	{"0123456789012345678901234567890123456789012345678901234567890123",
	 "pattern \"0123456789012345678901234567890123456789012345678901234567890123\": must be "
	 "1..63 characters"},
};

START_TEST(map_patterns_are_checked_before_they_reach_the_map_file)
{
	struct nl_err e;
	char line[400];

	for (size_t i = 0; i < sizeof(good_patterns) / sizeof(good_patterns[0]); i++)
		ck_assert_msg(vn_map_pattern_check(good_patterns[i], NULL) == 0, "%s",
			      good_patterns[i]);
	for (size_t i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++) {
		ck_assert_msg(vn_map_pattern_check(bad_patterns[i].pattern, &e) == -EINVAL, "%s",
			      bad_patterns[i].pattern);
		ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
		ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), bad_patterns[i].msg);
	}
}
END_TEST

/* A hand-edited map or default file is read whole and checked: a network
 * name too long is refused, not cut to another network's name. */
START_TEST(map_and_default_files_are_read_whole_and_checked)
{
	char name[NL_IFNAMSIZ], line[400], want[400], dir[] = "/tmp/vnet-unit.XXXXXX";
	struct vn_ctx *c;
	struct vn_map *v;
	struct nl_err e;
	unsigned n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("VNET_CONF_DIR", dir, 1);
	ck_assert_ptr_nonnull(c = vn_ctx_new(NULL));
	ck_assert_int_eq(th_sh("mkdir -p %s/hooks && printf '# c\n\nvif* a\ntap* "
			       "much-too-long-name\n' > %s/hooks/map && printf "
			       "'much-too-long-name\n' > %s/hooks/default",
			       dir, dir, dir),
			 0);
	ck_assert_int_eq(vn_map_list(c, &v, &n, &e), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s/hooks/map:4: network name \"much-too-long-name\": must be 1..15 characters",
		 dir);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
	ck_assert_int_eq(vn_default_get(c, name, &e), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s/hooks/default: network name \"much-too-long-name\": must be 1..15 characters",
		 dir);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
	ck_assert_int_eq(th_sh("printf 'vif[0 a\n' > %s/hooks/map", dir), 0);
	ck_assert_int_eq(vn_map_list(c, &v, &n, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s/hooks/map:1: pattern \"vif[0\": has a '[' without its ']'",
		 dir);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
	ck_assert_int_eq(th_sh("printf 'vif* a b\n' > %s/hooks/map", dir), 0);
	ck_assert_int_eq(vn_map_list(c, &v, &n, &e), -EINVAL);
	snprintf(want, sizeof(want), "%s/hooks/map:1: \"vif* a b\": must be PATTERN NETWORK", dir);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
	/* what vnet writes reads back */
	ck_assert_int_eq(th_sh("printf '# c\nvif* a\n  tap[0-9]  b-2 \n' > %s/hooks/map && "
			       "printf 'a\n' > %s/hooks/default",
			       dir, dir),
			 0);
	ck_assert_int_eq(vn_map_list(c, &v, &n, NULL), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1].pattern, "tap[0-9]");
	ck_assert_str_eq(v[1].network, "b-2");
	free(v);
	ck_assert_int_eq(vn_default_get(c, name, NULL), 0);
	ck_assert_str_eq(name, "a");
	vn_ctx_free(c);
	th_sh("rm -rf %s", dir);
}
END_TEST

/* The hooks' files decide which network a tap joins: whatever umask the
 * caller of the engine has, they are 0644 in a 0755 folder. */
START_TEST(hook_files_get_their_modes_whatever_the_umask)
{
	struct vn_net_args a = {.model = "nat", .name = "n", .subnet = "10.0.0.0/24"};
	char dir[] = "/tmp/vnet-unit.XXXXXX", conf[64], run[64];
	struct vn_ctx *c;
	struct vn_net n;
	mode_t old;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(vn_store_save(conf, &n, NULL), 0);
	/* the context sets a umask of its own (022): the calls must not need it */
	ck_assert_ptr_nonnull(c = vn_ctx_new(NULL));
	old = umask(0);
	ck_assert_int_eq(vn_map_set(c, "n", "vif*", NULL), 0);
	ck_assert_int_eq(vn_default_set(c, "n", NULL), 0);
	ck_assert_int_eq(vn_map_set(c, "n", "tap*", NULL), 0);
	umask(old);
	vn_ctx_free(c);
	ck_assert_str_eq(
		th_str("cd %s/conf && stat -c '%%a %%n' hooks hooks/map hooks/default", dir),
		"755 hooks\n644 hooks/map\n644 hooks/default\n");
	ck_assert_str_eq(th_str("ls -A %s/conf/hooks", dir), "default\nmap\n");
	th_sh("rm -rf %s", dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_map");
	TCase *t = tcase_create("map");

	tcase_add_test(t, map_patterns_are_checked_before_they_reach_the_map_file);
	tcase_add_test(t, map_and_default_files_are_read_whole_and_checked);
	tcase_add_test(t, hook_files_get_their_modes_whatever_the_umask);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_map", false);
}
