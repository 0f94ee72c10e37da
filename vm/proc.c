/* proc — fork and exec; see proc.h. Between fork and exec the child only
 * makes async-signal-safe calls. */
#include "vm/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Every fd from 3 up closes at exec, except those qemu keeps. */
static int keep_only(const int *keep, unsigned nkeep)
{
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		/* before Linux 5.11: mark what is open, one by one */
		long max = sysconf(_SC_OPEN_MAX);

		for (int fd = 3; fd < (max > 0 ? max : 1024); fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	for (unsigned i = 0; i < nkeep; i++)
		if (fcntl(keep[i], F_SETFD, 0) < 0)
			return -errno;
	return 0;
}

static void default_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* The child: a new session, stdio, the fds, exec. Reports errno on
 * report_fd (closed by a successful exec) and exits. */
static void child(char *const argv[], const int *keep, unsigned nkeep, const char *log,
		  int report_fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int err = 0;

	setsid();
	default_signals();
	if (null < 0 || out < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		err = errno;
	if (!err && (err = -keep_only(keep, nkeep)) == 0) {
		execvp(argv[0], argv); /* report_fd is O_CLOEXEC: EOF tells success */
		err = errno;
	}
	if (write(report_fd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

int vm_proc_spawn(char *const argv[], const int *keep, unsigned nkeep, const char *log, pid_t *pid,
		  struct nl_err *e)
{
	int report[2], err = 0;
	ssize_t r;

	if (pipe2(report, O_CLOEXEC) < 0)
		return nl_err_set(e, -errno, "start", "%s", argv[0]);
	*pid = fork();
	if (*pid == 0)
		child(argv, keep, nkeep, log, report[1]);
	close(report[1]);
	if (*pid < 0) {
		close(report[0]);
		return nl_err_set(e, -errno, "start", "%s", argv[0]);
	}
	/* EOF: exec succeeded (the pipe closed with it); else the child's errno */
	do
		r = read(report[0], &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	close(report[0]);
	if (r == (ssize_t)sizeof(err) && err) {
		waitpid(*pid, NULL, 0);
		return nl_err_set(e, -err, "start", "%s", argv[0]);
	}
	return 0;
}

int vm_proc_exec(char *const argv[], const int *keep, unsigned nkeep, struct nl_err *e)
{
	int err = keep_only(keep, nkeep);

	if (err)
		return nl_err_set(e, err, "keep fds for", "%s", argv[0]);
	default_signals();
	fflush(NULL);
	execvp(argv[0], argv);
	return nl_err_set(e, -errno, "start", "%s", argv[0]);
}
