import { DateTime } from 'luxon';
import { isValidTimeZone } from './daily-window';
import { checkDestination, type DestinationPolicy } from './calling-policy';
import type { Config } from './config';
import { describePhoneNumberProblem, normalizePhoneNumber } from './phone-number';
import { PRIORITIES, type Priority } from './priority';
import { localInstant } from './time-of-day';

/**
 * One contact of a CSV import, checked without I/O: the header once (column names, aliases, variables),
 * then every row against it. Checks that need the whole file or the database (duplicate numbers,
 * unknown agents) are the reader's; they report in the same `RowError` shape.
 */

/** `line` is the physical CSV line the row starts on (the header is line 1); `field` is a column name. */
export interface RowError {
  line: number;
  field: string | null;
  code: string;
  message: string;
}

export interface ContactDraft {
  line: number;
  /** E.164. */
  phoneNumber: string;
  agentId: string | null;
  /** An ISO instant in UTC. */
  scheduledFor: string | null;
  /** The row's own zone; null when it names none (its local times were then read in the default zone). */
  timezone: string | null;
  priority: Priority | null;
  variables: Record<string, string>;
  /** The zones the callee's legal calling window holds in (domain/calling-policy). */
  legalTimezones: string[];
}

export interface ContactRules {
  /** ISO 3166 alpha-2 country for numbers written without a country code. */
  defaultCountry: string;
  maxVariables: number;
  maxVariableChars: number;
  /** Where an offset-less scheduled_time is read when the row names no timezone. */
  defaultTimezone: string;
  /** The organization's destination policy every row's number must pass. */
  destination: DestinationPolicy;
  /** The zone the campaign request named (null: none), narrowing the legal window of rows that name none. */
  requestTimezone: string | null;
}

export function contactRules(
  config: Pick<Config, 'DEFAULT_COUNTRY' | 'BULK_MAX_VARIABLES' | 'BULK_MAX_VARIABLE_CHARS' | 'DEFAULT_CALLEE_TIMEZONE'>,
  destination: DestinationPolicy,
  requestTimezone: string | null,
): ContactRules {
  return {
    defaultCountry: config.DEFAULT_COUNTRY,
    maxVariables: config.BULK_MAX_VARIABLES,
    maxVariableChars: config.BULK_MAX_VARIABLE_CHARS,
    defaultTimezone: requestTimezone ?? config.DEFAULT_CALLEE_TIMEZONE,
    destination,
    requestTimezone,
  };
}

/** Aliases are written normalized (see normalizeColumnName), so `phoneNumber`, `Phone Number` and `PHONE_NUMBER` all match. */
export const CONTACT_COLUMNS = [
  {
    name: 'phone_number',
    aliases: ['phone', 'phonenumber', 'mobile', 'mobile_number'],
    required: true,
    description: 'The number to call: E.164 (+919876543210) or a national number of the default country.',
  },
  {
    name: 'agent_id',
    aliases: ['agent', 'agentid'],
    required: false,
    description: 'The agent that speaks on the call; empty means the default agent of the import.',
  },
  {
    name: 'scheduled_time',
    aliases: ['scheduled_for', 'scheduled_at', 'scheduledtime'],
    required: false,
    description:
      'When to call: an ISO instant with offset (2027-01-15T10:30:00+05:30), or a local "YYYY-MM-DD HH:mm[:ss]" read in the ' +
      "row's timezone (or the default one). Empty means as soon as possible.",
  },
  {
    name: 'timezone',
    aliases: ['time_zone', 'tz'],
    required: false,
    description: "The callee's IANA time zone (Asia/Kolkata); local scheduled times and calling windows are read there.",
  },
  {
    name: 'priority',
    aliases: [],
    required: false,
    description: 'high, medium or low; empty means the import default.',
  },
] as const;

export type ContactColumn = (typeof CONTACT_COLUMNS)[number]['name'];

const COLUMN_BY_NAME = new Map<string, ContactColumn>(
  CONTACT_COLUMNS.flatMap((column) => [column.name, ...column.aliases].map((name) => [name, column.name] as const)),
);

const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;
const MAX_NAME_CHARS = 64;
/** A header longer than this cannot make a name of MAX_NAME_CHARS short of being mostly separators. */
const MAX_HEADER_CHARS = 4 * MAX_NAME_CHARS;
/** Spreadsheet headers are words: anything beyond ASCII letters, digits and separators has no safe snake_case form. */
const HEADER_CHARS = /^[A-Za-z0-9 _.-]+$/;

