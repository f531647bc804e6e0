/* Text predicates (util/text.h): pure, no handle, no allocation. */
#include "util/text.h"

#include <stdint.h>
#include <string.h>

size_t es_utf8_char(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0)
        return 0;
    unsigned char c = p[0];
    size_t n;
    unsigned int cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n + 1;
}

int es_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* Mostly ASCII: eight bytes at a time while none has the top bit. */
        uint64_t word;
        if (len - i >= sizeof word) {
            memcpy(&word, s + i, sizeof word);
            if ((word & UINT64_C(0x8080808080808080)) == 0) {
                i += sizeof word;
                continue;
            }
        }
        size_t n = es_utf8_char(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

/* The first control character that the kind forbids, or -1. C1 controls
 * (U+0080–U+009F) count too: they break terminals and mail headers. */
long es_text_control_at(const char *s, size_t len, es_text_kind kind)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (c == 0x7F)
            return (long)i;
        if (c < 0x20) {
            if (kind == ES_TEXT_MULTILINE && (c == '\t' || c == '\n' || c == '\r'))
                continue;
            return (long)i;
        }
        if (c == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return (long)i;
    }
    return -1;
}

int es_text_has_control(const char *s, es_text_kind kind)
{
    return es_text_control_at(s, strlen(s), kind) >= 0;
}

int es_file_name_has_separator(const char *name)
{
    return strchr(name, '/') != NULL || strchr(name, '\\') != NULL;
}

int es_file_name_is_dots(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$&-^_.+", c) != NULL;
}

/* RFC 6838 type "/" subtype, with optional parameters not accepted: the
 * library writes the media type into MIME headers as it is. */
int es_media_type_is_pair(const char *type)
{
    const char *slash = strchr(type, '/');
    return slash != NULL && slash != type && slash[1] != '\0';
}

int es_media_type_chars_ok(const char *type)
{
    const char *slash = strchr(type, '/');
    for (const char *p = type; *p; p++) {
        if (p != slash && !token_char(*p))
            return 0;
    }
    return 1;
}

static int atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

static int domain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

/* A pragmatic RFC 5321 addr-spec: dot-atom local part and a domain of
 * letters, digits, hyphens and dots. Anything that could end a header
 * line or start a new calendar property fails here. */
const char *es_email_problem(const char *email)
{
    size_t len = strlen(email);
    const char *at = strrchr(email, '@');
    if (len < 3 || len > 254 || at == NULL || at == email || at[1] == '\0')
        return "not an e-mail address";
    if ((size_t)(at - email) > 64)
        return "local part longer than 64 bytes";
    for (const char *p = email; p < at; p++) {
        if (!atext(*p))
            return "invalid character in the local part";
    }
    if (email[0] == '.' || at[-1] == '.' || strstr(email, "..") != NULL)
        return "misplaced dot";
    const char *domain = at + 1;
    if (domain[0] == '.' || domain[0] == '-' || email[len - 1] == '.' || email[len - 1] == '-')
        return "invalid domain";
    for (const char *p = domain; *p; p++) {
        if (!domain_char(*p))
            return "invalid character in the domain";
    }
    return NULL;
}

const char *es_cn_name_problem(const char *name)
{
    size_t len = strlen(name);
    if (!es_utf8_valid(name, len))
        return "not valid UTF-8";
    if (strpbrk(name, "\r\n") != NULL)
        return "contains CR or LF, which is never passed on";
    if (es_text_control_at(name, len, ES_TEXT_LINE) >= 0)
        return "contains a control character";
    if (len > 0 && name[len - 1] == '\\')
        return "a name ending in a backslash cannot be carried in an iCalendar CN parameter";
    for (const char *p = strchr(name, '^'); p != NULL; p = strchr(p + 1, '^')) {
        switch (p[1]) {
        case '^':
            return "the sequence \"^^\" cannot be carried in an iCalendar CN parameter";
        case 'n':
            return "the sequence \"^n\" cannot be carried in an iCalendar CN parameter";
        case 'N':
            return "the sequence \"^N\" cannot be carried in an iCalendar CN parameter";
        case '\'':
            return "the sequence \"^'\" cannot be carried in an iCalendar CN parameter";
        case '"':
            return "the sequence \"^\"\" cannot be carried in an iCalendar CN parameter";
        default:
            break;
        }
    }
    return NULL;
}

static int zone_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '+';
}

int es_zone_name_valid(const char *name)
{
    if (name == NULL)
        return 0;
    size_t component = 0; /* bytes of the component so far */
    size_t i = 0;
    for (; name[i] != '\0'; i++) {
        if (i >= ES_ZONE_NAME_MAX)
            return 0;
        char c = name[i];
        if (c == '/') {
            if (component == 0)
                return 0; /* leading '/' or "//" */
            component = 0;
            continue;
        }
        if (!zone_char(c) || (component == 0 && c == '-'))
            return 0;
        component++;
    }
    return component > 0; /* not empty, no trailing '/' */
}
