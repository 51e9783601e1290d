import { Readable } from 'node:stream';
import { readContactsCsv, type ContactCsvItem } from '../../api/bulk/contacts-csv-reader';
import { checkContactRow, checkHeader, normalizeColumnName, type ContactDraft, type ContactRules } from '../../domain/contact-row';

const rules: ContactRules = {
  defaultCountry: 'IN',
  maxVariables: 3,
  maxVariableChars: 10,
  defaultTimezone: 'Asia/Kolkata',
  destination: { allowedCountries: ['IN'], allowedNumberTypes: ['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE'] },
  requestTimezone: null,
};
const PHONE = '+919876543210';

function draft(fields: Partial<ContactDraft> = {}): ContactDraft {
  return { line: 2, phoneNumber: PHONE, agentId: null, scheduledFor: null, timezone: null, priority: null, variables: {}, legalTimezones: ['Asia/Kolkata'], ...fields };
}

describe('checkContactRow: good rows', () => {
  it.each<[string, Record<string, string>, Partial<ContactDraft>]>([
    ['E.164 number only', { phone_number: PHONE }, {}],
    ['a national number in the default country', { phone_number: '098765 43210' }, {}],
    ['spaces and dashes around the number', { phone_number: '  +91 98765-43210 ' }, {}],
    ['alias phone', { phone: PHONE }, {}],
    ['alias mobile', { mobile: PHONE }, {}],
    ['camelCase alias phoneNumber', { phoneNumber: PHONE }, {}],
    ['header case and spaces: "Phone Number"', { ' Phone Number ': PHONE }, {}],
    ['upper-case snake PHONE_NUMBER', { PHONE_NUMBER: PHONE }, {}],
    ['agent id (camelCase alias)', { phone: PHONE, agentId: 'agent_1' }, { agentId: 'agent_1' }],
    ['ISO instant with offset', { phone: PHONE, scheduled_time: '2027-01-15T10:30:00+05:30' }, { scheduledFor: '2027-01-15T05:00:00.000Z' }],
    ['ISO instant in UTC', { phone: PHONE, scheduled_time: '2027-01-15T10:30:00Z' }, { scheduledFor: '2027-01-15T10:30:00.000Z' }],
    ['offset with a space separator', { phone: PHONE, scheduled_time: '2027-01-15 10:30+0530' }, { scheduledFor: '2027-01-15T05:00:00.000Z' }],
    ['local time in the default zone', { phone: PHONE, scheduledTime: '2027-01-15 10:30' }, { scheduledFor: '2027-01-15T05:00:00.000Z' }],
    ['local time with T and no seconds', { phone: PHONE, scheduled_time: '2027-01-15T10:30' }, { scheduledFor: '2027-01-15T05:00:00.000Z' }],
    [
      'local time in the row zone (EDT)',
      { phone: PHONE, scheduled_time: '2027-07-01 09:15:30', timezone: 'America/New_York' },
      { scheduledFor: '2027-07-01T13:15:30.000Z', timezone: 'America/New_York', legalTimezones: ['Asia/Kolkata', 'America/New_York'] },
    ],
    [
      'local time in the row zone (EST), alias timeZone',
      { phone: PHONE, scheduled_time: '2027-01-15 10:30', timeZone: 'America/New_York' },
      { scheduledFor: '2027-01-15T15:30:00.000Z', timezone: 'America/New_York', legalTimezones: ['Asia/Kolkata', 'America/New_York'] },
    ],
    [
      'a fall-back time that happens twice is its first occurrence',
      { phone: PHONE, scheduled_time: '2026-11-01 01:30', timezone: 'America/New_York' },
      { scheduledFor: '2026-11-01T05:30:00.000Z', timezone: 'America/New_York', legalTimezones: ['Asia/Kolkata', 'America/New_York'] },
    ],
    ['timezone alone', { phone: PHONE, tz: 'Europe/London' }, { timezone: 'Europe/London', legalTimezones: ['Asia/Kolkata', 'Europe/London'] }],
    ['priority in any case', { phone: PHONE, priority: ' High ' }, { priority: 'high' }],
    ['priority low', { phone: PHONE, priority: 'low' }, { priority: 'low' }],
    [
      'variables normalized to snake_case, trimmed, empties left out',
      { phone: PHONE, 'Customer Name': '  Asha  Rao ', amountDue: '1500', notes: '   ' },
      { variables: { customer_name: 'Asha Rao', amount_due: '1500' } },
    ],
    ['line breaks and tabs in a value become spaces', { phone: PHONE, city: 'New\r\nDelhi\t' }, { variables: { city: 'New Delhi' } }],
    ['a value of exactly the maximum length', { phone: PHONE, code: 'x'.repeat(10) }, { variables: { code: 'x'.repeat(10) } }],
    ['non-Latin values are data like any other', { phone: PHONE, name: 'आशा राव' }, { variables: { name: 'आशा राव' } }],
    ['empty optional columns', { phone: PHONE, agent_id: '', scheduled_time: ' ', timezone: '', priority: '' }, {}],
  ])('%s', (_name, row, expected) => {
    expect(checkContactRow(row, 2, rules)).toEqual({ ok: true, contact: draft(expected) });
  });
});

