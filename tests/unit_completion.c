/* Unit tests of the bash completion (docs/vnet.bash-completion): bash is
 * driven as it completes a line (COMP_WORDS, COMP_CWORD, then _vnet) over
 * the vnet built here, with two networks defined in a folder of the
 * test's. The words must be vnet's own: its commands, its table of
 * options, its networks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"
#include "netd/options.h"
#include "netd/store.h"

static char dir[] = "/tmp/vnet-unit.XXXXXX";

static void define(const char *conf, const char *model, const char *name, const char *subnet)
{
	struct vn_net_args a = {.model = model, .name = name, .subnet = subnet};
	struct vn_net n;

	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(vn_store_save(conf, &n, NULL), 0);
}

static void setup(void)
{
	char conf[64], run[64];

	strcpy(dir, "/tmp/vnet-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	define(conf, "nat", "lan", "10.0.0.0/24");
	define(conf, "isolated", "lab", "10.1.0.0/24");
}

static void teardown(void)
{
	th_sh("rm -rf %s", dir);
}

/* What bash offers for the line words (the last word is the one being
 * typed; "" for a new one), one a line; vnet is the one built here. */
static const char *complete(const char *words)
{
	const char *bin = getenv("VNET_BIN"), *src = getenv("VNET_SOURCE");

	ck_assert_msg(bin && src, "VNET_BIN and VNET_SOURCE are set by meson");
	return th_str("PATH=\"$(dirname %s):$PATH\" bash --norc --noprofile -c '"
		      "source %s/docs/vnet.bash-completion; COMP_WORDS=(%s); "
		      "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _vnet; "
		      "printf \"%%s\\n\" \"${COMPREPLY[@]}\"' | sed '/^$/d'",
		      bin, src, words);
}

/* roff's line of a synopsis as text: the alternating-font macros (.BR,
 * .RB, .IR, ...) join their arguments, .B and .I space them; quotes,
 * \fX and the backslash of \- go. */
static void roff_line(const char *l, char *out, size_t n)
{
	bool alt = l[0] == '.' && strcspn(l, " ") == 3;
	size_t k = strlen(out);

	if (!strcmp(l, ".br"))
		return;
	if (l[0] == '.')
		l += strcspn(l, " ");
	for (bool quoted = false; *l && k + 2 < n; l++) {
		if (*l == '"')
			quoted = !quoted;
		else if (*l == ' ' && !quoted && alt)
			continue;
		else if (l[0] == '\\' && l[1] == 'f' && l[2])
			l += 2;
		else if (l[0] == '\\' && l[1] == '-')
			out[k++] = *++l;
		else
			out[k++] = *l;
	}
	out[k++] = ' ';
	out[k] = '\0';
}

/* words of s, one space between */
static const char *words(const char *s)
{
	return th_str("printf '%%s' '%s' | tr -s ' \\n' '  ' | sed 's/^ //; s/ $//'", s);
}

/* vnet.8's synopsis of create says what `vnet create --help` says (its
 * usage lines, made from the engine's table of options). */
START_TEST(the_manual_synopsis_of_create_is_its_help)
{
	const char *src = getenv("VNET_SOURCE");
	char path[512], line[256], man[4096] = "";
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/vnet.8", src);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, ".B vnet destroy"))
			break;
		in = in || !strcmp(line, ".B vnet create");
		if (in)
			roff_line(line, man, sizeof(man));
	}
	fclose(f);
	ck_assert_str_eq(words(man),
			 words(th_str("$VNET_BIN create --help | sed '/^$/q; s/^usage://'")));
}
END_TEST

START_TEST(the_script_completes_vnet)
{
	const char *src = getenv("VNET_SOURCE");

	ck_assert_str_eq(th_str("bash --norc -c 'source %s/docs/vnet.bash-completion; complete -p "
				"vnet'",
				src),
			 "complete -F _vnet vnet\n");
}
END_TEST

