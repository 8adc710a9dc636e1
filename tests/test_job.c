/* The public API's jobs: options by name, their checks and messages, without a run. */
#include <stdlib.h>
#include <string.h>

#include <atlasplot.h>

#include "t.h"

static void test_options(void)
{
	size_t n = 0;
	const ap_option *o = ap_job_options("animate", &n);
	CHECK(o && n > 50);
	int out = -1, resume = -1, legend = -1;
	for (size_t i = 0; o && i < n; i++) {
		if (!strcmp(o[i].name, "output"))
			out = (int)i;
		if (!strcmp(o[i].name, "resume"))
			resume = (int)i;
		if (!strcmp(o[i].name, "legend"))
			legend = (int)i;
	}
	CHECK(out >= 0 && o[out].letter == 'o' && o[out].arg == AP_ARG_REQUIRED && o[out].key == 'o');
	int dup = 0;
	for (size_t i = 0; o && i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			dup += o[i].key == o[k].key || !strcmp(o[i].name, o[k].name);
	CHECK_EQ_INT(dup, 0);        /* keys and names unique: what getopt_long returns names one */
	CHECK(resume >= 0 && o[resume].arg == AP_ARG_NONE && !o[resume].letter);
	CHECK(legend >= 0 && o[legend].arg == AP_ARG_OPTIONAL);
	CHECK(ap_job_options("diff", &n) == NULL);
	char *h = ap_job_help("render");
	CHECK(h && !strncmp(h, "usage: atlasplot render --images FILE --layout FILE", 51) && strstr(h, "(default 1920x1080)"));
	ap_free(h);
	CHECK(ap_job_help("nope") == NULL);
}

static void test_set(void)
{
	ap_error e;
	CHECK(ap_job_make("diff", &e) == NULL);
	CHECK_STR(e.msg, "unknown command 'diff': expected render or animate");
	ap_job *j = ap_job_make("render", &e);
	CHECK(j != NULL);
	CHECK_EQ_INT(ap_job_set(j, "sprite", NULL, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "option '--sprite' needs a value");
	CHECK_EQ_INT(ap_job_set(j, "verbose", "1", &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "option '--verbose' takes no value");
	CHECK_EQ_INT(ap_job_set(j, "to", "b.npy", &e), AP_JOB_USAGE);   /* animate's, not render's */
	CHECK_STR(e.msg, "unknown option '--to'");
	CHECK_EQ_INT(ap_job_set(j, "x", NULL, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "unknown option '-x'");
	CHECK_EQ_INT(ap_job_set(j, "size", "12x", &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "--size '12x': expected WxH, e.g. 1920x1080");
	CHECK_EQ_INT(ap_job_set(j, "shots", "/nonexistent/shots.txt", &e), AP_JOB_FAILED);
	CHECK(strstr(e.msg, "shots '/nonexistent/shots.txt': ") == e.msg);
	/* the checks between options, in the command line's order */
	CHECK_EQ_INT(ap_job_check(j, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "missing --images FILE (or --manifest FILE)");
	char val[16];
	strcpy(val, "a.npy");
	CHECK_EQ_INT(ap_job_set(j, "images", val, &e), 0);
	strcpy(val, "clobbered");    /* the job keeps its own copy */
	CHECK_EQ_INT(ap_job_check(j, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "missing --layout FILE");
	CHECK_EQ_INT(ap_job_set(j, "layout", "xy.npy", &e), 0);
	CHECK_EQ_INT(ap_job_check(j, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "missing -o OUT.png");
	CHECK_EQ_INT(ap_job_set(j, "o", "-", &e), 0);
	CHECK_EQ_INT(ap_job_check(j, &e), 0);
	/* -o - with no stream: refused before anything is read */
	CHECK_EQ_INT(ap_job_run(j, NULL, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "output '-': this caller gives no stream to write to");
	ap_job_free(j);

	j = ap_job_make("animate", &e);
	CHECK_EQ_INT(ap_job_set(j, "images", "a.npy", &e), 0);
	CHECK_EQ_INT(ap_job_set(j, "from", "a.npy", &e), 0);
	CHECK_EQ_INT(ap_job_set(j, "output", "f_%d.png", &e), 0);
	CHECK_EQ_INT(ap_job_set(j, "frames", "0", &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "--frames '0': expected an integer from 1 to 10000000");
	CHECK_EQ_INT(ap_job_set(j, "frames", "3", &e), 0);
	CHECK_EQ_INT(ap_job_set(j, "duration", "2", &e), 0);
	CHECK_EQ_INT(ap_job_check(j, &e), AP_JOB_USAGE);
	CHECK_STR(e.msg, "--frames and --duration: give one, not both");
	ap_job_free(j);
	ap_job_free(NULL);
}

int main(void)
{
	test_options();
	test_set();
	return t_done();
}
