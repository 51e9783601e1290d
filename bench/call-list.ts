import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callListFilter, listCalls } from '../api/call-list';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { CallLog } from '../db/models/call-log';
import { callListQuerySchema } from '../domain/api-schemas/calls';
import { createdDayOf } from '../domain/created-day';
import { startFerretDb, waitForMongo } from '../scripts/infra/ferretdb';
import { chooseFerretDbStorage, describeStorage, discardFerretDbStorage, withLocalClientPoolLimit } from '../scripts/infra/ferretdb-storage';
import { freePort } from '../scripts/infra/free-port';
import { percentile, printFigure, round } from './figures';

/**
 * `GET /api/v1/calls` on the local database: one organization with many calls spread over many days
 * (and a second organization beside it), each page read by Ringline's listCalls and by the single
 * query it would be on MongoDB, side by side. Usage: npm run bench:call-list -- [--calls 20000] [--days 30] [--runs 5]
 */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const CALLS = option('calls', 20_000);
const DAYS = option('days', 30);
const RUNS = option('runs', 5);
const ORG = 'org_bench';
const END = Date.UTC(2026, 11, 6, 12);
const config = { DEFAULT_COUNTRY: 'IN', ACCOUNT_TIMEZONE: 'Asia/Kolkata' };

const TURN = 'Hello, this is a reminder about your payment due on the fifteenth of this month.';

function row(orgId: string, i: number, total: number) {
  const createdAt = new Date(END - Math.floor((i / total) * DAYS * 86_400_000));
  const id = `${orgId.slice(4, 8)}-${String(i).padStart(7, '0')}`;
  const failed = i % 7 === 0;
  return {
    _id: id,
    callId: id,
    attempt: 1,
    orgId,
    agentId: `agent_${i % 20}`,
    campaignId: `camp_${i % 100}`,
    seriesId: null,
    phoneNumber: `+9198${String(i % 100_000).padStart(8, '0')}`,
    phoneLast4: String(i % 10_000).padStart(4, '0'),
    direction: 'outbound',
    priority: 'medium',
    workflowId: `call-${id}`,
    status: failed ? 'failed' : 'completed',
    finalStatus: failed ? 'failed' : 'completed',
    failureReason: failed ? 'no_answer' : null,
    timings: { dialedAt: createdAt, answeredAt: createdAt, endedAt: createdAt, durationSec: 42 },
    transcript: Array.from({ length: 8 }, (_, turn) => ({ turn, speaker: turn % 2 ? 'caller' : 'bot', text: TURN, startedAt: createdAt, interrupted: false })),
    metadata: {},
    createdAt,
    updatedAt: createdAt,
    createdDay: createdDayOf(createdAt),
  };
}

async function seed(orgId: string, total: number): Promise<void> {
  for (let start = 0; start < total; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, total - start) }, (_, k) => row(orgId, start + k, total));
    await CallLog.collection.insertMany(rows as unknown as Parameters<typeof CallLog.collection.insertMany>[0], { ordered: false });
  }
}

async function timed(work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-bench-'));
  const storage = await chooseFerretDbStorage({ dataDir, database: `ringline_bench_list_${process.pid}` });
  process.stderr.write(`bench database: ${describeStorage(storage)}\n`);
  const mongoPort = await freePort();
  const ferret = startFerretDb({ port: mongoPort, debugPort: await freePort(), storage, output: () => undefined });
  const uri = withLocalClientPoolLimit(`mongodb://127.0.0.1:${mongoPort}/ringline_bench`);
  try {
    await waitForMongo(uri);
    await connectDatabase(uri);
    await CallLog.init();
    const seedStarted = performance.now();
    await seed(ORG, CALLS);
    await seed('org_other', Math.ceil(CALLS / 4));
    process.stderr.write(`seeded ${CALLS} + ${Math.ceil(CALLS / 4)} calls over ${DAYS} days in ${round((performance.now() - seedStarted) / 1000)} s\n`);

    const firstPage = await listCalls({ orgId: ORG }, callListQuerySchema.parse({}), config);
    const cases: [string, Record<string, string>][] = [
      ['whole list', {}],
      ['whole list, second page', { cursor: firstPage.nextCursor ?? '' }],
      ['status=failed', { status: 'failed' }],
      ['one agent', { agentId: 'agent_3' }],
      ['one campaign', { campaignId: 'camp_42' }],
      ['one number', { phoneNumber: '+919800000042' }],
      ['one day, given', { from: '2026-11-20', to: '2026-11-20' }],
    ];
    const summary: Record<string, { listCallsP50Ms: number; listCallsMaxMs: number; oneQueryP50Ms: number; oneQueryMaxMs: number }> = {};
    process.stdout.write(`${'page'.padEnd(26)} ${'listCalls p50/max ms'.padStart(22)} ${'one query p50/max ms'.padStart(22)}\n`);
    for (const [name, raw] of cases) {
      const query = callListQuerySchema.parse(raw);
      const shipped = await timed(() => listCalls({ orgId: ORG }, query, config));
      const single = await timed(() => CallLog.find(callListFilter({ orgId: ORG }, query, config)).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean());
      const figures = {
        listCallsP50Ms: round(percentile(shipped, 50)),
        listCallsMaxMs: round(Math.max(...shipped)),
        oneQueryP50Ms: round(percentile(single, 50)),
        oneQueryMaxMs: round(Math.max(...single)),
      };
      summary[name] = figures;
      process.stdout.write(`${name.padEnd(26)} ${`${figures.listCallsP50Ms} / ${figures.listCallsMaxMs}`.padStart(22)} ${`${figures.oneQueryP50Ms} / ${figures.oneQueryMaxMs}`.padStart(22)}\n`);
      printFigure(`${name} listCalls p50`, figures.listCallsP50Ms, 'ms');
    }
    process.stdout.write(`SUMMARY ${JSON.stringify({ database: storage.kind, calls: CALLS, days: DAYS, runs: RUNS, pages: summary })}\n`);
  } finally {
    await disconnectDatabase();
    await ferret.stop();
    await discardFerretDbStorage(storage);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