START_TEST(commands_and_sub_commands_are_vnets_own)
{
	char want[4096] = "";

	ck_assert_str_eq(complete("vnet cr"), "create\n");
	ck_assert_str_eq(complete("vnet re"), "restart-services\n");
	ck_assert_str_eq(complete("vnet forward \"\""), "add\ndel\nlist\n");
	ck_assert_str_eq(complete("vnet vm st"), "start\nstop\n");
	/* every command of `vnet help --commands`, and nothing else */
	snprintf(want, sizeof(want), "%s--help\n--version\n",
		 th_str("PATH=\"$(dirname $VNET_BIN)\" vnet help --commands | grep -v ' '"));
	ck_assert_str_eq(complete("vnet \"\""), want);
}
END_TEST

/* create's options come from the engine's table: a row added there is
 * offered here with nothing else to change. */
START_TEST(create_offers_the_models_then_every_option_of_the_table)
{
	char want[2048] = "";

	ck_assert_str_eq(complete("vnet create \"\""), "isolated\nrouted\nnat\nbridged\n");
	ck_assert_str_eq(complete("vnet create n"), "nat\n");
	for (unsigned i = 0; i < vn_noptions; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "--%s\n",
			 vn_options[i].name);
	ck_assert_str_eq(complete("vnet create nat x 10.0.0.0/24 --"), want);
	ck_assert_str_eq(complete("vnet create nat x 10.0.0.0/24 --is"), "--isolate-ports\n");
	/* an option given is not offered again; after one that takes a
	 * value, its value is typed (none offered) */
	ck_assert_ptr_null(
		strstr(complete("vnet create nat x 10.0.0.0/24 --mtu 1400 --"), "--mtu"));
	ck_assert_str_eq(complete("vnet create nat x 10.0.0.0/24 --mtu \"\""), "");
	ck_assert_str_eq(complete("vnet create bridged x --uplink l"),
			 th_str("ls /sys/class/net | grep '^l'"));
}
END_TEST

START_TEST(networks_are_offered_where_a_command_takes_one)
{
	ck_assert_str_eq(complete("vnet show l"), "lab\nlan\n");
	ck_assert_str_eq(complete("vnet show lan \"\""), "-j\n");
	ck_assert_str_eq(complete("vnet destroy lan"), "lan\n");
	ck_assert_str_eq(complete("vnet up \"\""), "lab\nlan\n--all\n");
	ck_assert_str_eq(complete("vnet port add \"\""), "lab\nlan\n");
	ck_assert_str_eq(complete("vnet forward add la"), "lab\nlan\n");
	ck_assert_str_eq(complete("vnet vm start web --net la"), "lab\nlan\n");
	/* a name is not a network's where none goes */
	ck_assert_str_eq(complete("vnet create nat l"), "");
}
END_TEST

/* The listings the script reads: the names of the definitions, and the
 * options one a line as the table has them. */
START_TEST(the_listings_it_reads_say_what_vnet_knows)
{
	char want[2048] = "";

	ck_assert_str_eq(th_str("$VNET_BIN list --names"), "lab\nlan\n");
	ck_assert_int_eq(th_sh("printf 'garbage\\n' > $VNET_CONF_DIR/bad.conf"), 0);
	ck_assert_str_eq(th_str("$VNET_BIN list --names 2>/dev/null"), "lab\nlan\n");
	for (unsigned i = 0; i < vn_noptions; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "--%s%s%s\n",
			 vn_options[i].name, vn_options[i].arg ? " " : "",
			 vn_options[i].arg ? vn_options[i].arg : "");
	ck_assert_str_eq(th_str("$VNET_BIN help --options create"), want);
	/* the others: each option's name, from main's check of them */
	ck_assert_str_eq(th_str("$VNET_BIN help --options list"), "-j\n--json\n--names\n");
	ck_assert_str_eq(th_str("$VNET_BIN help --options port add"), "--mac\n--ip\n");
	ck_assert_str_eq(th_str("$VNET_BIN help --models"), "isolated\nrouted\nnat\nbridged\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_completion");
	TCase *t = tcase_create("completion");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, the_script_completes_vnet);
	tcase_add_test(t, commands_and_sub_commands_are_vnets_own);
	tcase_add_test(t, create_offers_the_models_then_every_option_of_the_table);
	tcase_add_test(t, networks_are_offered_where_a_command_takes_one);
	tcase_add_test(t, the_listings_it_reads_say_what_vnet_knows);
	tcase_add_test(t, the_manual_synopsis_of_create_is_its_help);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_completion", false);
}
