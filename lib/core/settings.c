/* Tenant settings: the table of keys, their defaults and validators. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/timezone.h"
#include "util/dates.h"
#include "core/settings.h"
#include "util/crypto.h"
#include "core/validate.h"
#include "rules/rules.h"

typedef engsched_rc (*setting_check_fn)(engsched *db, const char *key, const char *value);

typedef struct setting_def {
    const char *key;
    const char *fallback;
    setting_check_fn check;
    int secret; /* a key, not configuration: never read back */
} setting_def;

static engsched_rc check_zone(engsched *db, const char *key, const char *value)
{
    if (!es_zone_known(value))
        return es_fail(db, ENGSCHED_EINVAL, "%s: \"%s\" is not a known IANA time zone", key,
                       value);
    return ENGSCHED_OK;
}

static engsched_rc check_optional_email(engsched *db, const char *key, const char *value)
{
    return value[0] == '\0' ? ENGSCHED_OK : es_check_email(db, key, value);
}

static engsched_rc check_line(engsched *db, const char *key, const char *value)
{
    return es_check_text(db, key, value, 0, 2048, ES_TEXT_LINE);
}

/* The ORGANIZER CN of every invitation and feed: refused here rather than
 * when an invitation is built after a change has committed. */
static engsched_rc check_cn_name(engsched *db, const char *key, const char *value)
{
    engsched_rc rc = check_line(db, key, value);
    if (rc != ENGSCHED_OK)
        return rc;
    return es_check_cn_name(db, key, value);
}

static engsched_rc check_domain(engsched *db, const char *key, const char *value)
{
    size_t len = strlen(value);
    if (len == 0 || len > 253 || value[0] == '.' || value[0] == '-' || value[len - 1] == '.')
        return es_fail(db, ENGSCHED_EINVAL, "%s: not a domain name", key);
    for (const char *p = value; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return es_fail(db, ENGSCHED_EINVAL, "%s: invalid character in \"%s\"", key, value);
    }
    return ENGSCHED_OK;
}

static engsched_rc check_week(engsched *db, const char *key, const char *value)
{
    unsigned int seen = 0;
    if (value[0] == '\0')
        return es_fail(db, ENGSCHED_EINVAL, "%s: needs at least one weekday (1–7)", key);
    for (const char *p = value; *p; p++) {
        if (*p < '1' || *p > '7' || (seen & (1u << (*p - '0'))))
            return es_fail(db, ENGSCHED_EINVAL,
                           "%s: use distinct ISO weekday digits 1 (Monday) to 7 (Sunday)", key);
        seen |= 1u << (*p - '0');
    }
    return ENGSCHED_OK;
}

static engsched_rc check_holidays(engsched *db, const char *key, const char *value)
{
    const char *p = value;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char date[ES_DATE_LEN];
        int32_t day;
        if (len != 10)
            return es_fail(db, ENGSCHED_EINVAL, "%s: expected YYYY-MM-DD dates separated by commas",
                           key);
        memcpy(date, p, 10);
        date[10] = '\0';
        if (!es_date_parse(date, &day))
            return es_fail(db, ENGSCHED_EINVAL, "%s: \"%s\" is not a valid date", key, date);
        p += len;
        if (*p == ',' && *++p == '\0')
            return es_fail(db, ENGSCHED_EINVAL, "%s: trailing comma", key);
    }
    return ENGSCHED_OK;
}

static engsched_rc parse_count(engsched *db, const char *key, const char *value, int64_t max,
                               int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || errno != 0 || end == NULL || *end != '\0' || v < 1 ||
        v > max)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected a whole number from 1 to %lld", key,
                       (long long)max);
    *out = v;
    return ENGSCHED_OK;
}

static engsched_rc check_bytes(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    return parse_count(db, key, value, INT64_C(1) << 40, &v);
}

static engsched_rc check_count(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    return parse_count(db, key, value, 100000, &v);
}

static engsched_rc check_seconds(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    return parse_count(db, key, value, 86400, &v);
}

static engsched_rc check_attempts(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    return parse_count(db, key, value, 100, &v);
}

