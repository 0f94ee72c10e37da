/* Unit tests of `vnet access` in the engine (netd/access.c): who the rules
 * let on (default deny, a deny wins, groups by the primary gid and the
 * supplementary ones, root always), the file read whole and checked (what
 * a hand edit can break is an error naming the file and line, never
 * skipped), and its modes whatever the umask. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/harness.h"
#include "netd/access.h"
#include "netd/net.h"
#include "netd/store.h"

static char dir[] = "/tmp/vnet-unit.XXXXXX", conf[64], run[64];
static struct vn_ctx *c;

/* A folder with network lan defined, and the context on it. */
static void setup(void)
{
	struct vn_net_args a = {.model = "isolated", .name = "lan", .subnet = "10.9.0.0/24"};
	struct vn_net n;

	strcpy(dir, "/tmp/vnet-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(vn_store_save(conf, &n, NULL), 0);
	ck_assert_ptr_nonnull(c = vn_ctx_new(NULL));
}

static void teardown(void)
{
	vn_ctx_free(c);
	th_sh("rm -rf %s", dir);
}

static int may(uid_t uid, gid_t gid, const gid_t *groups, unsigned n)
{
	return vn_access_check(c, "lan", uid, gid, groups, n, NULL);
}

static struct vn_access_rule rule(bool allow, bool group, uint32_t id)
{
	return (struct vn_access_rule){.allow = allow, .group = group, .id = id};
}

START_TEST(nobody_by_default_a_deny_wins_and_root_always)
{
	const gid_t sup[] = {27, 4343};
	struct vn_access_rule r;
	struct nl_err e;
	char line[400];

	ck_assert_int_eq(may(0, 0, NULL, 0), 0);
	ck_assert_int_eq(vn_access_check(c, "lan", 4242, 4242, NULL, 0, &e), -EACCES);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)),
			 "network lan: uid 4242 may not attach guests to it: root allows it with "
			 "`vnet access allow lan USER|@GROUP`");
	r = rule(true, true, 4343);
	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	ck_assert_int_eq(may(4242, 4242, sup, 2), 0);	    /* a supplementary group */
	ck_assert_int_eq(may(4242, 4343, NULL, 0), 0);	    /* the primary group */
	ck_assert_int_eq(may(4242, 4242, sup, 1), -EACCES); /* not in it */
	r = rule(false, false, 4242);
	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	ck_assert_int_eq(vn_access_check(c, "lan", 4242, 4242, sup, 2, &e), -EACCES);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)),
			 "network lan: uid 4242 may not attach guests to it: denied to user 4242 "
			 "(`vnet access list lan`)");
	ck_assert_int_eq(may(4243, 4243, sup, 2), 0); /* another member */
	/* the same subject again replaces its rule */
	r = rule(true, false, 4242);
	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	ck_assert_int_eq(may(4242, 4242, NULL, 0), 0);
	r = rule(false, true, 27);
	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	ck_assert_int_eq(may(4242, 4242, sup, 1), -EACCES); /* a group's deny wins too */
	ck_assert_int_eq(vn_access_remove(c, "lan", &r, NULL), 0);
	ck_assert_int_eq(vn_access_remove(c, "lan", &r, &e), -ENOENT);
	ck_assert_uint_eq(e.kind, NL_ERR_NOTFOUND);
	/* only networks that exist; their names checked */
	ck_assert_int_eq(vn_access_set(c, "other", &r, &e), -ENOENT);
	ck_assert_uint_eq(e.kind, NL_ERR_NOTFOUND);
	ck_assert_int_eq(vn_access_check(c, "../lan", 4242, 4242, NULL, 0, &e), -EINVAL);
}
END_TEST