/** `Customer Name`, `customerName`, `customer-name` and `CUSTOMER_NAME` all become `customer_name`; null when no name results. */
export function normalizeColumnName(raw: string): string | null {
  const text = raw.trim();
  // Bounds the regexes below (two of them backtrack over long capital or underscore runs) on outside input.
  if (text.length > MAX_HEADER_CHARS || !HEADER_CHARS.test(text)) return null;
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return VARIABLE_NAME.test(name) && name.length <= MAX_NAME_CHARS ? name : null;
}

/** What a valid header means: the name of each position (a contact column or a variable), in file order. */
export interface ColumnMapping {
  columns: string[];
  variables: string[];
}

export type HeaderCheck = { ok: true; mapping: ColumnMapping } | { ok: false; errors: RowError[] };

/** Header problems are reported here once, at the header's line, instead of on every row. */
export function checkHeader(columns: readonly string[], rules: ContactRules, line = 1): HeaderCheck {
  const errors: RowError[] = [];
  const names: string[] = [];
  const firstRaw = new Map<string, string>();
  columns.forEach((raw, index) => {
    const normalized = normalizeColumnName(raw);
    if (normalized === null) {
      const label = raw.trim();
      errors.push({
        line,
        field: label || null,
        code: 'COLUMN_NAME_INVALID',
        message:
          label === ''
            ? `column ${index + 1} has no name`
            : `column "${shown(label)}" has no usable name: use ASCII letters, digits, spaces, _ or -, starting with a letter (at most ${MAX_NAME_CHARS})`,
      });
      names.push('');
      return;
    }
    const name = COLUMN_BY_NAME.get(normalized) ?? normalized;
    const earlier = firstRaw.get(name);
    if (earlier !== undefined) {
      errors.push({ line, field: name, code: 'DUPLICATE_COLUMN', message: `columns "${shown(earlier)}" and "${shown(raw.trim())}" both mean ${name}` });
    } else {
      firstRaw.set(name, raw.trim());
    }
    names.push(name);
  });
  if (!firstRaw.has('phone_number')) {
    errors.push({ line, field: 'phone_number', code: 'HEADER_MISSING_PHONE', message: 'the header has no phone_number column (or phone, mobile)' });
  }
  const variables = [...firstRaw.keys()].filter((name) => !COLUMN_BY_NAME.has(name));
  if (variables.length > rules.maxVariables) {
    errors.push({
      line,
      field: null,
      code: 'TOO_MANY_VARIABLES',
      message: `${variables.length} variable columns; at most ${rules.maxVariables} are allowed`,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, mapping: { columns: names, variables } };
}

/**
 * A row's verdict, with the phone number and agent id it names even when other fields are wrong, so
 * the reader can still add its own checks (duplicates, unknown agents) and report everything at once.
 */
export interface MappedRowCheck {
  errors: RowError[];
  contact: ContactDraft | null;
  phoneNumber: string | null;
  agentId: string | null;
}

/** Checks the fields of one CSV record against a valid header's mapping; a field beyond the header's is ignored. */
export function checkMappedRow(fields: readonly string[], mapping: ColumnMapping, line: number, rules: ContactRules): MappedRowCheck {
  const errors: RowError[] = [];
  const values = new Map<string, string>();
  mapping.columns.forEach((name, index) => values.set(name, (fields[index] ?? '').trim()));
  const fail = (field: string | null, code: string, message: string) => errors.push({ line, field, code, message });

  const phoneText = values.get('phone_number') ?? '';
  let phoneNumber: string | null = null;
  if (phoneText === '') {
    fail('phone_number', 'PHONE_MISSING', 'phone_number is empty');
  } else {
    const phone = normalizePhoneNumber(phoneText, rules.defaultCountry);
    if (phone.ok) phoneNumber = phone.e164;
    else fail('phone_number', 'PHONE_INVALID', describePhoneNumberProblem(phone.reason));
  }

  const agentId = values.get('agent_id') || null;

  const timezoneText = values.get('timezone') ?? '';
  const timezone = timezoneText === '' ? null : timezoneText;
  const zoneOk = timezone === null || isValidTimeZone(timezone);
  if (!zoneOk) fail('timezone', 'TIMEZONE_INVALID', `"${shown(timezoneText)}" is not an IANA time zone (e.g. Asia/Kolkata)`);

  let scheduledFor: string | null = null;
  const timeText = values.get('scheduled_time') ?? '';
  if (timeText !== '') {
    const time = parseScheduledTime(timeText, zoneOk ? (timezone ?? rules.defaultTimezone) : null);
    if (time.ok) scheduledFor = time.iso;
    else if (time.code !== null) fail('scheduled_time', time.code, time.message);
  }

  const priorityText = (values.get('priority') ?? '').toLowerCase();
  const priority = priorityText === '' ? null : (PRIORITIES.find((p) => p === priorityText) ?? null);
  if (priorityText !== '' && priority === null) fail('priority', 'PRIORITY_INVALID', `priority "${shown(priorityText)}" is not one of ${PRIORITIES.join(', ')}`);

  const variables: Record<string, string> = {};
  for (const name of mapping.variables) {
    const value = (values.get(name) ?? '').replace(/\s+/g, ' ');
    if (value === '') continue;
    if (UNSAFE_CHARS.test(value)) fail(name, 'VARIABLE_INVALID', `${name} contains control characters`);
    else if (value.length > rules.maxVariableChars) fail(name, 'VARIABLE_TOO_LONG', `${name} is ${value.length} characters; at most ${rules.maxVariableChars} are allowed`);
    else variables[name] = value;
  }

  let legalTimezones: string[] = [];
  if (phoneNumber !== null && zoneOk) {
    const destination = checkDestination(phoneNumber, rules.destination, timezone ?? rules.requestTimezone);
    if (destination.ok) legalTimezones = destination.legalTimezones;
    else fail('phone_number', destination.code, destination.message);
  }

  const contact =
    errors.length > 0 || phoneNumber === null ? null : { line, phoneNumber, agentId, scheduledFor, timezone, priority, variables, legalTimezones };
  return { errors, contact, phoneNumber, agentId };
}

/**
 * One row keyed by column names as a header would name them (any case, aliases, `customerName` for a
 * variable): the header's problems come back at the row's line.
 */
export function checkContactRow(
  row: Record<string, string>,
  line: number,
  rules: ContactRules,
): { ok: true; contact: ContactDraft } | { ok: false; errors: RowError[] } {
  const keys = Object.keys(row);
  const header = checkHeader(keys, rules, line);
  if (!header.ok) return header;
  const checked = checkMappedRow(keys.map((key) => row[key] ?? ''), header.mapping, line, rules);
  return checked.contact ? { ok: true, contact: checked.contact } : { ok: false, errors: checked.errors };
}

/**
 * Line breaks and tabs inside a value are folded into spaces above; what is left of the C0/C1 controls, and
 * the bidirectional overrides that make text display differently from what is read out, has no place in a
 * value that ends up in a spoken greeting and a prompt.
 */
const UNSAFE_CHARS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

type ParsedTime = { ok: true; iso: string } | { ok: false; code: string; message: string } | { ok: false; code: null };

/**
 * A local time needs a zone; with `zone` null (the row's zone is invalid, already reported) only the shape is
 * checked. A local time that happens twice (fall-back) is its first occurrence, as everywhere in Ringline.
 */
function parseScheduledTime(text: string, zone: string | null): ParsedTime {
  const expected = 'an ISO instant with offset (2027-01-15T10:30:00+05:30) or a local "YYYY-MM-DD HH:mm[:ss]"';
  if (WITH_OFFSET.test(text)) {
    const instant = DateTime.fromISO(text.replace(' ', 'T'), { setZone: true });
    if (instant.isValid) return { ok: true, iso: instant.toUTC().toISO()! };
    return { ok: false, code: 'TIME_INVALID', message: `scheduled_time "${shown(text)}" is not a real date and time` };
  }
  const local = LOCAL.exec(text);
  if (!local) return { ok: false, code: 'TIME_INVALID', message: `scheduled_time "${shown(text)}" is not ${expected}` };
  if (zone === null) return { ok: false, code: null };
  const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const at = hour < 24 ? localInstant({ year, month, day }, { hour, minute, second }, zone) : null;
  if (at === null) return { ok: false, code: 'TIME_INVALID', message: `scheduled_time "${shown(text)}" is not a real date and time` };
  // A time inside a spring-forward gap comes back moved forward; a clock that never shows it cannot be meant.
  const wall = DateTime.fromMillis(at, { zone });
  if (wall.hour !== hour || wall.minute !== minute) {
    return { ok: false, code: 'TIME_NONEXISTENT', message: `scheduled_time "${shown(text)}" does not exist in ${zone} (clocks skip it)` };
  }
  return { ok: true, iso: new Date(at).toISOString() };
}

/** Echoed values are cut short: an error list must not become a copy of a broken file. */
function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
