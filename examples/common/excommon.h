/*
 * Helpers shared by the example programs (engsched-demo, engsched,
 * engsched-hourly): calendar-date arithmetic, instants, terminal colour,
 * the Calendar month grid, a plain-text table and the mail outbox.
 *
 * None of this is part of libengsched: it is what a host writes around the
 * library, kept in one place so that the examples stay short.
 */
#ifndef ENGSCHED_EXAMPLES_COMMON_H
#define ENGSCHED_EXAMPLES_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <engsched/engsched.h>

/* --- dates and instants ----------------------------------------------------
 * A day number counts days since 1970-01-01 (proleptic Gregorian). */

/* Parse a strict `YYYY-MM-DD` into a day number. 0 on success, -1 if bad. */
int ex_date_parse(const char *text, long *out_days);
/* Format a day number as `YYYY-MM-DD` (11 bytes with the NUL). */
void ex_date_format(long days, char out[11]);
/* The ISO weekday of a day number: 0 = Monday … 6 = Sunday. */
int ex_weekday(long days);
/* The day number of a civil date (month 1–12, day 1–31). */
long ex_days_from_civil(int year, int month, int day);
/* Days in a month of a year. */
int ex_month_days(int year, int month);
/* Parse `YYYY-MM`. 0 on success, -1 if bad. */
int ex_month_parse(const char *text, int *year, int *month);
/* The English name of a month 1–12. */
const char *ex_month_name(int month);

/* Parse an instant: seconds since the epoch (`1773140400`), a date
 * (`2026-03-04`, midnight UTC) or a UTC time (`2026-03-04T08:00Z`,
 * `2026-03-04T08:00:00Z`). 0 on success, -1 if bad. */
int ex_instant_parse(const char *text, int64_t *out);
/* Format an instant as `YYYY-MM-DDTHH:MM:SSZ` (21 bytes with the NUL). */
void ex_instant_format(int64_t t, char out[21]);

/* --- terminal colour -------------------------------------------------------- */

/* Whether to colour output written to @p f: it is a terminal and NO_COLOR
 * is not set to a non-empty value (https://no-color.org). */
int ex_colour_wanted(FILE *f);
/* Start 24-bit foreground colour "#rrggbb" (ignored if malformed). */
void ex_colour_on(FILE *f, const char *hex);
/* Reset the colour. */
void ex_colour_off(FILE *f);

/* --- UTF-8 text width ----------------------------------------------------- */

/* How many code points @p s holds (its width in a terminal, as the example
 * programs assume: no double-width or combining characters). */
size_t ex_text_width(const char *s);
/* Print @p s in exactly @p width columns: cut at a code point (ending with
 * "…" when cut) or padded with spaces. */
void ex_print_cell(FILE *f, const char *s, size_t width);

/* --- Calendar month grid ---------------------------------------------------- */

typedef struct ex_grid_item {
    engsched_id id;
    const char *name;
    const char *start; /* YYYY-MM-DD */
    const char *end;   /* YYYY-MM-DD, inclusive */
    engsched_status status;
} ex_grid_item;

/* The first and last day of the grid of a month: whole weeks, Monday to
 * Sunday, covering the month. */
void ex_grid_range(int year, int month, char first[11], char last[11]);

/* Print a month grid, weeks down and days across; each engagement is drawn
 * in every day cell it covers, "#id name", in its status colour when
 * @p colour is set. A key listing each engagement with its status and dates
 * follows. 0 on success, -1 when out of memory. */
int ex_grid_print(FILE *f, int year, int month, const ex_grid_item *items, size_t count,
                  int colour);

/* --- plain-text table ------------------------------------------------------ */

typedef struct ex_table ex_table;

/* A table with @p ncols columns and their headers (copied). NULL if out of memory. */
ex_table *ex_table_new(size_t ncols, const char *const *headers);
/* Right-align a column (numbers). */
void ex_table_align_right(ex_table *t, size_t col);
/* Add a row of @p ncols cells (copied; NULL cells print empty). When
 * @p colour_hex is not NULL, cell @p colour_col is printed in that colour.
 * 0 on success, -1 when out of memory. */
int ex_table_add(ex_table *t, const char *const *cells, const char *colour_hex,
                 size_t colour_col);
/* How many rows were added. */
size_t ex_table_rows(const ex_table *t);
/* Print the header, a rule and the rows. */
void ex_table_print(const ex_table *t, FILE *f, int colour);
/* Release the table; NULL is ignored. */
void ex_table_free(ex_table *t);

/* --- mail outbox ------------------------------------------------------------- */

/* Write one message to @p dir as `<n>-<recipient>.eml`, n one more than
 * the highest number already there (created exclusively, so concurrent
 * writers never overwrite each other). The recipient is reduced to
 * [A-Za-z0-9@._+-]. On success 0 and the file name in @p path_out (if
 * not NULL); on failure -1 with errno set. */
int ex_outbox_write(const char *dir, const char *recipient, const char *message, size_t length,
                    char *path_out, size_t path_size);
/* Create @p dir if missing (one level). 0 on success, -1 with errno set. */
int ex_mkdir(const char *dir);

#endif