/* A hand-edited file: each line whole, or an error naming file and line. */
START_TEST(the_file_is_read_whole_and_checked)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{"allow user\n", ":1: \"allow user\": must be allow|deny user|group ID [NAME]"},
		{"# c\nallow user -1\n", ":2: \"allow user -1\": must be allow|deny user|group ID "
					 "[NAME]"},
		{"allow user 4294967295\n", ":1: \"allow user 4294967295\": must be allow|deny "
					    "user|group ID [NAME]"},
		{"allow user 12x\n",
		 ":1: \"allow user 12x\": must be allow|deny user|group ID [NAME]"},
		{"allow people 1\n",
		 ":1: \"allow people 1\": must be allow|deny user|group ID [NAME]"},
		{"permit user 1\n",
		 ":1: \"permit user 1\": must be allow|deny user|group ID [NAME]"},
		{"allow user 1 a b\n", ":1: \"allow user 1 a b\": must be allow|deny user|group ID "
				       "[NAME]"},
		{"allow user 1 a/b\n", ":1: name \"a/b\": must be 1..32 letters, digits, '_', '.', "
				       "'-' or '$', not starting with '-'"},
	};
	struct vn_access a;
	char line[600], want[600];
	struct nl_err e;

	ck_assert_int_eq(th_sh("mkdir -p %s/access", conf), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f;

		snprintf(line, sizeof(line), "%s/access/lan", conf);
		ck_assert_ptr_nonnull(f = fopen(line, "w"));
		fputs(bad[i].text, f);
		fclose(f);
		ck_assert_int_eq(vn_access_read(c, "lan", &a, &e), -EINVAL);
		snprintf(want, sizeof(want), "%s/access/lan%s", conf, bad[i].says);
		ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), want);
		/* a file that does not read lets nobody on */
		ck_assert_int_ne(may(1, 1, NULL, 0), 0);
	}
	/* whoever else could write it would choose who gets on: refused */
	ck_assert_int_eq(th_sh("printf 'allow user 1\n' > %s/access/lan && chmod 664 %s/access/lan",
			       conf, conf),
			 0);
	ck_assert_int_eq(vn_access_read(c, "lan", &a, &e), -EPERM);
	ck_assert_int_ne(may(1, 1, NULL, 0), 0);
	ck_assert_int_eq(th_sh("rm %s/access/lan && ln -s /etc/passwd %s/access/lan", conf, conf),
			 0);
	ck_assert_int_ne(vn_access_read(c, "lan", &a, NULL), 0);
	/* what vnet writes reads back */
	ck_assert_int_eq(th_sh("rm %s/access/lan && printf '# c\n\n  allow user 7 a$ \ndeny group "
			       "8\n' > %s/access/lan",
			       conf, conf),
			 0);
	ck_assert_int_eq(vn_access_read(c, "lan", &a, NULL), 0);
	ck_assert_uint_eq(a.n, 2);
	ck_assert(a.rule[0].allow && !a.rule[0].group && a.rule[0].id == 7);
	ck_assert_str_eq(a.rule[0].name, "a$");
	ck_assert(!a.rule[1].allow && a.rule[1].group && a.rule[1].id == 8);
}
END_TEST

/* The rules decide who gets onto a network: 0644 in a 0755 folder whatever
 * the umask; the last rule gone takes the file (and the folder) with it, as
 * the network's destroy does. */
START_TEST(the_file_gets_its_modes_and_goes_with_its_last_rule)
{
	struct vn_access_rule r = rule(true, false, 7);
	char(*nets)[NL_IFNAMSIZ];
	unsigned n;
	mode_t old = umask(0);

	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	umask(old);
	ck_assert_str_eq(th_str("cd %s && stat -c '%%a %%n' access access/lan", conf),
			 "755 access\n644 access/lan\n");
	ck_assert_int_eq(vn_access_networks(c, &nets, &n, NULL), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(nets[0], "lan");
	free(nets);
	ck_assert_int_eq(vn_access_remove(c, "lan", &r, NULL), 0);
	ck_assert_int_ne(th_sh("test -e %s/access", conf), 0);
	ck_assert_int_eq(vn_access_set(c, "lan", &r, NULL), 0);
	vn_access_forget(c, "lan");
	ck_assert_int_ne(th_sh("test -e %s/access", conf), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_access");
	TCase *t = tcase_create("access");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, nobody_by_default_a_deny_wins_and_root_always);
	tcase_add_test(t, the_file_is_read_whole_and_checked);
	tcase_add_test(t, the_file_gets_its_modes_and_goes_with_its_last_rule);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_access", false);
}
