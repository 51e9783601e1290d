import { formatServerSentEvent } from '../../api/live/event-stream';
import { SharedWatch } from '../../api/live/shared-watch';
import { createLogger } from '../../lib/logger';
import { compareTurnPositions, parseTurnEventId, turnEventId, turnsAfter } from '../../domain/turn-event-id';

describe('turn event ids', () => {
  it.each([
    [{ attempt: 1, turn: 1 }, '1.1'],
    [{ attempt: 2, turn: 17 }, '2.17'],
  ])('%j is written %s and read back', (position, id) => {
    expect(turnEventId(position)).toBe(id);
    expect(parseTurnEventId(id)).toEqual(position);
  });

  it.each([undefined, '', 'abc', '1', '1.', '.1', '0.1', '1.0', '1.2.3', '-1.2', '1.2x', '1234567890.1'])('%p names no turn', (text) => {
    expect(parseTurnEventId(text)).toBeNull();
  });

  it('orders by attempt, then turn', () => {
    expect(compareTurnPositions({ attempt: 1, turn: 9 }, { attempt: 2, turn: 1 })).toBeLessThan(0);
    expect(compareTurnPositions({ attempt: 2, turn: 3 }, { attempt: 2, turn: 2 })).toBeGreaterThan(0);
    expect(compareTurnPositions({ attempt: 2, turn: 2 }, { attempt: 2, turn: 2 })).toBe(0);
  });

  const turns = [
    { attempt: 2, turn: 1 },
    { attempt: 1, turn: 2 },
    { attempt: 1, turn: 1 },
    { attempt: 2, turn: 2 },
  ];
  it.each([
    [null, ['1.1', '1.2', '2.1', '2.2']],
    [{ attempt: 1, turn: 1 }, ['1.2', '2.1', '2.2']],
    [{ attempt: 1, turn: 2 }, ['2.1', '2.2']],
    [{ attempt: 1, turn: 7 }, ['2.1', '2.2']],
    [{ attempt: 2, turn: 2 }, []],
  ])('after %j come %j, in spoken order', (cursor, expected) => {
    expect(turnsAfter(turns, cursor).map(turnEventId)).toEqual(expected);
  });
});

describe('formatServerSentEvent', () => {
  it.each([
    [{ event: 'phase', data: { status: 'ringing' } }, 'event: phase\ndata: {"status":"ringing"}\n\n'],
    [{ event: 'turn', id: '1.2', data: { text: 'two\nlines' } }, 'id: 1.2\nevent: turn\ndata: {"text":"two\\nlines"}\n\n'],
  ])('%j', (event, wire) => {
    expect(formatServerSentEvent(event)).toBe(wire);
  });
});

describe('SharedWatch', () => {
  const logger = createLogger('live-test', { level: 'silent' });
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in 5 s');
      await settle(5);
    }
  }

  it('reads once per tick for all its listeners, and stops when the subject finishes', async () => {
    let reads = 0;
    const watch = new SharedWatch(
      async () => {
        reads += 1;
        return { n: reads, finished: reads === 3 };
      },
      { pollMs: 20, logger, subject: { subject: 'test' }, onIdle: () => undefined },
    );
    const a: number[] = [];
    const b: number[] = [];
    watch.listen((s) => a.push(s.n));
    watch.listen((s) => b.push(s.n));
    await until(() => a.length === 3);
    await settle(50);
    expect(reads).toBe(3);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2, 3]);
    // A listener that comes after the end gets the final state at once, and no read is made for it.
    const late: number[] = [];
    watch.listen((s) => late.push(s.n));
    expect(late).toEqual([3]);
    await settle(50);
    expect(reads).toBe(3);
  });

  it('stops reading and reports idle when its last listener leaves', async () => {
    let reads = 0;
    let idle = 0;
    const watch = new SharedWatch(
      async () => {
        reads += 1;
        return { finished: false };
      },
      { pollMs: 10, logger, subject: { subject: 'test' }, onIdle: () => (idle += 1) },
    );
    const leaveA = watch.listen(() => undefined);
    const leaveB = watch.listen(() => undefined);
    await until(() => reads >= 2);
    leaveA();
    expect(idle).toBe(0);
    leaveB();
    expect(idle).toBe(1);
    const stoppedAt = reads;
    await settle(50);
    expect(reads).toBe(stoppedAt);
  });

  it('keeps the last good state through a failed read and tries again', async () => {
    const answers: (number | Error)[] = [1, new Error('database away'), 2];
    const watch = new SharedWatch(
      async () => {
        const next = answers.shift() ?? 2;
        if (next instanceof Error) throw next;
        return { n: next, finished: next === 2 };
      },
      { pollMs: 10, logger, subject: { subject: 'test' }, onIdle: () => undefined },
    );
    const seen: number[] = [];
    watch.listen((s) => seen.push(s.n));
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
  });
});
