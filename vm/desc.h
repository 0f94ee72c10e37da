/* desc — a VM's description: what `vnet vm start` was asked for (name,
 * memory, cpus, disks, cdrom, boot order, networks, kernel, display), every
 * value checked as it is parsed, with the defaults filled in. Pure code: no
 * file is opened and no network looked up here (launch.c does that). */
#ifndef VNET_VM_DESC_H
#define VNET_VM_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/ifname.h"

#define VM_NAME_MAX	   32	/* bytes of a VM's name */
#define VM_PATH_MAX	   1024 /* bytes of a disk, ISO, kernel or initrd path */
#define VM_APPEND_MAX	   2048 /* bytes of the kernel command line */
#define VM_MAX_DISKS	   8
#define VM_MAX_NICS	   8
#define VM_MAX_CPUS	   255
#define VM_MAX_QUEUES	   8   /* queues (tap fds) of one multiqueue NIC */
#define VM_DEFAULT_MEMORY  512 /* MiB */
#define VM_MACHINE_MAX	   40  /* bytes of a machine type or CPU model */
#define VM_DEFAULT_MACHINE "q35"

/* VM_IF_AUTO: virtio for a disk, ide for a cdrom (virtio has no cdrom). */
enum vm_disk_if { VM_IF_AUTO, VM_IF_VIRTIO, VM_IF_IDE, VM_IF_SCSI };
enum vm_cache {
	VM_CACHE_DEFAULT,
	VM_CACHE_NONE,
	VM_CACHE_WRITEBACK,
	VM_CACHE_WRITETHROUGH,
	VM_CACHE_UNSAFE
};
enum vm_format { VM_FORMAT_PROBE, VM_FORMAT_QCOW2, VM_FORMAT_RAW };
enum vm_media { VM_MEDIA_DISK, VM_MEDIA_CDROM };
enum vm_nic_model { VM_NIC_VIRTIO, VM_NIC_E1000, VM_NIC_RTL8139 };
enum vm_display { VM_DISPLAY_NONE, VM_DISPLAY_VNC, VM_DISPLAY_NOGRAPHIC };

struct vm_disk {
	char path[VM_PATH_MAX];
	enum vm_disk_if iface;
	enum vm_cache cache;
	enum vm_format format;
	enum vm_media media;
};

struct vm_nic {
	char net[NL_IFNAMSIZ]; /* the vnet network */
	enum vm_nic_model model;
	uint8_t mac[6];
	bool mac_given; /* mac= was given; else launch.c derives one */
};

struct vm_desc {
	char name[VM_NAME_MAX + 1];
	/* "q35" (qemu's alias), or a versioned type ("pc-q35-7.2") as the
	 * launcher resolves and stores it: a migration needs the same one */
	char machine[VM_MACHINE_MAX];
	char cpu[VM_MACHINE_MAX]; /* "" for host with KVM, qemu's default with TCG */
	unsigned memory;	  /* MiB */
	unsigned cpus;
	unsigned sockets, cores, threads; /* 0: not given, qemu computes */
	unsigned ndisks;
	struct vm_disk disk[VM_MAX_DISKS];
	char cdrom[VM_PATH_MAX]; /* "" for none */
	char boot[9];		 /* qemu's -boot order letters, "" for the default */
	unsigned nnics;
	struct vm_nic nic[VM_MAX_NICS];
	char kernel[VM_PATH_MAX], initrd[VM_PATH_MAX];
	char append[VM_APPEND_MAX];
	enum vm_display display;
	char vnc_addr[64];    /* VM_DISPLAY_VNC: host part, default 127.0.0.1 */
	unsigned vnc_display; /* VM_DISPLAY_VNC: N of ADDR:N (port 5900+N) */
	bool foreground;
	unsigned nextra;    /* arguments after "--", given to qemu as they are */
	char *const *extra; /* borrowed from the caller's argv */
};

/* A VM name is 1..32 bytes of [A-Za-z0-9_.-], not starting with '.' or '-':
 * it names a folder, qemu's -name and the taps. */
int vm_name_check(const char *name, struct nl_err *e);

/* Empties d and sets the defaults: 512 MiB, 1 cpu, display none. */
void vm_desc_init(struct vm_desc *d);
/* Sets the name, checked. */
int vm_desc_name(struct vm_desc *d, const char *name, struct nl_err *e);

/* Applies one option of `vnet vm start` by its long name ("memory", "cpus",
 * "disk", "cdrom", "boot", "net", "kernel", "initrd", "append", "display",
 * "machine", "cpu"). A description read from a file goes through the same
 * calls (descjson.h), so every value that reaches qemu is checked here.
 * Errors name the value and say what it must be (kind NL_ERR_INVALID). */
int vm_desc_option(struct vm_desc *d, const char *opt, const char *value, struct nl_err *e);

/* Whether machine type m is versioned ("pc-q35-7.2": ends in -N.N), as a
 * migration needs on both sides; an alias ("q35", "pc") or an unversioned
 * type is refused (NL_ERR_INVALID) naming it. */
int vm_machine_versioned(const char *m, struct nl_err *e);

/* Checks what single options cannot: --initrd and --append need --kernel;
 * one MAC given twice. */
int vm_desc_check(const struct vm_desc *d, struct nl_err *e);

/* Queues of NIC i: one per cpu (at most VM_MAX_QUEUES) for virtio with more
 * than one cpu, else 1. */
unsigned vm_nic_queues(const struct vm_desc *d, unsigned i);

/* Names of the enum values, as the options spell them. */
const char *vm_nic_model_name(enum vm_nic_model m);
const char *vm_display_name(enum vm_display d);

/* MACs. Parsing accepts "52:54:00:ab:cd:ef" (case-insensitive) and refuses
 * multicast and all-zero addresses. */
int vm_mac_parse(const char *s, uint8_t mac[6], struct nl_err *e);
/* "52:54:00:ab:cd:ef"; buf holds at least 18 bytes. Returns buf. */
char *vm_mac_str(const uint8_t mac[6], char *buf);
/* The MAC of NIC index of VM name: 52:54:00 and 24 bits of a hash of both,
 * the same every time, never qemu's default 52:54:00:12:34:56. try > 0 asks
 * for another candidate (when the first is taken). */
void vm_mac_derive(const char *name, unsigned index, unsigned try, uint8_t mac[6]);

#endif
