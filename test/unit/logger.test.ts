import { Writable } from 'node:stream';
import { createLogger } from '../../lib/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('test', { level: 'info', destination }) };
}

describe('createLogger', () => {
  it('writes structured JSON with phone numbers masked in message, fields and bindings', () => {
    const { lines, logger } = capture();
    logger.child({ callee: '+919876543210' }).info({ body: { From: '+918012345678' } }, 'calling +919876543210');
    expect(lines).toHaveLength(1);
    const raw = JSON.stringify(lines[0]);
    expect(raw).not.toMatch(/9876543210|8012345678/);
    expect(lines[0]).toMatchObject({ level: 'info', name: 'test', callee: '***3210', body: { From: '***5678' }, msg: 'calling ***3210' });
  });

  it('masks errors logged as a field or on their own', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error('busy: +919876543210') }, 'dial failed');
    logger.error(new Error('no answer from 9876543210'));
    expect(JSON.stringify(lines)).not.toContain('9876543210');
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'busy: ***3210' }, msg: 'dial failed' });
    expect(lines[1]).toMatchObject({ err: { message: 'no answer from ***3210' }, msg: 'no answer from ***3210' });
  });

  it('caps every logged string, so one huge outside value cannot flood or stall a log line', () => {
    const { lines, logger } = capture();
    const huge = `+919876543210 ${'x'.repeat(1024 * 1024)}`;
    logger.info({ frame: { custom: huge }, list: [huge] }, huge);
    const line = lines[0] as { frame: { custom: string }; list: string[]; msg: string };
    for (const value of [line.frame.custom, line.list[0], line.msg]) {
      expect(value.length).toBeLessThan(4_200);
      expect(value.startsWith('***3210 xxx')).toBe(true);
      expect(value).toMatch(/\[\d+ more characters\]$/);
    }
  });
});