/* How often a subscribed calendar refetches its feed: not more than every
 * five minutes (each fetch reads the whole feed), at least once a day. */
static engsched_rc check_refresh(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    engsched_rc rc = parse_count(db, key, value, 86400, &v);
    if (rc == ENGSCHED_OK && v < 300)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected a whole number from 300 to 86400", key);
    return rc;
}

/* How many days ahead the tick creates an occurrence: at most a year
 * and a day (rules/rules.h ES_RECURRENCE_LEAD_MAX). */
static engsched_rc check_lead(engsched *db, const char *key, const char *value)
{
    int64_t v = 0;
    if (strcmp(value, "0") == 0) /* on the day itself */
        return ENGSCHED_OK;
    engsched_rc rc = parse_count(db, key, value, ES_RECURRENCE_LEAD_MAX, &v);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "%s: expected a whole number from 0 to %d", key,
                       ES_RECURRENCE_LEAD_MAX);
    return rc;
}

/* Any text a person can type as a secret; it is a key, not shown. */
static engsched_rc check_secret(engsched *db, const char *key, const char *value)
{
    return es_check_text(db, key, value, 0, 1024, ES_TEXT_LINE);
}

static engsched_rc check_on_off(engsched *db, const char *key, const char *value)
{
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected \"on\" or \"off\"", key);
    return ENGSCHED_OK;
}

static engsched_rc check_policy(engsched *db, const char *key, const char *value)
{
    if (strcmp(value, "warn") != 0 && strcmp(value, "strict") != 0)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected \"warn\" or \"strict\"", key);
    return ENGSCHED_OK;
}

/* 32 lower-case hex digits, as es_random_hex() writes them. */
static engsched_rc check_store_id(engsched *db, const char *key, const char *value)
{
    size_t len = strlen(value);
    if (len != ES_STORE_ID_LEN || strspn(value, "0123456789abcdef") != len)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected %d lower-case hex digits", key,
                       ES_STORE_ID_LEN);
    return ENGSCHED_OK;
}

/* 64 lower-case hex digits: a 32-byte sealing key. */
static engsched_rc check_seal_key(engsched *db, const char *key, const char *value)
{
    unsigned char bytes[ES_SEAL_KEY_BYTES];
    int ok = es_seal_key_from_hex(value, bytes);
    es_wipe(bytes, sizeof bytes);
    if (!ok)
        return es_fail(db, ENGSCHED_EINVAL, "%s: expected %d lower-case hex digits", key,
                       ES_SEAL_KEY_HEX);
    return ENGSCHED_OK;
}

static const setting_def settings[] = {
    {"timezone", "UTC", check_zone, 0},
    {"organizer_email", "", check_optional_email, 0},
    {"organizer_name", "", check_cn_name, 0},
    {"uid_domain", "engsched.invalid", check_domain, 0},
    {"engagement_url", "", check_line, 0},
    {"report_url", "", check_line, 0},
    {"working_week", "12345", check_week, 0},
    {"holidays", "", check_holidays, 0},
    {"file_max_bytes", "26214400", check_bytes, 0},
    {"file_max_count", "20", check_count, 0},
    {"conflict_policy", "warn", check_policy, 0},
    {"delivery_retry_seconds", "60", check_seconds, 0},
    {"delivery_max_attempts", "10", check_attempts, 0},
    {"delivery_lease_seconds", "300", check_seconds, 0},
    {"webhook_secret", "", check_secret, 1},
    {"outbox_events", "on", check_on_off, 0},
    {"feed_refresh_seconds", "3600", check_refresh, 0},
    {"recurrence_lead_days", "30", check_lead, 0},
    /* Written once by the library (es_store_identity_seed), never by a host. */
    {"store_id", "", check_store_id, 0},
    /* The key that seals page tokens (views/cursor_token.c): made by the
     * library like store_id, never set by a host, never read back. */
    {"page_token_key", "", check_seal_key, 1},
};

static const setting_def *find_setting(const char *key)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (strcmp(settings[i].key, key) == 0)
            return &settings[i];
    }
    return NULL;
}

