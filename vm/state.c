/* state — the run-state folders; see state.h. Whether a VM runs is never
 * written down: it is read from the lock qemu holds on its pid file. */
#include "vm/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "vm/qmp.h"

#define VM_STATE_MAX (256 * 1024) /* a vm.json larger than this is not ours */

int vm_path(const char *run_dir, const char *name, const char *file, char *out, size_t n,
	    struct nl_err *e)
{
	int len = snprintf(out, n, "%s/vm/%s%s%s", run_dir, name, file[0] ? "/" : "", file);

	if (len < 0 || (size_t)len >= n)
		return nl_err_set(e, -ENAMETOOLONG, "", "VM %s's folder in %s", name, run_dir);
	return 0;
}

int vm_base_dir(const char *run_dir, char *out, size_t n, struct nl_err *e)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	int len;

	/* a user without one reads root's (vm list) and can start none there */
	if (geteuid() != 0 && x && x[0] == '/')
		len = snprintf(out, n, "%s/vnet", x);
	else
		len = snprintf(out, n, "%s", run_dir);
	if (len < 0 || (size_t)len >= n)
		return nl_fail(e, -ENAMETOOLONG, NL_ERR_INVALID, "run folder", "is too long");
	return 0;
}

int vm_dir_make(const char *run_dir, const char *name, struct nl_err *e)
{
	char p[VM_PATH_MAX];
	int err;

	if ((err = nl_mkdirs(run_dir, 0755, e)) ||
	    (err = vm_path(run_dir, "", "", p, sizeof(p), e)) || (err = nl_mkdirs(p, 0755, e)))
		return err;
	if (!name)
		return 0;
	if ((err = vm_path(run_dir, name, "", p, sizeof(p), e)))
		return err;
	return nl_mkdirs(p, 0700, e);
}

void vm_dir_clean(const char *run_dir, const char *name)
{
	static const char *const files[] = {VM_F_QMP,	     VM_F_PID,	    VM_F_SERIAL_SOCK,
					    VM_F_SERIAL_LOG, VM_F_QEMU_LOG, VM_F_STATE,
					    VM_F_MIGRATE,    VM_F_WATCH,    VM_F_REFUSED};
	char p[VM_PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!vm_path(run_dir, name, files[i], p, sizeof(p), NULL))
			unlink(p);
}

bool vm_running(const char *dir, pid_t *pid)
{
	struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char p[VM_PATH_MAX];
	int fd;

	*pid = 0;
	snprintf(p, sizeof(p), "%s/%s", dir, VM_F_PID);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	/* qemu takes a write lock (lockf) on its pid file for as long as it runs */
	if (fcntl(fd, F_GETLK, &l) == 0 && l.l_type != F_UNLCK)
		*pid = l.l_pid;
	close(fd);
	return *pid > 0;
}

