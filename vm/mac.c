/* mac — guests' MAC addresses: parsing, printing, and the stable address
 * each NIC gets from its VM's name and index; see desc.h. Pure code. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm/desc.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vm_mac_parse(const char *s, uint8_t mac[6], struct nl_err *e)
{
	static const uint8_t zero[6];
	const char *why = NULL;

	for (int i = 0; i < 6 && !why; i++) {
		int hi = hexval(s[3 * i]), lo = hi < 0 ? -1 : hexval(s[3 * i + 1]);
		char sep = lo < 0 ? 'x' : s[3 * i + 2];

		if (hi < 0 || lo < 0 || sep != (i < 5 ? ':' : '\0'))
			why = "must be six hex bytes, as in 52:54:00:12:34:57";
		else
			mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!why && (mac[0] & 1))
		why = "is a multicast address (the first byte must be even)";
	if (!why && !memcmp(mac, zero, 6))
		why = "is all zeros";
	if (!why)
		return 0;
	nl_err_set(e, -EINVAL, "", "MAC %.40s", s);
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "%s", why);
	return -EINVAL;
}

char *vm_mac_str(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

/* FNV-1a, 32 bits: small, stable across hosts and versions. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

void vm_mac_derive(const char *name, unsigned index, unsigned try, uint8_t mac[6])
{
	static const uint8_t qemu_default[3] = {0x12, 0x34, 0x56};
	uint32_t h;

	for (;; try++) {
		uint8_t tail[2] = {(uint8_t)index, (uint8_t)try};

		h = fnv(fnv(2166136261u, name, strlen(name) + 1), tail, sizeof(tail));
		h = (h >> 24) ^ (h & 0xffffffu); /* all 32 bits count */
		mac[0] = 0x52;
		mac[1] = 0x54;
		mac[2] = 0x00;
		mac[3] = (uint8_t)(h >> 16);
		mac[4] = (uint8_t)(h >> 8);
		mac[5] = (uint8_t)h;
		if (memcmp(mac + 3, qemu_default, 3))
			return;
	}
}