engsched_rc es_setting_read(engsched *db, const char *key, char **out)
{
    const setting_def *def = find_setting(key);
    if (def == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "setting: unknown key \"%s\"", key);
    const char *value = NULL;
    engsched_rc rc = db->storage->setting_get(db->storage, key, &value);
    if (rc == ENGSCHED_ENOTFOUND)
        value = def->fallback;
    else if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading a setting");
    char *copy = es_strdup(value);
    if (copy == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading setting %s", key);
    *out = copy;
    return ENGSCHED_OK;
}

engsched_rc es_setting_int(engsched *db, const char *key, int64_t *out)
{
    char *value = NULL;
    engsched_rc rc = es_setting_read(db, key, &value);
    if (rc != ENGSCHED_OK)
        return rc;
    /* 0 is a count only where a setting takes it (recurrence_lead_days). */
    if (strcmp(value, "0") == 0)
        *out = 0;
    else
        rc = parse_count(db, key, value, INT64_MAX, out);
    if (rc != ENGSCHED_OK)
        rc = es_fail(db, ENGSCHED_ECORRUPT, "setting %s holds \"%s\", not a number", key, value);
    es_free(value);
    return rc;
}

engsched_rc es_today(engsched *db, int64_t now, int32_t *out_day)
{
    /* The host's clock or argument, not the store: say which instant. */
    if (!es_instant_in_range(now))
        return es_fail(db, ENGSCHED_EINVAL, "now: %lld is outside " ES_INSTANT_RANGE,
                       (long long)now);
    char *zone = NULL;
    engsched_rc rc = es_setting_read(db, "timezone", &zone);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_day_in_zone(zone, now, out_day);
    if (rc != ENGSCHED_OK)
        rc = es_fail(db, ENGSCHED_ECORRUPT, "setting timezone holds an unknown zone \"%s\"",
                     zone);
    es_free(zone);
    return rc;
}

int es_setting_known(const char *key) { return key != NULL && find_setting(key) != NULL; }

int es_setting_is_secret(const char *key)
{
    const setting_def *def = key != NULL ? find_setting(key) : NULL;
    return def != NULL && def->secret;
}

const char *es_setting_key_at(size_t index)
{
    return index < sizeof settings / sizeof settings[0] ? settings[index].key : NULL;
}

engsched_rc es_setting_check(engsched *db, const char *key, const char *value)
{
    const setting_def *def = find_setting(key);
    if (def == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "key: unknown setting \"%s\"", key);
    engsched_rc rc = es_check_text(db, key, value, 0, ES_SETTING_MAX, ES_TEXT_LINE);
    return rc != ENGSCHED_OK ? rc : def->check(db, key, value);
}

/* Both are read before either is written: a backend may keep the settings
 * between reads and forget them on a write, and a new store's first open
 * should not read them again (an allocation there could fail after the
 * schema is made, and a failed open must leave nothing behind). */
engsched_rc es_store_identity_seed(engsched *db)
{
    const char *value = NULL;
    engsched_rc rc = db->storage->setting_get(db->storage, "store_id", &value);
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading the store identity");
    int need_id = rc == ENGSCHED_ENOTFOUND;
    rc = db->storage->setting_get(db->storage, "page_token_key", &value);
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading the page token key");
    int need_key = rc == ENGSCHED_ENOTFOUND;
    if (need_id) {
        char id[ES_STORE_ID_LEN + 1];
        if (!es_random_hex(id, ES_STORE_ID_LEN / 2))
            return es_fail(db, ENGSCHED_ESTORAGE, "libsodium gave no random store identity");
        rc = db->storage->setting_set(db->storage, "store_id", id);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "writing the store identity");
    }
    if (need_key) {
        char hex[ES_SEAL_KEY_HEX + 1];
        if (!es_random_hex(hex, ES_SEAL_KEY_BYTES))
            return es_fail(db, ENGSCHED_ESTORAGE, "libsodium gave no random page token key");
        rc = db->storage->setting_set(db->storage, "page_token_key", hex);
        es_wipe(hex, sizeof hex);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "writing the page token key");
    }
    return ENGSCHED_OK;
}