static void put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void put_int(json_object *o, const char *k, long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

json_object *vm_state_json(const struct vm_state *s)
{
	json_object *o = json_object_new_object(), *nics = json_object_new_array();
	char mac[18];

	put_str(o, "name", s->name);
	put_str(o, "state", vm_state_word(s));
	put_int(o, "pid", s->running ? s->pid : 0);
	put_int(o, "memory", s->memory);
	put_int(o, "cpus", s->cpus);
	put_str(o, "accel", s->kvm ? "kvm" : "tcg");
	put_str(o, "display", s->display);
	put_str(o, "machine", s->machine);
	put_str(o, "cpu", s->cpu);
	if (s->incoming)
		json_object_object_add(o, "incoming", json_object_new_boolean(true));
	if (s->refused[0])
		put_str(o, "refused", s->refused);
	for (unsigned i = 0; i < s->nnics; i++) {
		json_object *n = json_object_new_object();

		put_str(n, "network", s->nic[i].net);
		put_str(n, "subnet", s->nic[i].subnet);
		put_str(n, "model", vm_nic_model_name(s->nic[i].model));
		put_str(n, "mac", vm_mac_str(s->nic[i].mac, mac));
		put_str(n, "tap", s->nic[i].tap);
		put_int(n, "queues", s->nic[i].queues);
		json_object_array_add(nics, n);
	}
	json_object_object_add(o, "nics", nics);
	return o;
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static unsigned get_uint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (unsigned)json_object_get_int(v) : 0;
}

static int nic_from_json(json_object *n, struct vm_nic_state *s, struct nl_err *e)
{
	const char *model = get_str(n, "model");

	snprintf(s->net, sizeof(s->net), "%s", get_str(n, "network"));
	snprintf(s->tap, sizeof(s->tap), "%s", get_str(n, "tap"));
	snprintf(s->subnet, sizeof(s->subnet), "%s", get_str(n, "subnet"));
	s->queues = get_uint(n, "queues");
	s->model = VM_NIC_VIRTIO;
	for (int m = VM_NIC_VIRTIO; m <= VM_NIC_RTL8139; m++)
		if (!strcmp(model, vm_nic_model_name((enum vm_nic_model)m)))
			s->model = (enum vm_nic_model)m;
	return vm_mac_parse(get_str(n, "mac"), s->mac, e);
}

int vm_state_from_json(json_object *o, struct vm_state *s, struct nl_err *e)
{
	json_object *nics = NULL;
	int err = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", get_str(o, "name"));
	snprintf(s->display, sizeof(s->display), "%s", get_str(o, "display"));
	s->memory = get_uint(o, "memory");
	s->cpus = get_uint(o, "cpus");
	s->kvm = !strcmp(get_str(o, "accel"), "kvm");
	snprintf(s->machine, sizeof(s->machine), "%s", get_str(o, "machine"));
	snprintf(s->cpu, sizeof(s->cpu), "%s", get_str(o, "cpu"));
	s->incoming = json_object_object_get_ex(o, "incoming", NULL);
	if (json_object_object_get_ex(o, "nics", &nics) &&
	    json_object_is_type(nics, json_type_array))
		for (size_t i = 0; !err && i < json_object_array_length(nics) && i < VM_MAX_NICS;
		     i++)
			err = nic_from_json(json_object_array_get_idx(nics, i), &s->nic[s->nnics++],
					    e);
	return err;
}

int vm_state_save(const char *run_dir, const struct vm_state *s, json_object *desc,
		  struct nl_err *e)
{
	char p[VM_PATH_MAX];
	json_object *o = vm_state_json(s);
	int err = vm_path(run_dir, s->name, VM_F_STATE, p, sizeof(p), e);
	const char *text;

	json_object_object_del(o, "state");
	json_object_object_del(o, "pid");
	if (desc)
		json_object_object_add(o, "description", desc);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	if (!err)
		err = nl_file_write(p, 0600, text, strlen(text), e);
	json_object_put(o);
	return err;
}

int vm_state_read(const char *run_dir, const char *name, json_object **o, struct nl_err *e)
{
	char p[VM_PATH_MAX], *text;
	size_t len;
	int err = vm_name_check(name, e);

	*o = NULL;
	if (err || (err = vm_path(run_dir, name, VM_F_STATE, p, sizeof(p), e)))
		return err;
	if (access(p, F_OK) < 0) {
		nl_err_set(e, -ENOENT, "", "VM %s", name);
		nl_err_kind(e, NL_ERR_NOTFOUND);
		nl_err_msg(e, "no such VM (see vnet vm list)");
		return -ENOENT;
	}
	if ((err = nl_file_read(p, VM_STATE_MAX, NL_FILE_OWNED, &text, &len, e)))
		return err;
	*o = json_tokener_parse(text);
	free(text);
	return *o ? 0 : nl_err_set(e, -EBADMSG, "read", "%s", p);
}

bool vm_migrating(const char *dir)
{
	struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char p[VM_PATH_MAX + 16];
	int fd;
	bool held = false;

	snprintf(p, sizeof(p), "%s/%s", dir, VM_F_MIGRATE);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	held = fcntl(fd, F_GETLK, &l) == 0 && l.l_type != F_UNLCK;
	close(fd);
	return held;
}

const char *vm_state_word(const struct vm_state *s)
{
	if (!s->running)
		return "stopped";
	if (s->migrating)
		return "migrating";
	if (s->refused[0])
		return "refused";
	return s->incoming ? "incoming" : "running";
}

/* A destination that qemu still holds in "inmigrate" (it waits for or reads
 * the stream); once the stream is in, qemu runs the guest, or (without the
 * source's description) the launcher's watcher does or leaves it paused
 * with the reason in VM_F_REFUSED. Asked over QMP (briefly: a client
 * holding QMP makes it wait): when qemu does not answer in time, it is
 * still taken as incoming. */
static void destination(const char *dir, struct vm_state *s)
{
	char sock[VM_PATH_MAX + 16], *why = NULL;
	json_object *ret = NULL, *st;
	const char *word = "inmigrate";
	struct vm_qmp q;
	size_t len;

	snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_QMP);
	if (vm_qmp_open(&q, sock, 1000, NULL))
		return;
	if (!vm_qmp_call(&q, "query-status", NULL, &ret, 1000, NULL) &&
	    json_object_object_get_ex(ret, "status", &st))
		word = json_object_get_string(st);
	s->incoming = !strcmp(word, "inmigrate");
	snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_REFUSED);
	if (!strcmp(word, "paused") && !nl_file_read(sock, 1024, NL_FILE_OWNED, &why, &len, NULL))
		snprintf(s->refused, sizeof(s->refused), "%.*s", (int)strcspn(why, "\n"), why);
	/* paused, with the watcher's verdict still to come: incoming yet */
	snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_WATCH);
	if (!strcmp(word, "paused") && !s->refused[0] && access(sock, F_OK) == 0)
		s->incoming = true;
	free(why);
	json_object_put(ret);
	vm_qmp_close(&q);
}

int vm_state_load(const char *run_dir, const char *name, struct vm_state *s, struct nl_err *e)
{
	char dir[VM_PATH_MAX];
	json_object *o;
	int err = vm_state_read(run_dir, name, &o, e);

	if (err || (err = vm_path(run_dir, name, "", dir, sizeof(dir), e))) {
		json_object_put(o);
		return err;
	}
	err = vm_state_from_json(o, s, e);
	json_object_put(o);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->running = vm_running(dir, &s->pid);
	s->migrating = s->running && vm_migrating(dir);
	s->refused[0] = '\0';
	if (s->running && s->incoming)
		destination(dir, s);
	else
		s->incoming = false;
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vm_state *)a)->name, ((const struct vm_state *)b)->name);
}

int vm_state_list(const char *run_dir, struct vm_state **out, unsigned *n, struct nl_err *e)
{
	char p[VM_PATH_MAX];
	struct dirent *de;
	unsigned cap = 0;
	int err = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(p, sizeof(p), "%s/vm", run_dir);
	if (!(d = opendir(p)))
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read", "folder %s", p);
	while (!err && (de = readdir(d))) {
		if (vm_name_check(de->d_name, NULL))
			continue; /* ".", "..", the lock */
		if (*n == cap) {
			struct vm_state *v = realloc(*out, (cap + 8) * sizeof(**out));

			if (!v) {
				err = nl_err_set(e, -ENOMEM, "read", "folder %s", p);
				break;
			}
			*out = v;
			cap += 8;
		}
		if (vm_state_load(run_dir, de->d_name, &(*out)[*n], NULL) == 0)
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_name);
	return err;
}
