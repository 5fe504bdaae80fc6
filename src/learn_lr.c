/* learn_lr.c: logistic regression with liblinear (contract in learn.h). */
#include <linear.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "learn.h"

static void quiet(const char *s)
{
	(void)s;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* One row as liblinear nodes: nonzero dense columns 1..d, hashed columns
 * d+1+bucket (sorted, duplicates merged), the bias column, the end mark. */
static struct feature_node *row(struct feature_node *p, const float *x, size_t d,
                                const int *h, size_t nh, int bias_index)
{
	for (size_t j = 0; j < d; j++)
		if (x[j] != 0) {
			p->index = (int)j + 1;
			p->value = x[j];
			p++;
		}
	int hs[8];
	size_t k = 0;
	for (size_t j = 0; j < nh && k < 8; j++)
		if (h[j] >= 0)
			hs[k++] = h[j];
	qsort(hs, k, sizeof(hs[0]), cmp_int);
	for (size_t j = 0; j < k; j++) {
		if (j && hs[j] == hs[j - 1]) {
			p[-1].value += 1;
			continue;
		}
		p->index = (int)d + 1 + hs[j];
		p->value = 1;
		p++;
	}
	p->index = bias_index;
	p->value = 1;
	p++;
	p->index = -1;
	return p + 1;
}

int learn_lr_fit(const float *x, size_t n, size_t d, const int *hidx, size_t nh,
                 unsigned bits, const unsigned char *y, double cost,
                 double *w, double *b)
{
	size_t nhash = bits ? (size_t)1 << bits : 0;
	int bias_index = (int)(d + nhash + 1);
	struct problem prob = { .l = (int)n, .n = bias_index, .bias = 1 };
	prob.y = malloc(n * sizeof(*prob.y));
	prob.x = malloc(n * sizeof(*prob.x));
	struct feature_node *nodes = malloc(n * (d + nh + 2) * sizeof(*nodes));
	if (!prob.y || !prob.x || !nodes) {
		free(prob.y), free(prob.x), free(nodes);
		return CLEAN_ENOMEM;
	}
	struct feature_node *p = nodes;
	for (size_t i = 0; i < n; i++) {
		prob.y[i] = y[i] ? 1 : -1;
		prob.x[i] = p;
		p = row(p, x + i * d, d, hidx + i * nh, nh, bias_index);
	}
	struct parameter par = { .solver_type = L2R_LR, .eps = 0.01, .C = cost > 0 ? cost : 1 };
	set_print_string_function(quiet);
	int rc = CLEAN_EINVAL;
	if (!check_parameter(&prob, &par)) {
		struct model *lm = train(&prob, &par);
		if (lm) {
			/* w belongs to the first label met; we want content's. */
			int two = get_nr_class(lm) == 2;
			double sign = lm->label[0] == 1 ? 1 : -1;
			for (size_t j = 0; j < d + nhash; j++)
				w[j] = two ? sign * lm->w[j] : 0;
			/* One class only: a constant score that says it. */
			*b = two ? sign * lm->w[bias_index - 1] : sign * 5;
			free_and_destroy_model(&lm);
			rc = CLEAN_OK;
		} else {
			rc = CLEAN_ENOMEM;
		}
	}
	free(prob.y);
	free(prob.x);
	free(nodes);
	return rc;
}
