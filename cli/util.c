/* util — error lines, usage lines, options and JSON for the commands. */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int vc_fail(const struct nl_err *e)
{
	static const int codes[] = {[NL_ERR_REFUSED] = EXIT_REFUSED,
				    [NL_ERR_INVALID] = EXIT_USAGE,
				    [NL_ERR_NOTFOUND] = EXIT_NOTFOUND,
				    [NL_ERR_CONFLICT] = EXIT_CONFLICT};
	char line[512];

	fprintf(stderr, "vnet: %s\n", nl_err_str(e, line, sizeof(line)));
	return e->kind < sizeof(codes) / sizeof(codes[0]) ? codes[e->kind] : EXIT_REFUSED;
}

int vc_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vnet: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vnet help %s)\n", cmd);
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

void vc_put_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
