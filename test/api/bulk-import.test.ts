import { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { readContactsCsv } from '../../api/bulk/contacts-csv-reader';
import type { CallRoutesContext } from '../../api/call-context';
import { LineGateSnapshot } from '../../api/line-gate-snapshot';
import { OrgCallGuard } from '../../lib/org-call-limits';
import { errorHandler, notFoundHandler } from '../../api/middleware/error-handler';
import { bulkImportRouter } from '../../api/routes/bulk-import';
import { DEFAULT_TEMPORAL_TIMEOUTS } from '../../api/temporal-calls';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { Agent } from '../../db/models/agent';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { callingPolicyFor } from '../../domain/calling-policy';
import { contactRules } from '../../domain/contact-row';
import { authenticate } from '../../api/access/authenticate';
import { createApiKey } from '../../lib/api-keys';
import { createLogger } from '../../lib/logger';
import { testDataConverter } from '../helpers/temporal-test-env';
import { testDatabaseUri, testInfra } from '../helpers/test-infra';

let temporal: Client;
let logLines: string[];
let adminKey: string;
/** One set for every app here: the admin key is hashed with its pepper. */
const secrets = generateSecrets();
const authed = (target: Express) => request.agent(target).set('Authorization', `Bearer ${adminKey}`);

beforeAll(async () => {
  await connectDatabase(testDatabaseUri('bulk_import'));
  temporal = new Client({ connection: Connection.lazy({ address: testInfra().temporalAddress }), dataConverter: testDataConverter() });
  adminKey = (await createApiKey({ role: 'admin' }, secrets.API_KEY_PEPPER)).key;
  const agent = { prompt: 'You remind customers of payments.', greeting: 'Hello {customer_name}!' };
  await Agent.create([
    { _id: 'agent_known', name: 'Known', ...agent },
    { _id: 'agent_reminders', name: 'Reminders', ...agent },
    { _id: 'agent_retired', name: 'Retired', ...agent, active: false },
  ]);
});

beforeEach(() => {
  logLines = [];
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
  await temporal?.connection.close();
});

/** The bulk routes alone, as app.ts mounts them, on a configuration of the test's choosing. */
function makeApp(env: Record<string, string> = {}): Express {
  const config = parseConfig({ ...secrets, BULK_MAX_ROWS: '50', BULK_MAX_UPLOAD_BYTES: '8192', BULK_MAX_VARIABLES: '3', BULK_MAX_VARIABLE_CHARS: '40', ...env });
  const logger = createLogger('bulk-import-test', { level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const ctx: CallRoutesContext = {
    temporal,
    config,
    logger,
    timeouts: DEFAULT_TEMPORAL_TIMEOUTS,
    lineGate: new LineGateSnapshot(temporal, config.EXOTEL_ACCOUNT_SID, DEFAULT_TEMPORAL_TIMEOUTS.queryMs),
    orgCalls: new OrgCallGuard(config),
  };
  return express().use(authenticate(config, logger)).use('/api/v1', bulkImportRouter(ctx)).use(notFoundHandler()).use(errorHandler(logger));
}

const csvLines = (...lines: string[]) => lines.join('\n') + '\n';

/** Good, bad and duplicate rows; row 2 spans two lines, so every later line number depends on counting it right. */
const MIXED = csvLines(
  'phone_number,agentId,scheduled_time,timezone,priority,Customer Name,notes', // 1
  '+919876543210,agent_known,2027-01-15 10:30,,high,Asha Rao,"first line', // 2
  'second line"', // 3
  '098765 43211,,2027-01-15T10:30:00Z,America/New_York,low,Ravi,', // 4
  '+91 98765 43210,,,,,Asha again,', // 5: duplicate of line 2
  '12345,agent_known,tomorrow,,urgent,X,', // 6
  '+919876543212,agent_ghost,,,,Y,', // 7
  '+919876543213,,2027-03-14 02:30,America/New_York,,Z,', // 8: inside the spring-forward gap
  '+919876543214,,,,,"a",b,c', // 9: one field too many
  '', // 10
  '9876543211,agent_retired,,,,W,', // 11: duplicate of line 4, inactive agent
);

const MIXED_ERRORS = [
  [5, 'phone_number', 'DUPLICATE_PHONE'],
  [6, 'phone_number', 'PHONE_INVALID'],
  [6, 'scheduled_time', 'TIME_INVALID'],
  [6, 'priority', 'PRIORITY_INVALID'],
  [7, 'agent_id', 'AGENT_UNKNOWN'],
  [8, 'scheduled_time', 'TIME_NONEXISTENT'],
  [9, null, 'COLUMN_COUNT'],
  [11, 'phone_number', 'DUPLICATE_PHONE'],
  [11, 'agent_id', 'AGENT_UNKNOWN'],
];

const MIXED_SUMMARY = {
  valid: false,
  totalRows: 8,
  validRows: 2,
  invalidRows: 6,
  duplicateRows: 2,
  columns: ['phone_number', 'agent_id', 'scheduled_time', 'timezone', 'priority', 'customer_name', 'notes'],
  variables: ['customer_name', 'notes'],
  errorsTruncated: false,
};

const errorTriples = (errors: { line: number; field: string | null; code: string }[]) => errors.map((e) => [e.line, e.field, e.code]);

describe('POST /api/v1/bulk/import/validate', () => {
  it('reports every bad row by its physical line, from a multipart upload', async () => {
    const res = await authed(makeApp())
      .post('/api/v1/bulk/import/validate')
      .field('agentId', 'agent_known')
      .attach('file', Buffer.from(MIXED), 'contacts.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(MIXED_SUMMARY);
    expect(res.body).not.toHaveProperty('preview');
    expect(errorTriples(res.body.errors)).toEqual(MIXED_ERRORS);
    expect(res.body.errors[0].message).toBe('the same phone number is already on line 2');
    expect(res.body.errors[7].message).toBe('the same phone number is already on line 4');
  });

  it('reads a raw text/csv body the same way, with its options in the query string', async () => {
    const res = await authed(makeApp())
      .post('/api/v1/bulk/import/validate')
      .query({ agentId: 'agent_known' })
      .set('Content-Type', 'text/csv')
      .send(MIXED.replace(/\n/g, '\r\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(MIXED_SUMMARY);
    expect(errorTriples(res.body.errors)).toEqual(MIXED_ERRORS);
  });

  it('reports a valid file as valid', async () => {
    const csv = csvLines('phone,customer_name', '+919876543210,Asha', '+919876543211,Ravi');
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').query({ agentId: 'agent_known' }).type('text/csv').send(csv);
    expect(res.body).toEqual({ ...MIXED_SUMMARY, valid: true, totalRows: 2, validRows: 2, invalidRows: 0, duplicateRows: 0, columns: ['phone_number', 'customer_name'], variables: ['customer_name'], errors: [] });
  });

  it('checks rows without agent_id against the default agent, and asks for one when there is none', async () => {
    const csv = csvLines('phone', '+919876543210', '+919876543211');
    const unknown = await authed(makeApp()).post('/api/v1/bulk/import/validate').query({ agentId: 'agent_ghost' }).type('text/csv').send(csv);
    expect(errorTriples(unknown.body.errors)).toEqual([
      [2, 'agent_id', 'AGENT_UNKNOWN'],
      [3, 'agent_id', 'AGENT_UNKNOWN'],
    ]);
    const none = await authed(makeApp()).post('/api/v1/bulk/import/validate').type('text/csv').send(csv);
    expect(errorTriples(none.body.errors)).toEqual([
      [2, 'agent_id', 'AGENT_MISSING'],
      [3, 'agent_id', 'AGENT_MISSING'],
    ]);
  });

  it('reports a header without a phone column once, at line 1', async () => {
    const csv = csvLines('name,amount', 'Asha,100', 'Ravi,200');
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').attach('file', Buffer.from(csv), 'contacts.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, totalRows: 0, validRows: 0, invalidRows: 0, columns: ['name', 'amount'], variables: [] });
    expect(errorTriples(res.body.errors)).toEqual([[1, 'phone_number', 'HEADER_MISSING_PHONE']]);
  });

  it('reports more variable columns than allowed, and names it cannot use, at line 1', async () => {
    const csv = csvLines('phone,a,b,c,d,2nd', '+919876543210,1,2,3,4,5');
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').type('text/csv').query({ agentId: 'agent_known' }).send(csv);
    expect(errorTriples(res.body.errors)).toEqual([
      [1, '2nd', 'COLUMN_NAME_INVALID'],
      [1, null, 'TOO_MANY_VARIABLES'],
    ]);
  });

  it('shows at most 500 errors and says so', async () => {
    const rows = Array.from({ length: 260 }, (_, i) => `bad${i},x`);
    const app = makeApp({ BULK_MAX_ROWS: '1000', BULK_MAX_UPLOAD_BYTES: '100000' });
    const res = await authed(app).post('/api/v1/bulk/import/validate').type('text/csv').send(csvLines('phone,priority', ...rows));
    expect(res.body).toMatchObject({ totalRows: 260, invalidRows: 260, errorsTruncated: true });
    expect(res.body.errors).toHaveLength(500);
  });

  it('refuses more rows than BULK_MAX_ROWS with 413', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => `+91987654321${i}`);
    const res = await authed(makeApp({ BULK_MAX_ROWS: '3' }))
      .post('/api/v1/bulk/import/validate')
      .field('agentId', 'agent_known')
      .attach('file', Buffer.from(csvLines('phone', ...rows)), 'contacts.csv');
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'TOO_MANY_ROWS', details: { maxRows: 3 } });
  });

  it('refuses an upload larger than BULK_MAX_UPLOAD_BYTES with 413, multipart or raw', async () => {
    const big = csvLines('phone,notes', ...Array.from({ length: 300 }, (_, i) => `+9198765${String(i).padStart(5, '0')},${'n'.repeat(30)}`));
    expect(big.length).toBeGreaterThan(8192);
    const multipart = await authed(makeApp({ BULK_MAX_ROWS: '1000' }))
      .post('/api/v1/bulk/import/validate')
      .attach('file', Buffer.from(big), 'contacts.csv');
    expect(multipart.status).toBe(413);
    expect(multipart.body.error).toMatchObject({ code: 'UPLOAD_TOO_LARGE', details: { maxBytes: 8192 } });
    const raw = await authed(makeApp({ BULK_MAX_ROWS: '1000' })).post('/api/v1/bulk/import/validate').type('text/csv').send(big);
    expect(raw.status).toBe(413);
    expect(raw.body.error.code).toBe('UPLOAD_TOO_LARGE');
  });

  it('refuses malformed CSV with the line of the broken row', async () => {
    const csv = csvLines('phone,name', '+919876543210,Asha', '+919876543211,"Ravi', '+919876543212,Mira');
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').attach('file', Buffer.from(csv), 'contacts.csv');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'CSV_MALFORMED', details: { line: 3, reason: 'CSV_QUOTE_NOT_CLOSED' } });
    expect(res.body.error.message).toContain('line 3');
  });

  it.each([
    ['an empty file', ''],
    ['a header only', 'phone,name\n'],
  ])('refuses %s with 400 CSV_EMPTY', async (_name, csv) => {
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').attach('file', Buffer.from(csv), 'contacts.csv');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CSV_EMPTY');
  });

  it('refuses a body that is neither multipart nor CSV with 415', async () => {
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').send({ phone: '+919876543210' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a form without a file, a field after the file, and a second file', async () => {
    const app = makeApp();
    const csv = Buffer.from(csvLines('phone', '+919876543210'));
    const noFile = await authed(app).post('/api/v1/bulk/import/validate').field('agentId', 'agent_known');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('FILE_MISSING');
    const late = await authed(app).post('/api/v1/bulk/import/validate').attach('file', csv, 'contacts.csv').field('agentId', 'agent_known');
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('FIELD_AFTER_FILE');
    const two = await authed(app).post('/api/v1/bulk/import/validate').attach('file', csv, 'a.csv').attach('other', csv, 'b.csv');
    expect(two.status).toBe(400);
    expect(two.body.error.code).toBe('TOO_MANY_FILES');
  });

  it('refuses a form cut off before its closing boundary with 400 MALFORMED_MULTIPART', async () => {
    const cutOff = '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\n\r\nphone\n+919876543210\n';
    const res = await authed(makeApp()).post('/api/v1/bulk/import/validate').set('Content-Type', 'multipart/form-data; boundary=XYZ').send(cutOff);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_MULTIPART');
  });

  it('refuses unknown or malformed options with 400', async () => {
    const app = makeApp();
    const csv = Buffer.from(csvLines('phone', '+919876543210'));
    const unknown = await authed(app).post('/api/v1/bulk/import/validate').field('agent', 'agent_known').attach('file', csv, 'contacts.csv');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_ERROR');
    const badId = await authed(app).post('/api/v1/bulk/import/validate').query({ agentId: 'no spaces please' }).type('text/csv').send(csv);
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/v1/bulk/import/parse', () => {
  it('previews the first valid contacts with E.164 numbers, and logs no number in full', async () => {
    const res = await authed(makeApp())
      .post('/api/v1/bulk/import/parse')
      .field('agentId', 'agent_known')
      .field('previewRows', '5')
      .attach('file', Buffer.from(MIXED), 'contacts 9876543210.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(MIXED_SUMMARY);
    expect(errorTriples(res.body.errors)).toEqual(MIXED_ERRORS);
    expect(res.body.preview).toEqual([
      {
        line: 2,
        phoneNumber: '+919876543210',
        agentId: 'agent_known',
        scheduledFor: '2027-01-15T05:00:00.000Z',
        timezone: null,
        priority: 'high',
        variables: { customer_name: 'Asha Rao', notes: 'first line second line' },
        legalTimezones: ['Asia/Kolkata'],
      },
      {
        line: 4,
        phoneNumber: '+919876543211',
        agentId: 'agent_known',
        scheduledFor: '2027-01-15T10:30:00.000Z',
        timezone: 'America/New_York',
        priority: 'low',
        variables: { customer_name: 'Ravi' },
        // A New York zone for an Indian number narrows its legal window: both must be open.
        legalTimezones: ['Asia/Kolkata', 'America/New_York'],
      },
    ]);
    const logs = logLines.join('\n');
    expect(logs).toContain('bulk import checked');
    expect(logs).not.toMatch(/98765\s*4321/);
  });

  it('previews 20 contacts by default and at most 100', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `+9198765432${String(i).padStart(2, '0')}`);
    const csv = Buffer.from(csvLines('phone', ...rows));
    const app = makeApp();
    const byDefault = await authed(app).post('/api/v1/bulk/import/parse').field('agentId', 'agent_known').attach('file', csv, 'contacts.csv');
    expect(byDefault.body).toMatchObject({ valid: true, totalRows: 30 });
    expect(byDefault.body.preview).toHaveLength(20);
    const tooMany = await authed(app).post('/api/v1/bulk/import/parse').query({ agentId: 'agent_known', previewRows: '101' }).type('text/csv').send(csv);
    expect(tooMany.status).toBe(400);
  });
});

describe('GET /api/v1/bulk/template', () => {
  it('downloads a CSV template that validates once its agent exists', async () => {
    const app = makeApp();
    const res = await authed(app).get('/api/v1/bulk/template');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename=ringline-contacts-template.csv');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('phone_number,agent_id,scheduled_time,timezone,priority,customer_name,amount_due');
    expect(lines).toHaveLength(3);

    const check = await authed(app).post('/api/v1/bulk/import/validate').query({ agentId: 'agent_known' }).type('text/csv').send(res.text);
    expect(check.body).toMatchObject({ valid: true, totalRows: 2, variables: ['customer_name', 'amount_due'] });
  });

  it('describes the columns as JSON', async () => {
    const res = await authed(makeApp()).get('/api/v1/bulk/template').query({ format: 'json' });
    expect(res.status).toBe(200);
    expect(res.body.columns.map((column: { name: string }) => column.name)).toEqual(['phone_number', 'agent_id', 'scheduled_time', 'timezone', 'priority']);
    expect(res.body.columns[0]).toMatchObject({ required: true, aliases: expect.arrayContaining(['phone', 'mobile']), description: expect.any(String) });
    expect(res.body.header).toEqual(['phone_number', 'agent_id', 'scheduled_time', 'timezone', 'priority', 'customer_name', 'amount_due']);
    expect(res.body.limits).toEqual({ maxRows: 50, maxUploadBytes: 8192 });
    expect(res.body.variables).toMatchObject({ maxVariables: 3, maxVariableChars: 40 });
  });
});

describe('100,000 rows', () => {
  const NOTE = 'Reminder about the renewal of the annual policy: mention the grace period and the amount and the helpline.';

  let bytes = 0;
  /** Generated in chunks of rows, as they would arrive from a socket: the file never exists as a whole, in the test either. */
  function* contactsCsv(rows: number): Generator<string> {
    let chunk = 'phone_number,scheduled_time,priority,customer_name,amount_due,notes\n';
    for (let i = 0; i < rows; i += 1) {
      chunk += `+9198${String(i).padStart(8, '0')},2027-01-15 10:30,high,Customer ${i},${i}.50,${NOTE}\n`;
      if (chunk.length >= 64 * 1024 || i === rows - 1) {
        bytes += chunk.length;
        yield chunk;
        chunk = '';
      }
    }
  }

  it('streams through the reader with memory that does not grow with the file', async () => {
    // A full collection before each reading, so that the figures are what is retained, not garbage not yet collected.
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const config = parseConfig({ ...secrets, BULK_MAX_ROWS: '100000', BULK_MAX_UPLOAD_BYTES: String(200 * 1024 * 1024), BULK_MAX_VARIABLE_CHARS: '200' });
    const source = Readable.from(contactsCsv(100_000));
    let agentLookups = 0;

    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let validRows = 0;
    let invalidRows = 0;
    for await (const item of readContactsCsv(source, {
      rules: contactRules(config, callingPolicyFor(config, 'org_default'), null),
      maxRows: config.BULK_MAX_ROWS,
      maxBytes: config.BULK_MAX_UPLOAD_BYTES,
      defaultAgentId: 'agent_known',
      agentExists: async (id) => {
        agentLookups += 1;
        return (await Agent.exists({ _id: id, active: true })) !== null;
      },
    })) {
      if (item.ok) validRows += 1;
      else invalidRows += 1;
    }
    collectGarbage();
    const retained = process.memoryUsage().heapUsed - before;

    expect({ validRows, invalidRows, agentLookups }).toEqual({ validRows: 100_000, invalidRows: 0, agentLookups: 1 });
    expect(bytes).toBeGreaterThan(15_000_000);
    // What stays is the first line of each number (for duplicates), well under the file itself.
    expect(retained).toBeLessThan(bytes);
    expect(retained).toBeLessThan(40 * 1024 * 1024);
  });
});
