import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { formatServerSentEvent } from '../../api/live/event-stream';
import { LiveUpdates } from '../../api/live/live-updates';
import { SharedWatch } from '../../api/live/shared-watch';
import { errorHandler } from '../../api/middleware/error-handler';
import type { Principal } from '../../domain/access-control';
import { EventStreamClient } from '../helpers/event-stream-client';
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

describe('LiveUpdates streams on a real HTTP server', () => {
  const logger = createLogger('live-test', { level: 'silent' });
  let server: Server;
  let base: string;
  let live: LiveUpdates;

  beforeAll(async () => {
    live = new LiveUpdates({ pollMs: 1_000, streamsPerKey: 2, streamsTotal: 3, heartbeatMs: 50, maxDurationMs: 400, retryMs: 3_000 }, logger);
    const app = express();
    // A stream per request, for the key named in the path; it only says hello, so the limits and timing show.
    app.get('/streams/:keyId', (req, res) => {
      const principal: Principal = { keyId: req.params.keyId, orgId: 'org_test', role: 'admin', agentIds: [], via: 'key' };
      live.openStream(principal, res).send({ event: 'hello', data: { keyId: principal.keyId } });
    });
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    live.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = (keyId: string) => EventStreamClient.open(`${base}/streams/${keyId}`, {});

  it('holds a key to its share (429) and the process to its total (503 with Retry-After); a closed stream frees its place', async () => {
    const a1 = await open('a');
    const a2 = await open('a');
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect(await open('a')).toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_STREAMS', details: { limit: 2 } } } });
    const b1 = await open('b');
    expect(b1.status).toBe(200);
    const refused = await fetch(`${base}/streams/c`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('STREAMS_EXHAUSTED');
    expect(live.openStreams).toBe(3);
    b1.client!.abort();
    await until(() => live.openStreams === 2);
    const c1 = await open('c');
    expect(c1.status).toBe(200);
    for (const answer of [a1, a2, c1]) answer.client!.abort();
    await until(() => live.openStreams === 0);
  });

  it('starts with the retry hint, keeps an idle stream alive with heartbeats, and ends it after its maximum duration', async () => {
    const started = Date.now();
    const { client } = await open('d');
    await client!.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(client!.retryMs).toBe(3_000);
    expect(client!.events.map((e) => e.event)).toEqual(['hello']);
    expect(client!.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    await until(() => live.openStreams === 0);
  });

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
});
