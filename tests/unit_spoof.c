/* Unit tests of the anti-spoofing table's plan (firewall/spoof.h): its
 * rendering against its golden file (which tests/ns_antispoof compares
 * with what nft lists of the table a network makes) and its rule count.
 * VNET_UPDATE_GOLDEN=1 rewrites the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/spoof.h"
#include "tests/harness.h"

START_TEST(the_table_renders_its_golden_file)
{
	char path[512], *text = fw_spoof_render("n1"), *want = NULL;
	size_t cap = 0;
	FILE *f;

	ck_assert_ptr_nonnull(text);
	snprintf(path, sizeof(path), "%s/fw-spoof.nft", FW_GOLDEN_DIR);
	if (getenv("VNET_UPDATE_GOLDEN")) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(text, f);
		fclose(f);
	}
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_gt(getdelim(&want, &cap, '\0', f), 0);
	fclose(f);
	ck_assert_str_eq(text, want);
	/* the NA's target, which nft 1.0.6 cannot name, as raw payload */
	ck_assert_ptr_nonnull(strstr(text, "icmpv6 type nd-neighbor-advert iifname . @th,64,128 "
					   "!= @ip6s goto dropped"));
	free(want);
	free(text);
}
END_TEST

/* A network's chains hold the rows, whatever its ports. */
START_TEST(a_network_has_a_fixed_number_of_rules)
{
	ck_assert_uint_eq(fw_spoof_rule_count(), 25);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("unit_spoof");
	TCase *t = tcase_create("plan");

	tcase_add_test(t, the_table_renders_its_golden_file);
	tcase_add_test(t, a_network_has_a_fixed_number_of_rules);
	suite_add_tcase(s, t);
	return th_main(s, "unit_spoof", false);
}
