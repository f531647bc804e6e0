/* A plain-text table: columns as wide as their widest cell, two spaces
 * apart, a rule under the header; optionally one cell per row coloured. */
#include "excommon.h"

#include <stdlib.h>
#include <string.h>

struct ex_table {
    size_t ncols;
    char **headers;
    unsigned char *right; /* per column */
    size_t nrows, cap;
    char **cells;         /* nrows * ncols */
    char (*colour)[8];    /* per row, "" for none */
    size_t *colour_col;   /* per row */
};

static char *dup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *p = malloc(n);
    if (p != NULL)
        memcpy(p, s ? s : "", n);
    return p;
}

ex_table *ex_table_new(size_t ncols, const char *const *headers)
{
    ex_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    t->headers = calloc(ncols, sizeof *t->headers);
    t->right = calloc(ncols, 1);
    if (t->headers == NULL || t->right == NULL) {
        ex_table_free(t);
        return NULL;
    }
    for (size_t c = 0; c < ncols; c++) {
        if ((t->headers[c] = dup(headers[c])) == NULL) {
            ex_table_free(t);
            return NULL;
        }
    }
    return t;
}

void ex_table_align_right(ex_table *t, size_t col)
{
    if (col < t->ncols)
        t->right[col] = 1;
}

int ex_table_add(ex_table *t, const char *const *cells, const char *colour_hex,
                 size_t colour_col)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * t->ncols * sizeof *grown);
        if (grown == NULL)
            return -1;
        t->cells = grown;
        char(*colours)[8] = realloc(t->colour, cap * sizeof *colours);
        if (colours == NULL)
            return -1;
        t->colour = colours;
        size_t *cols = realloc(t->colour_col, cap * sizeof *cols);
        if (cols == NULL)
            return -1;
        t->colour_col = cols;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        if ((row[c] = dup(cells[c])) == NULL) {
            while (c > 0)
                free(row[--c]);
            return -1;
        }
    }
    snprintf(t->colour[t->nrows], sizeof t->colour[t->nrows], "%s",
             colour_hex ? colour_hex : "");
    t->colour_col[t->nrows] = colour_col;
    t->nrows++;
    return 0;
}

size_t ex_table_rows(const ex_table *t)
{
    return t->nrows;
}

static void print_row(const ex_table *t, FILE *f, char *const *cells, const size_t *width,
                      const char *colour, size_t colour_col)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = cells[c];
        size_t w = ex_text_width(s);
        int last = c + 1 == t->ncols;
        if (c > 0)
            fputs("  ", f);
        if (t->right[c]) {
            for (size_t i = w; i < width[c]; i++)
                fputc(' ', f);
        }
        if (colour != NULL && colour[0] != '\0' && c == colour_col)
            ex_colour_on(f, colour);
        fputs(s, f);
        if (colour != NULL && colour[0] != '\0' && c == colour_col)
            ex_colour_off(f);
        if (!t->right[c] && !last) {
            for (size_t i = w; i < width[c]; i++)
                fputc(' ', f);
        }
    }
    fputc('\n', f);
}

void ex_table_print(const ex_table *t, FILE *f, int colour)
{
    size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof *width);
    if (width == NULL)
        return;
    for (size_t c = 0; c < t->ncols; c++) {
        width[c] = ex_text_width(t->headers[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t w = ex_text_width(t->cells[r * t->ncols + c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    print_row(t, f, t->headers, width, NULL, 0);
    size_t total = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total += width[c] + (c > 0 ? 2 : 0);
    for (size_t i = 0; i < total; i++)
        fputc('-', f);
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++)
        print_row(t, f, t->cells + r * t->ncols, width, colour ? t->colour[r] : NULL,
                  t->colour_col[r]);
    free(width);
}

void ex_table_free(ex_table *t)
{
    if (t == NULL)
        return;
    for (size_t c = 0; t->headers != NULL && c < t->ncols; c++)
        free(t->headers[c]);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->headers);
    free(t->right);
    free(t->cells);
    free(t->colour);
    free(t->colour_col);
    free(t);
}
