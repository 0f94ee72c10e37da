/* render — a plan as nft text: what `nft -s list table inet vnet` prints
 * when the plan's network is the only one in the table (golden tests,
 * `vnet show --rules`). Pure code. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fw_rule_str(const struct fw_rule *r, char *buf, size_t n)
{
	size_t len = 0;

	if (n)
		buf[0] = '\0';
	for (unsigned i = 0; i < r->nterms; i++) {
		char word[160];

		fw_term_str(&r->term[i], word, sizeof(word));
		len += (size_t)snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s",
					i ? " " : "", word);
	}
	return (int)len;
}

int fw_elem_str(const struct fw_elem *el, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];

	if (el->map == FW_MAP_NAT_V4)
		return snprintf(buf, n, "%s : jump %s",
				nl_prefix_str(&el->prefix, el->prefix.len < 32, a, sizeof(a)),
				el->chain);
	return snprintf(buf, n, "\"%s\" : jump %s", el->ifname, el->chain);
}

static void map_block(FILE *f, const struct fw_plan *p, unsigned m)
{
	const char *sep = "";

	fprintf(f, "\tmap %s {\n\t\ttype %s\n", fw_maps[m].name, fw_maps[m].type);
	if (fw_maps[m].interval)
		fprintf(f, "\t\tflags interval\n");
	for (unsigned i = 0; i < p->nelems; i++) {
		char el[96];

		if (p->elem[i].map != m)
			continue;
		fw_elem_str(&p->elem[i], el, sizeof(el));
		fprintf(f, "%s%s", *sep ? ", " : "\t\telements = { ", el);
		sep = ",";
	}
	fprintf(f, "%s\t}\n", *sep ? " }\n" : "");
}

static void rule_line(FILE *f, const struct fw_rule *r)
{
	char line[512];

	fw_rule_str(r, line, sizeof(line));
	fprintf(f, "\t\t%s\n", line);
}

static void chains_blocks(FILE *f, const struct fw_plan *p)
{
	for (unsigned b = 0; b < FW_NBASES; b++) {
		fprintf(f, "\n\tchain %s {\n\t\t%s\n", fw_bases[b].name, fw_bases[b].spec);
		for (unsigned i = 0; i < fw_bases[b].nrules; i++) {
			struct fw_rule r = {.nterms = 1, .term = {fw_bases[b].rule[i]}};

			rule_line(f, &r);
		}
		fprintf(f, "\t}\n");
	}
	for (unsigned c = 0; c < p->nchains; c++) {
		fprintf(f, "\n\tchain %s {\n", p->chain[c]);
		for (unsigned i = 0; i < p->nrules; i++)
			if (!strcmp(p->rule[i].chain, p->chain[c]))
				rule_line(f, &p->rule[i]);
		fprintf(f, "\t}\n");
	}
}

char *fw_plan_render(const struct fw_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "table inet %s {\n\tcomment \"%s\"\n", FW_TABLE, FW_TABLE_COMMENT);
	for (unsigned m = 0; m < FW_NMAPS; m++) {
		if (m)
			fputc('\n', f);
		map_block(f, p, m);
	}
	chains_blocks(f, p);
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
