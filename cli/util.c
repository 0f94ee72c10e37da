/* util — error lines, usage lines, options and JSON for the commands;
 * every line printed here is made safe for a terminal (cli.h). */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int vc_fail(const struct nl_err *e)
{
	int code = nl_err_exit_code(e);
	char line[2048];

	if (code != EXIT_PERM)
		fprintf(stderr, "vnet: %s\n", nl_err_str(e, line, sizeof(line)));
	return code;
}

void vc_say(const char *line)
{
	char safe[2048];

	fprintf(stderr, "vnet: %s\n", nl_err_safe(line, false, safe, sizeof(safe)));
}

int vc_usage(const char *cmd, const char *fmt, ...)
{
	char what[512], line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s (see vnet help %s)", cmd, what, cmd);
	vc_say(line);
	return EXIT_USAGE;
}

int vc_next_opt(int argc, char **argv, const struct option *longopts, int *code)
{
	int o = getopt_long(argc, argv, ":", longopts, NULL);

	if (o == '?' || o == ':') {
		const char *bad = argv[optind - 1];

		*code = o == ':' ? vc_usage(argv[0], "option %s needs a value", bad)
				 : vc_usage(argv[0], "unknown option %s", bad);
	}
	return o;
}

bool vc_json_flag(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++)
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
			(*argc)--;
			return true;
		}
	return false;
}

struct json_object *vc_jstr(const char *s)
{
	return json_object_new_string(vc_esc(s));
}

struct json_object *vc_jtext(const char *s)
{
	return json_object_new_string(vc_text(s));
}

void vc_put_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
