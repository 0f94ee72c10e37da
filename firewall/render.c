/* render — a plan as nft text: what `nft -s list table inet vnet` prints
 * when the plan's network is the only one in the table (golden tests,
 * `vnet show --rules`). Pure code. */
#include "firewall/internal.h"

#include <netinet/in.h>
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

int fw_elem_key_str(const struct fw_elem *el, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];
	const char *proto = el->proto == IPPROTO_UDP ? "udp" : "tcp";

	switch (el->map) {
	case FW_MAP_NAT_V4:
	case FW_MAP_NAT_V6:
		return snprintf(buf, n, "%s",
				nl_prefix_str(&el->prefix,
					      el->prefix.len < nl_prefix_bits(&el->prefix), a,
					      sizeof(a)));
	case FW_MAP_FWD_ANY:
	case FW_MAP_FWD6_ANY:
		return snprintf(buf, n, "%s . %u", proto, el->port);
	case FW_MAP_FWD_ADDR:
	case FW_MAP_FWD6_ADDR:
		return snprintf(buf, n, "%s . %s . %u",
				nl_prefix_str(&el->prefix, false, a, sizeof(a)), proto, el->port);
	default:
		return snprintf(buf, n, "\"%s\"", el->ifname);
	}
}

int fw_elem_str(const struct fw_elem *el, char *buf, size_t n)
{
	char key[96], a[NL_PREFIX_STRLEN];

	fw_elem_key_str(el, key, sizeof(key));
	switch (fw_maps[el->map].data) {
	case FW_DATA_VERDICT:
		return snprintf(buf, n, "%s : jump %s", key, el->chain);
	case FW_DATA_ADDR_PORT:
		return snprintf(buf, n, "%s : %s . %u", key,
				nl_prefix_str(&el->to, false, a, sizeof(a)), el->to_port);
	default:
		return snprintf(buf, n, "%s", key);
	}
}

/* nft lists elements sorted by their keys' packed bytes read as one
 * little-endian number: the last byte weighs most. */
static int by_key(const void *x, const void *y)
{
	uint8_t a[FW_ELEM_BYTES], b[FW_ELEM_BYTES];
	size_t n = fw_elem_key(*(const struct fw_elem *const *)x, false, a);

	fw_elem_key(*(const struct fw_elem *const *)y, false, b);
	while (n-- > 0)
		if (a[n] != b[n])
			return a[n] < b[n] ? -1 : 1;
	return 0;
}

static void map_block(FILE *f, const struct fw_plan *p, unsigned m)
{
	const struct fw_elem *el[FW_PLAN_ELEMS];
	unsigned n = 0;

	fprintf(f, "\t%s %s {\n\t\ttype %s\n", fw_maps[m].data ? "map" : "set", fw_maps[m].name,
		fw_maps[m].type);
	if (fw_maps[m].interval)
		fprintf(f, "\t\tflags interval\n");
	for (unsigned i = 0; i < p->nelems; i++)
		if (p->elem[i].map == m)
			el[n++] = &p->elem[i];
	qsort(el, n, sizeof(el[0]), by_key);
	for (unsigned i = 0; i < n; i++) {
		char text[128];

		fw_elem_str(el[i], text, sizeof(text));
		fprintf(f, "%s%s", i ? ",\n\t\t\t     " : "\t\telements = { ", text);
	}
	fprintf(f, "%s\t}\n", n ? " }\n" : "");
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
			struct fw_rule r;

			fw_base_rule(b, i, &r);
			rule_line(f, &r);
		}
		fprintf(f, "\t}\n");
	}
	for (unsigned c = 0; c < p->nchains; c++) {
		fprintf(f, "\n\tchain %s {\n", p->chain[c]);
		for (unsigned i = 0; i < p->nrules; i++)
			if (p->rule[i].chain == c)
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
