import { createRecordWriter, formatJson, formatPretty, parseLogLine } from '../../scripts/stack/log-records';

const NOW = new Date('2026-12-04T10:00:00.000Z');

describe('parseLogLine', () => {
  test.each([
    [
      'a pino line keeps its level, message and own fields, not its housekeeping',
      '{"level":"info","time":"2026-12-04T09:59:59.500Z","pid":7,"name":"api","msg":"request","method":"GET","status":200}',
      { time: '2026-12-04T09:59:59.500Z', level: 'info', msg: 'request', fields: { method: 'GET', status: 200 } },
    ],
    [
      'numeric pino levels are named',
      '{"level":50,"time":1764842400000,"msg":"boom"}',
      { time: '2025-12-04T10:00:00.000Z', level: 'error', msg: 'boom', fields: {} },
    ],
    [
      "the Temporal CLI's logfmt",
      'time=2026-12-04T09:59:58.000Z level=ERROR msg="failed starting server: no such file" component=server',
      { time: '2026-12-04T09:59:58.000Z', level: 'error', msg: 'failed starting server: no such file', fields: { component: 'server' } },
    ],
    [
      "FerretDB's zap console lines",
      '2026-12-04T16:05:00.398Z\tERROR\tpostgresql/collection.go:157\tQuery\t{"err":{"Code":"23505","Message":"duplicate key value"},"sql":"INSERT"}',
      { time: '2026-12-04T16:05:00.398Z', level: 'error', msg: 'Query', fields: { caller: 'postgresql/collection.go:157', error: 'duplicate key value', sql: 'INSERT' } },
    ],
    ['plain text', 'Stopping server...', { time: NOW.toISOString(), level: 'info', msg: 'Stopping server...', fields: {} }],
    ['JSON that is not an object is text', '[1,2]', { time: NOW.toISOString(), level: 'info', msg: '[1,2]', fields: {} }],
    ['broken JSON is text', '{"level":"info", "msg": ', { time: NOW.toISOString(), level: 'info', msg: '{"level":"info", "msg":', fields: {} }],
  ])('%s', (_name, line, expected) => {
    expect(parseLogLine('p', line, NOW)).toEqual({ process: 'p', ...expected });
  });
});

describe('formatting', () => {
  const record = {
    time: '2026-12-04T09:59:59.500Z',
    process: 'api',
    level: 'warn',
    msg: 'request',
    fields: { method: 'POST', path: '/api/v1/calls/outbound', status: 429, transcript: [{ text: 'long' }], err: { type: 'Error', message: 'too many' } },
  };

  test('pretty: time, process, level, message and a few scalar fields; errors by their message, objects left out', () => {
    const line = formatPretty(record, { color: false });
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.500 api {11}warn {2}request method=POST path=\/api\/v1\/calls\/outbound status=429 err="Error: too many"$/);
  });

  test('pretty lines carry no color codes unless asked', () => {
    expect(formatPretty(record, { color: false })).not.toContain('\x1b[');
    expect(formatPretty(record, { color: true, processColor: 36 })).toContain('\x1b[36mapi');
  });

  test('long values are cut', () => {
    const line = formatPretty({ ...record, fields: { note: 'x'.repeat(500) } }, { color: false });
    expect(line.length).toBeLessThan(200);
    expect(line).toContain('…');
  });

  test('JSON: one object a line with every field and the process', () => {
    expect(JSON.parse(formatJson(record))).toEqual({
      time: record.time,
      level: 'warn',
      process: 'api',
      msg: 'request',
      ...record.fields,
    });
  });

  test('a writer in JSON form never writes a line that is not JSON', () => {
    const lines: string[] = [];
    const write = createRecordWriter('json', (line) => lines.push(line), false);
    for (const raw of ['plain', '{"level":"info","msg":"x"}', 'time=1 level=INFO msg="y"']) write(parseLogLine('p', raw, NOW));
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['plain', 'x', 'y']);
  });
});
