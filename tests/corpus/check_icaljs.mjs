// The story corpus through Mozilla's ical.js (npm `ical.js`, an ES module).
//
//   node check_icaljs.mjs DIR NODE_MODULES...
//
// The first NODE_MODULES directory holding ical.js is used (scripts/run.sh
// installs it into build-npm/node_modules from tests/corpus/package-lock.json).
// Every NNN-*.ics, and the text/calendar part of every NNN-*.eml (its
// base64 body), is parsed with ICAL.parse into an ICAL.Component; METHOD,
// the number of VEVENTs, their dates and every text property (SUMMARY,
// DESCRIPTION, LOCATION, X-WR-CALNAME, NAME, the CN of ORGANIZER and
// ATTENDEE) are compared with the manifest NNN-*.json, which holds what the
// story passed in, by the rules of tests/corpus/corpus.py. Exit 0 when all
// pass, 1 on a failure, 77 (skipped) when ical.js is not found.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, ...moduleDirs] = process.argv.slice(2);
if (!dir) {
    console.error("usage: node check_icaljs.mjs DIR NODE_MODULES...");
    process.exit(2);
}

async function loadIcal() {
    for (const modules of moduleDirs) {
        const root = join(modules, "ical.js");
        if (!existsSync(join(root, "package.json")))
            continue;
        const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
        const entry = (pkg.exports && pkg.exports.import) || pkg.module || pkg.main;
        const ICAL = (await import(pathToFileURL(join(root, entry)).href)).default;
        return { ICAL, version: pkg.version };
    }
    return null;
}

const found = await loadIcal();
if (!found) {
    console.log(`ical.js is not installed in ${moduleDirs.join(" or ")}: skipped`);
    process.exit(77);
}
const { ICAL } = found;
console.log(`ical.js ${found.version}`);

const EVENT_TEXTS = ["SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER:CN", "ATTENDEE:CN"];
const CALENDAR_TEXTS = ["X-WR-CALNAME", "NAME"];
const REQUIRED = ["SUMMARY", "ORGANIZER:CN", "ATTENDEE:CN"];

function check(cond, message) {
    if (!cond)
        throw new Error(message);
}

// The decoded body of the mail's text/calendar part.
function calendarPart(mail) {
    const at = mail.indexOf("\r\nContent-Type: text/calendar");
    check(at >= 0, "no text/calendar part");
    const body = mail.indexOf("\r\n\r\n", at) + 4;
    const end = mail.indexOf("\r\n--", body);
    check(body >= 4 && end > body, "the text/calendar part has no body");
    return Buffer.from(mail.slice(body, end).replace(/\r\n/g, ""), "base64").toString("utf8");
}

function textsOf(component, names) {
    const out = {};
    for (const name of names) {
        if (name.includes(":")) {
            const [prop, param] = name.toLowerCase().split(":");
            out[name] = component.getAllProperties(prop)
                .map((p) => p.getParameter(param))
                .filter((v) => v !== undefined && v !== null);
        } else {
            out[name] = component.getAllProperties(name.toLowerCase()).map((p) => p.getFirstValue());
        }
    }
    return out;
}

// corpus.compare_texts: expected[name] is the string the story passed in,
// or null (present, the value is the library's choice).
function compareTexts(got, expected, names, contains = {}, required = []) {
    for (const name of names) {
        const values = got[name] || [];
        if (name in contains) {
            if (values.length === 0)
                continue;
            check(values.length === 1, `${name}: ${values.length} values`);
            for (const part of contains[name])
                check(values[0].includes(part),
                      `${name} ${JSON.stringify(values[0])} does not contain ${JSON.stringify(part)}`);
            continue;
        }
        if (!(name in expected)) {
            check(values.length === 0, `${name} ${JSON.stringify(values)}: the story expects none`);
            continue;
        }
        const want = expected[name];
        if (values.length === 0) {
            check(!required.includes(name), `${name} missing, the story expects ${JSON.stringify(want)}`);
            continue;
        }
        check(values.length === 1, `${name}: ${values.length} values ${JSON.stringify(values)}`);
        if (want !== null)
            check(values[0] === want,
                  `${name} decodes to ${JSON.stringify(values[0])}, the story passed ${JSON.stringify(want)}`);
    }
}

function dayAfter(text) {
    const d = new Date(`${text}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
}

function checkDate(event, name, want) {
    const value = event.getFirstPropertyValue(name);
    check(value && value.isDate, `${name} is not a DATE`);
    check(value.toString() === want, `${name} ${value.toString()}, the story expects ${want}`);
}

function checkCalendar(text, spec) {
    const jcal = ICAL.parse(text);
    check(Array.isArray(jcal) && jcal[0] === "vcalendar", "not one VCALENDAR");
    const cal = new ICAL.Component(jcal);
    const method = cal.getFirstPropertyValue("method");
    check(method === spec.method, `METHOD:${method}, the story expects ${spec.method}`);
    const calTexts = textsOf(cal, CALENDAR_TEXTS);
    compareTexts(calTexts, spec.texts, CALENDAR_TEXTS);
    const names = new Set(CALENDAR_TEXTS.flatMap((n) => calTexts[n]));
    check(names.size <= 1, `NAME and X-WR-CALNAME differ: ${JSON.stringify([...names])}`);

    const events = cal.getAllSubcomponents("vevent");
    check(events.length === spec.expect_events && events.length === spec.events.length,
          `${events.length} VEVENTs, the story expects ${spec.expect_events}`);
    const wanted = [...spec.events];
    for (const event of events) {
        const texts = textsOf(event, EVENT_TEXTS);
        const i = wanted.findIndex((w) => texts.SUMMARY.length === 1 &&
                                          texts.SUMMARY[0] === w.texts.SUMMARY);
        check(i >= 0, `SUMMARY ${JSON.stringify(texts.SUMMARY)} is none the story expects: ` +
                      JSON.stringify(wanted.map((w) => w.texts.SUMMARY)));
        const want = wanted.splice(i, 1)[0];
        compareTexts(texts, want.texts, EVENT_TEXTS, want.contains || {},
                     REQUIRED.filter((r) => r in want.texts));
        checkDate(event, "dtstart", want.start);
        checkDate(event, "dtend", dayAfter(want.end));
    }
}

const files = readdirSync(dir).filter((n) => /^\d/.test(n) && /\.(eml|ics)$/.test(n)).sort();
if (files.length === 0) {
    console.error(`no .eml or .ics files in ${dir}`);
    process.exit(1);
}
let failed = 0;
for (const name of files) {
    try {
        const raw = readFileSync(join(dir, name), "utf8");
        const spec = JSON.parse(readFileSync(join(dir, name.replace(/\.(eml|ics)$/, ".json")), "utf8"));
        checkCalendar(name.endsWith(".eml") ? calendarPart(raw) : raw, spec);
        console.log(`ok   ${name}`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${e.message}`);
    }
}
console.log(`${failed} of ${files.length} files failed`);
process.exit(failed ? 1 : 0);
