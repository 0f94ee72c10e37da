/* host — KVM and vhost-net probes; see host.h. */
#include "vm/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_CREATE_VM_IOCTL 0xAE01 /* _IO(KVMIO, 0x01) */

/* Whether the word w stands between blanks in l[0..len). */
static bool has_word(const char *l, size_t len, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= len; i++)
		if (!memcmp(l + i, w, wl) && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t') &&
		    (i + wl == len || l[i + wl] == ' ' || l[i + wl] == '\n'))
			return true;
	return false;
}

bool vm_cpuinfo_hwvirt(const char *cpuinfo)
{
	const char *l = cpuinfo;

	while (l && *l) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (!strncmp(l, "flags", 5) && (has_word(l, len, "vmx") || has_word(l, len, "svm")))
			return true;
		l = end ? end + 1 : NULL;
	}
	return false;
}

/* The first "flags" line of /proc/cpuinfo is enough: all cpus agree. */
static bool cpu_has_hwvirt(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool yes = false;

	while (f && getline(&line, &cap, f) > 0)
		if (!strncmp(line, "flags", 5)) {
			yes = vm_cpuinfo_hwvirt(line);
			break;
		}
	free(line);
	if (f)
		fclose(f);
	return yes;
}

bool vm_kvm_usable(char *why, size_t n)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;
	bool ok = false;

	if (fd < 0) {
		snprintf(why, n, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	vm = ioctl(fd, KVM_CREATE_VM_IOCTL, 0UL);
	if (vm < 0)
		snprintf(why, n, "/dev/kvm: cannot create a VM: %s", strerror(errno));
	else if (!(ok = cpu_has_hwvirt()))
		snprintf(why, n,
			 "/dev/kvm creates VMs but the CPU shows no vmx/svm (a software "
			 "KVM runs no ordinary guest)");
	if (vm >= 0)
		close(vm);
	close(fd);
	return ok;
}

bool vm_vhost_usable(void)
{
	int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}