describe('checkContactRow: bad rows', () => {
  it.each<[string, Record<string, string>, [string, string | null][]]>([
    ['empty phone', { phone_number: '  ' }, [['PHONE_MISSING', 'phone_number']]],
    ['too short a number', { phone_number: '12345' }, [['PHONE_INVALID', 'phone_number']]],
    ['not a number', { phone_number: 'call me' }, [['PHONE_INVALID', 'phone_number']]],
    ['a number no country uses', { phone_number: '+999123456789' }, [['PHONE_INVALID', 'phone_number']]],
    ['time in words', { phone: PHONE, scheduled_time: 'tomorrow 10am' }, [['TIME_INVALID', 'scheduled_time']]],
    ['a date that does not exist', { phone: PHONE, scheduled_time: '2027-02-30 10:00' }, [['TIME_INVALID', 'scheduled_time']]],
    ['hour 24', { phone: PHONE, scheduled_time: '2027-01-15 24:00' }, [['TIME_INVALID', 'scheduled_time']]],
    ['minute 60', { phone: PHONE, scheduled_time: '2027-01-15 10:60' }, [['TIME_INVALID', 'scheduled_time']]],
    ['an offset date that does not exist', { phone: PHONE, scheduled_time: '2027-02-30T10:00:00+05:30' }, [['TIME_INVALID', 'scheduled_time']]],
    ['a date without a time', { phone: PHONE, scheduled_time: '2027-01-15' }, [['TIME_INVALID', 'scheduled_time']]],
    ['an unknown zone', { phone: PHONE, timezone: 'Mars/Olympus' }, [['TIMEZONE_INVALID', 'timezone']]],
    [
      'an unknown zone makes a local time unreadable: only the zone is reported',
      { phone: PHONE, timezone: 'Asia/Mumbai', scheduled_time: '2027-01-15 10:30' },
      [['TIMEZONE_INVALID', 'timezone']],
    ],
    [
      'a spring-forward gap in New York',
      { phone: PHONE, scheduled_time: '2027-03-14 02:30', timezone: 'America/New_York' },
      [['TIME_NONEXISTENT', 'scheduled_time']],
    ],
    [
      'a spring-forward gap in London',
      { phone: PHONE, scheduled_time: '2027-03-28T01:15', timezone: 'Europe/London' },
      [['TIME_NONEXISTENT', 'scheduled_time']],
    ],
    ['an unknown priority', { phone: PHONE, priority: 'urgent' }, [['PRIORITY_INVALID', 'priority']]],
    ['a value one character too long', { phone: PHONE, name: 'x'.repeat(11) }, [['VARIABLE_TOO_LONG', 'name']]],
    ['a NUL character', { phone: PHONE, name: 'a\u0000b' }, [['VARIABLE_INVALID', 'name']]],
    ['an escape sequence', { phone: PHONE, name: '\u001b[2J' }, [['VARIABLE_INVALID', 'name']]],
    ['a right-to-left override', { phone: PHONE, name: 'abc\u202Edef' }, [['VARIABLE_INVALID', 'name']]],
    ['a name starting with a digit', { phone: PHONE, '2nd_phone': 'x' }, [['COLUMN_NAME_INVALID', '2nd_phone']]],
    ['a non-ASCII name', { phone: PHONE, नाम: 'x' }, [['COLUMN_NAME_INVALID', 'नाम']]],
    ['an empty name', { phone: PHONE, '': 'x' }, [['COLUMN_NAME_INVALID', null]]],
    ['two names for the phone', { phone: PHONE, phone_number: PHONE }, [['DUPLICATE_COLUMN', 'phone_number']]],
    ['two spellings of one variable', { phone: PHONE, customerName: 'a', 'Customer Name': 'b' }, [['DUPLICATE_COLUMN', 'customer_name']]],
    ['no phone column', { name: 'Asha' }, [['HEADER_MISSING_PHONE', 'phone_number']]],
    ['more variables than allowed', { phone: PHONE, a: '1', b: '2', c: '3', d: '4' }, [['TOO_MANY_VARIABLES', null]]],
    [
      'every row problem at once',
      { phone: 'x', scheduled_time: 'soon', priority: 'now', a: 'y'.repeat(11), b: '\u0007' },
      [
        ['PHONE_INVALID', 'phone_number'],
        ['TIME_INVALID', 'scheduled_time'],
        ['PRIORITY_INVALID', 'priority'],
        ['VARIABLE_TOO_LONG', 'a'],
        ['VARIABLE_INVALID', 'b'],
      ],
    ],
  ])('%s', (_name, row, expected) => {
    const result = checkContactRow(row, 7, rules);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.field])).toEqual(expected);
    for (const error of result.errors) {
      expect(error.line).toBe(7);
      expect(error.message).not.toHaveLength(0);
    }
  });

  it('never echoes a long value in full', () => {
    const result = checkContactRow({ phone: PHONE, timezone: 'Z'.repeat(5_000) }, 2, rules);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message.length).toBeLessThan(200);
  });
});

