import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { ExotelApi } from '../../activities/exotel-api';
import { createExotelActivities } from '../../activities/exotel';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { DndLookup } from '../../db/models';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { isDndEntryFresh, type DndCheckResult } from '../../domain/dnd';
import { createLogger } from '../../lib/logger';
import { freePort } from '../../scripts/infra/free-port';
import { createExotelSimulator, type ExotelSimulator } from '../../sim/exotel/simulator';
import { testDatabaseUri } from '../helpers/test-infra';

describe('isDndEntryFresh', () => {
  const checkedAt = new Date('2026-11-23T10:00:00Z');
  const at = (offsetSec: number) => new Date(checkedAt.getTime() + offsetSec * 1000);

  it('is fresh until the TTL has passed, and stale from then on', () => {
    expect(isDndEntryFresh(checkedAt, 60, at(0))).toBe(true);
    expect(isDndEntryFresh(checkedAt, 60, at(59.999))).toBe(true);
    expect(isDndEntryFresh(checkedAt, 60, at(60))).toBe(false);
  });

  it('does not let an entry dated in the future stay fresh for more than the TTL', () => {
    expect(isDndEntryFresh(checkedAt, 60, at(-30))).toBe(true);
    expect(isDndEntryFresh(checkedAt, 60, at(-3600))).toBe(false);
  });
});

