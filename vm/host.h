/* host — what this machine offers qemu: KVM and vhost-net. */
#ifndef VNET_VM_HOST_H
#define VNET_VM_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* Whether qemu can run a guest with KVM: /dev/kvm opens, KVM_CREATE_VM
 * succeeds, and the CPU has hardware virtualization (vmx or svm). The last
 * test matters: a software KVM such as kvm_pvm creates VMs that ordinary
 * guests cannot run in (qemu hangs or aborts). When not, why says why. */
bool vm_kvm_usable(char *why, size_t n);

/* Whether the flags of /proc/cpuinfo's text name vmx or svm. */
bool vm_cpuinfo_hwvirt(const char *cpuinfo);

/* Whether /dev/vhost-net opens for reading and writing. */
bool vm_vhost_usable(void);

#endif