describe('checkContactRow: the calling policy per row', () => {
  it.each([
    ['a country outside the allow-list', '+61412345678', 'DESTINATION_COUNTRY_NOT_ALLOWED'],
    ['an Indian mobile', '+919001234567', null],
    ['a UK premium-rate number', '+449098790000', 'DESTINATION_COUNTRY_NOT_ALLOWED'],
  ])('%s', (_case, phone, code) => {
    const result = checkContactRow({ phone }, 3, rules);
    expect(result.ok ? null : result.errors.map((error) => error.code)).toEqual(code === null ? null : [code]);
  });

  it('refuses a number type outside the allow-list, recording why', () => {
    const strict: ContactRules = { ...rules, destination: { allowedCountries: ['IN', 'US'], allowedNumberTypes: ['MOBILE'] } };
    expect(checkContactRow({ phone: '+19005551234' }, 5, strict)).toEqual({
      ok: false,
      errors: [{ line: 5, field: 'phone_number', code: 'NUMBER_TYPE_NOT_ALLOWED', message: 'premium-rate numbers are not allowed for this organization' }],
    });
  });

  it('narrows a row’s legal zones by the campaign’s zone when the row names none', () => {
    const result = checkContactRow({ phone: PHONE }, 2, { ...rules, requestTimezone: 'Europe/London' });
    expect(result.ok && result.contact.legalTimezones).toEqual(['Asia/Kolkata', 'Europe/London']);
  });
});

describe('normalizeColumnName', () => {
  it.each<[string, string | null]>([
    ['customer_name', 'customer_name'],
    ['Customer Name', 'customer_name'],
    ['customerName', 'customer_name'],
    ['CustomerName', 'customer_name'],
    ['CUSTOMER_NAME', 'customer_name'],
    ['customer-name', 'customer_name'],
    ['  customer.name  ', 'customer_name'],
    ['HTTPStatus', 'http_status'],
    ['loan2Amount', 'loan2_amount'],
    ['__private__', 'private'],
    ['2nd', null],
    ['_', null],
    ['', null],
    ['name$', null],
    ['café', null],
    ['x'.repeat(65), null],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeColumnName(raw)).toBe(expected);
  });
});

describe('checkHeader', () => {
  it('maps aliases and variables in file order', () => {
    expect(checkHeader(['Mobile', 'Customer Name', 'agentId', 'TZ', 'scheduled_for', 'Priority', 'amountDue'], rules)).toEqual({
      ok: true,
      mapping: {
        columns: ['phone_number', 'customer_name', 'agent_id', 'timezone', 'scheduled_time', 'priority', 'amount_due'],
        variables: ['customer_name', 'amount_due'],
      },
    });
  });

  it('reports every header problem once, at line 1', () => {
    const result = checkHeader(['name', '2nd', 'a', 'b', 'c'], rules);
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ line: 1, code: 'COLUMN_NAME_INVALID', field: '2nd' }),
        expect.objectContaining({ line: 1, code: 'HEADER_MISSING_PHONE' }),
        expect.objectContaining({ line: 1, code: 'TOO_MANY_VARIABLES' }),
      ],
    });
  });
});