/** The real Exotel client against the Exotel simulator, with the cache on the test database. */
describe('checkDnd activity', () => {
  const DND_NUMBER = '+919876543008';
  const PLAIN_NUMBER = '+919876543000';
  const TTL_SEC = 3600;
  const config = parseConfig({ ...generateSecrets(), DND_CACHE_TTL_SEC: String(TTL_SEC) });
  let sim: ExotelSimulator;
  let logs: LogEntry[];

  const apiFor = (overrides: Partial<ConstructorParameters<typeof ExotelApi>[0]> = {}) =>
    new ExotelApi({ baseUrl: sim.baseUrl, accountSid: 'ringline-sim', apiKey: 'sim-key', apiToken: 'sim-token', timeoutMs: 2_000, ...overrides });
  const checkDnd = (phoneNumber: string, api = apiFor()): Promise<DndCheckResult> =>
    new MockActivityEnvironment(undefined, { logger: new DefaultLogger('TRACE', (entry) => logs.push(entry)) }).run(
      createExotelActivities(api, config).checkDnd,
      phoneNumber,
    );
  const exotelRequests = async () => ((await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { apiRequests: number }).apiRequests;
  const injectFaults = async (faults: object) => {
    const res = await fetch(`${sim.baseUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    expect(res.ok).toBe(true);
  };
  const failureOf = async (promise: Promise<unknown>): Promise<ApplicationFailure> => {
    const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  };

  beforeAll(async () => {
    await connectDatabase(testDatabaseUri('dnd-check'));
    sim = createExotelSimulator({ logger: createLogger('exotel-sim', { level: 'silent' }), rateLimitPerMinute: 0 });
    await sim.start(0);
  });
  afterAll(async () => {
    await sim?.stop();
    await mongoose.connection.db?.dropDatabase();
    await disconnectDatabase();
  });
  beforeEach(async () => {
    sim.reset();
    logs = [];
    await DndLookup.deleteMany({});
  });
  afterEach(() => {
    jest.restoreAllMocks();
    // Whatever a test logged, no number may appear in full (the activity logs only the last 4 digits).
    expect(JSON.stringify(logs.map(({ message, meta }) => ({ message, meta })))).not.toMatch(/9876543/);
  });

  it('asks Exotel: DND Yes for a …008 number, No for a …000 number, and caches both', async () => {
    const before = Date.now();
    const dnd = await checkDnd(DND_NUMBER);
    const plain = await checkDnd(PLAIN_NUMBER);
    expect(dnd).toEqual({ dnd: true, source: 'exotel', checkedAt: expect.any(String) });
    expect(plain).toEqual({ dnd: false, source: 'exotel', checkedAt: expect.any(String) });
    expect(Date.parse(dnd.checkedAt)).toBeGreaterThanOrEqual(before);
    expect(await exotelRequests()).toBe(2);
    const cached = await DndLookup.find({}).sort({ _id: 1 }).lean();
    expect(cached.map(({ _id, dnd: flag, checkedAt }) => ({ _id, dnd: flag, checkedAt: checkedAt.toISOString() }))).toEqual([
      { _id: PLAIN_NUMBER, dnd: false, checkedAt: plain.checkedAt },
      { _id: DND_NUMBER, dnd: true, checkedAt: dnd.checkedAt },
    ]);
  });

  it('answers from the cache within the TTL without asking Exotel', async () => {
    const first = await checkDnd(DND_NUMBER);
    const second = await checkDnd(DND_NUMBER);
    expect(second).toEqual({ dnd: true, source: 'cache', checkedAt: first.checkedAt });
    expect(await exotelRequests()).toBe(1);
  });

  it('asks Exotel again once the entry is older than the TTL, and rewrites the same entry', async () => {
    await checkDnd(DND_NUMBER);
    const expired = new Date(Date.now() - (TTL_SEC + 1) * 1000);
    await DndLookup.updateOne({ _id: DND_NUMBER }, { $set: { checkedAt: expired } });

    const again = await checkDnd(DND_NUMBER);
    expect(again).toMatchObject({ dnd: true, source: 'exotel' });
    expect(await exotelRequests()).toBe(2);
    expect(await DndLookup.countDocuments({ _id: DND_NUMBER })).toBe(1);
    expect((await DndLookup.findById(DND_NUMBER).lean())?.checkedAt.toISOString()).toBe(again.checkedAt);
    expect(await checkDnd(DND_NUMBER)).toMatchObject({ source: 'cache', checkedAt: again.checkedAt });
  });

  it('fails for good on wrong credentials (401), with the dial path\'s configuration error', async () => {
    const failure = await failureOf(checkDnd(PLAIN_NUMBER, apiFor({ apiToken: 'wrong' })));
    expect(failure).toMatchObject({ type: 'ExotelConfigurationError', nonRetryable: true });
    expect(await DndLookup.countDocuments({})).toBe(0);
  });

  it('fails for good with InvalidNumber when Exotel refuses the number (400)', async () => {
    const failure = await failureOf(checkDnd('+9198765'));
    expect(failure).toMatchObject({ type: 'InvalidNumber', nonRetryable: true });
  });

  describe('against an Exotel that answers 404 for the number', () => {
    let server: Server;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RestException: { Status: 404, Message: `${decodeURIComponent(req.url ?? '')} not found`, Code: 40400 } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fails for good with InvalidNumber, and keeps the number out of the failure message', async () => {
      const { port } = server.address() as AddressInfo;
      const failure = await failureOf(checkDnd(PLAIN_NUMBER, apiFor({ baseUrl: `http://127.0.0.1:${port}` })));
      expect(failure).toMatchObject({ type: 'InvalidNumber', nonRetryable: true });
      expect(failure.message).toContain('***3000');
      expect(failure.message).not.toContain('9876543000');
    });
  });

  it.each([429, 503])('leaves Exotel answering %i to Temporal\'s retries', async (status) => {
    await injectFaults({ api: [{ action: 'status', status, endpoint: 'number-metadata', count: 1 }] });
    const failure = await failureOf(checkDnd(PLAIN_NUMBER));
    expect(failure).toMatchObject({ type: 'ExotelApiError', nonRetryable: false });
    expect(await DndLookup.countDocuments({})).toBe(0);
    expect(await checkDnd(PLAIN_NUMBER)).toMatchObject({ dnd: false, source: 'exotel' });
  });

  it('leaves a connection that was never made to Temporal\'s retries', async () => {
    const closedPort = await freePort();
    const failure = await failureOf(checkDnd(PLAIN_NUMBER, apiFor({ baseUrl: `http://127.0.0.1:${closedPort}` })));
    expect(failure).toMatchObject({ type: 'ExotelApiError', nonRetryable: false });
  });

  it('keeps Exotel\'s answer when the cache write fails, and logs a masked warning', async () => {
    jest.spyOn(DndLookup, 'updateOne').mockRejectedValueOnce(new Error(`write refused for ${DND_NUMBER}`));
    expect(await checkDnd(DND_NUMBER)).toMatchObject({ dnd: true, source: 'exotel' });
    const warning = logs.find((entry) => entry.level === 'WARN');
    expect(warning?.message).toMatch(/not written/);
    expect(warning?.meta).toMatchObject({ phoneLast4: '3008', error: expect.stringContaining('***3008') });
  });

  it('asks Exotel when the cache cannot be read', async () => {
    jest.spyOn(DndLookup, 'findById').mockImplementationOnce(() => {
      throw new Error('database unreachable');
    });
    expect(await checkDnd(DND_NUMBER)).toMatchObject({ dnd: true, source: 'exotel' });
    expect(logs.some((entry) => entry.level === 'WARN' && /unreadable/.test(entry.message))).toBe(true);
  });
});
