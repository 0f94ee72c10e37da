/* testing — for tests only, never included by the product: plans that the
 * kernel must refuse, built through the plan's insides (internal.h), so
 * that no production header offers a way to break a plan. */
#ifndef VNET_FIREWALL_TESTING_H
#define VNET_FIREWALL_TESTING_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "firewall/internal.h"

/* Adds to the network's -in chain, before its last rule, a rule that jumps
 * to chain target, which should not exist, so that the kernel refuses the
 * batch. -EINVAL when the plan has no -in chain. */
static inline int fw_plan_add_jump_for_test(struct fw_plan *p, const char *target)
{
	char in[FW_NAMESIZ];
	unsigned last = p->nrules;
	struct fw_rule *r;

	snprintf(in, sizeof(in), "%s-in", p->name);
	for (unsigned i = 0; i < p->nrules; i++)
		if (!strcmp(p->chain[p->rule[i].chain], in))
			last = i;
	if (last == p->nrules || p->nrules >= FW_PLAN_RULES)
		return -EINVAL;
	memmove(&p->rule[last + 1], &p->rule[last], (p->nrules - last) * sizeof(p->rule[0]));
	p->nrules++;
	p->rule[last + 1].pos++;
	r = &p->rule[last];
	r->nterms = 1;
	memset(r->term, 0, sizeof(r->term));
	r->term[0].kind = FW_T_JUMP;
	snprintf(r->term[0].name, sizeof(r->term[0].name), "%s", target);
	return 0;
}

#endif
