/* vmtest — see vmtest.h. */
#include "tests/vmtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *vt_file(const char *name, const char *file)
{
	static char ring[4][512];
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(ring[k], sizeof(ring[k]), "%s/vm/%s/%s", getenv("VNET_RUN_DIR"), name, file);
	return ring[k];
}

bool vt_running(const char *name)
{
	return !strcmp(th_str("%s vm list -j | jq -r '.[] | select(.name == \"%s\") | .state'",
			      nt_vnet, name),
		       "running\n");
}

bool vt_wait_stopped(const char *name, int s)
{
	for (int i = 0; i < s * 10; i++) {
		if (!vt_running(name))
			return true;
		usleep(100 * 1000);
	}
	return false;
}