interface ReadOptions {
  defaultAgentId?: string | null;
  knownAgents?: string[];
  maxRows?: number;
  maxBytes?: number;
  /** Bytes per chunk of the source; the whole file in one chunk by default. */
  chunkBytes?: number;
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

async function readAll(csv: string, options: ReadOptions = {}) {
  const asked: string[] = [];
  const items: ContactCsvItem[] = [];
  const known = new Set(options.knownAgents ?? ['agent_a']);
  const bytes = Buffer.from(csv);
  for await (const item of readContactsCsv(Readable.from(chunksOf(bytes, options.chunkBytes ?? bytes.length)), {
    rules,
    maxRows: options.maxRows ?? 100,
    maxBytes: options.maxBytes ?? 1_000_000,
    defaultAgentId: options.defaultAgentId === undefined ? 'agent_a' : options.defaultAgentId,
    agentExists: async (id) => {
      asked.push(id);
      return known.has(id);
    },
  })) {
    items.push(item);
  }
  return { items, asked };
}

const codes = (item: ContactCsvItem) => (item.ok ? [] : item.errors.map((error) => [error.line, error.code]));

describe('readContactsCsv without a database', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('numbers rows by their physical first line, across quoted line breaks and blank lines (%s)', async (_name, eol) => {
    const csv = ['\ufeffphone,notes', `+919876543210,"two${eol}lines"`, '', '+919876543211,आशा', ',', 'bad,y', ''].join(eol);
    for (const chunkBytes of [undefined, 1, 3]) {
      const { items } = await readAll(csv, { chunkBytes });
      expect(items.map((item) => (item.ok ? item.contact.line : codes(item)))).toEqual([2, 5, [[7, 'PHONE_INVALID']]]);
      expect(items[0]).toEqual({ ok: true, contact: expect.objectContaining({ agentId: 'agent_a', variables: { notes: 'two lines' } }) });
      expect(items[1]).toEqual({ ok: true, contact: expect.objectContaining({ variables: { notes: 'आशा' } }) });
    }
  });

  it('reports duplicates after E.164 normalization, naming the first line', async () => {
    const { items } = await readAll('phone\n+919876543210\n098765 43210\n+91 98765 43210\n');
    expect(items.map(codes)).toEqual([[], [[3, 'DUPLICATE_PHONE']], [[4, 'DUPLICATE_PHONE']]]);
    expect(items[2]).toEqual({ ok: false, errors: [expect.objectContaining({ message: expect.stringContaining('line 2') })] });
  });

  it('asks for each distinct agent once and reports unknown and missing agents', async () => {
    const csv = 'phone,agent_id\n+919876543210,agent_b\n+919876543211,agent_b\n+919876543212,\n+919876543213,agent_a\n+919876543214,$bad\n';
    const { items, asked } = await readAll(csv, { defaultAgentId: null });
    expect(items.map(codes)).toEqual([[[2, 'AGENT_UNKNOWN']], [[3, 'AGENT_UNKNOWN']], [[4, 'AGENT_MISSING']], [], [[6, 'AGENT_UNKNOWN']]]);
    expect(asked).toEqual(['agent_b', 'agent_a']);
  });

  it('reports a row with the wrong number of fields as COLUMN_COUNT', async () => {
    const { items } = await readAll('phone,name\n+919876543210\n+919876543211,a,b\n+919876543212,c\n');
    expect(items.map(codes)).toEqual([[[2, 'COLUMN_COUNT']], [[3, 'COLUMN_COUNT']], []]);
  });

  it('yields a broken header once and reads no further', async () => {
    const { items, asked } = await readAll('name,amount\nAsha,1\nRavi,2\n');
    expect(items).toEqual([{ ok: false, errors: [expect.objectContaining({ line: 1, code: 'HEADER_MISSING_PHONE' })] }]);
    expect(asked).toEqual([]);
  });

  it.each([
    ['an empty file', '', 400, 'CSV_EMPTY'],
    ['blank lines only', '\n\r\n\r', 400, 'CSV_EMPTY'],
    ['separators only', ',,\n , \n', 400, 'CSV_EMPTY'],
    ['a header only', 'phone,name\n', 400, 'CSV_EMPTY'],
    ['an unclosed quote', 'phone,name\n+919876543210,"Asha\n+919876543211,Ravi\n', 400, 'CSV_MALFORMED'],
    ['text after a closing quote', 'phone,name\n+919876543210,"Asha"x\n', 400, 'CSV_MALFORMED'],
  ])('refuses %s', async (_name, csv, status, code) => {
    await expect(readAll(csv)).rejects.toMatchObject({ status, code });
  });

  it('reports an unclosed quote at the line its row starts on', async () => {
    await expect(readAll('phone,name\n+919876543210,ok\n\n+919876543211,"Asha\nmore\n')).rejects.toMatchObject({
      code: 'CSV_MALFORMED',
      details: { line: 4, reason: 'CSV_QUOTE_NOT_CLOSED' },
    });
  });

  it('stops at one row past maxRows and one byte past maxBytes', async () => {
    const csv = 'phone\n+919876543210\n+919876543211\n';
    await expect(readAll(csv, { maxRows: 2 })).resolves.toMatchObject({ items: [{ ok: true }, { ok: true }] });
    await expect(readAll(csv, { maxRows: 1 })).rejects.toMatchObject({ status: 413, code: 'TOO_MANY_ROWS', details: { maxRows: 1 } });
    await expect(readAll(csv, { maxBytes: csv.length })).resolves.toMatchObject({ items: [{ ok: true }, { ok: true }] });
    await expect(readAll(csv, { maxBytes: csv.length - 1 })).rejects.toMatchObject({ status: 413, code: 'UPLOAD_TOO_LARGE' });
  });
});
