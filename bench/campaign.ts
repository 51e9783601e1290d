import { parseArgs } from 'node:util';
import { Agent } from '../db/models/agent';
import { freePort } from '../scripts/infra/free-port';
import { createExotelSimulator } from '../sim/exotel/simulator';
import { campaignWorkflowId } from '../workflows/messages';
import { readLineBookCounters } from './line-book-counters';
import { benchConfig, quietLogger, startBenchInfra, startRinglineInProcess, type BenchInfra } from './bench-infra';
import { runHistoryLengths } from './run-histories';
import { EXOTEL_LIMIT_PER_MINUTE, limitedRunSummary, maxInWindow, percentile, printFigure, rate, round, steadyRate } from './figures';

/**
 * `npm run bench:campaign -- --contacts N`: one CSV of N contacts uploaded to /bulk/import/process,
 * run as a campaign against the Exotel simulator with instant outcomes (every callee busy at once,
 * no retry), twice:
 *   (a) throttles off: the campaign's maxConcurrent at its ceiling, line limit and simulator limits
 *       lifted — how fast Ringline itself dispatches;
 *   (b) the real 200 requests/min Exotel limit — dispatch must sit at the limit without a 429.
 * Reports dispatch rate, peak RSS of the process that runs API and workers, the largest workflow
 * history seen (campaign runs and a sample of its calls), gate permits/s, and whether every contact
 * was dialled exactly once.
 */
const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    'limited-contacts': { type: 'string', default: '400' },
    'skip-limited': { type: 'boolean', default: false },
  },
});

interface RunResult {
  name: string;
  contacts: number;
  importSec: number;
  dispatchPerSec: number;
  steadyDispatchPerSec: number;
  maxDialsIn60s: number;
  /** Sorted, for the limited run's SUMMARY fields. */
  dialTimes: number[];
  wallSec: number;
  maxCampaignHistoryEvents: number;
  campaignRuns: number;
  maxCallHistoryEvents: number;
  gatePermitsPerSec: number;
  rateLimited: number;
  peakRssMb: number;
  calledExactlyOnce: boolean;
}

async function main(): Promise<void> {
  const infra = await startBenchInfra();
  const rss = sampleRss();
  try {
    const results: RunResult[] = [];
    results.push(await run('throttles-off', Number(args.contacts), { infra, limitPerMinute: 0, rss }));
    if (!args['skip-limited']) results.push(await run('limited-200rpm', Number(args['limited-contacts']), { infra, limitPerMinute: EXOTEL_LIMIT_PER_MINUTE, rss }));

    process.stdout.write('\nrun              contacts  import s  dispatch/s  steady/s  max/60s  wall s  campaign runs  max events (campaign/call)  permits/s  429s  peak RSS MB  exactly once\n');
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(16)} ${String(r.contacts).padStart(8)}  ${r.importSec.toFixed(1).padStart(8)}  ${r.dispatchPerSec.toFixed(2).padStart(10)}  ${r.steadyDispatchPerSec.toFixed(2).padStart(8)}  ${String(r.maxDialsIn60s).padStart(7)}  ` +
          `${r.wallSec.toFixed(0).padStart(6)}  ${String(r.campaignRuns).padStart(13)}  ${`${r.maxCampaignHistoryEvents}/${r.maxCallHistoryEvents}`.padStart(26)}  ` +
          `${r.gatePermitsPerSec.toFixed(1).padStart(9)}  ${String(r.rateLimited).padStart(4)}  ${r.peakRssMb.toFixed(0).padStart(11)}  ${String(r.calledExactlyOnce).padStart(12)}\n`,
      );
    }
    const [off, limited] = results;
    const summary = {
      contacts: off.contacts,
      dispatchPerSec: round(off.dispatchPerSec),
      importSec: round(off.importSec),
      maxHistoryEvents: Math.max(...results.map((r) => Math.max(r.maxCampaignHistoryEvents, r.maxCallHistoryEvents))),
      campaignRuns: off.campaignRuns,
      // API and workers share this process in the benchmark: its peak RSS bounds both.
      workerRssMb: round(off.peakRssMb),
      apiRssMb: round(off.peakRssMb),
      gatePermitsPerSec: round(off.gatePermitsPerSec),
      calledExactlyOnce: results.every((r) => r.calledExactlyOnce),
      ...(limited && {
        limitedContacts: limited.contacts,
        limitedDispatchPerMin: round(limited.dispatchPerSec * 60),
        ...limitedRunSummary(limited.dialTimes, limited.rateLimited, EXOTEL_LIMIT_PER_MINUTE),
      }),
    };
    process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  } finally {
    rss.stop();
    await infra.stop();
  }
}

async function run(name: string, contacts: number, deps: { infra: BenchInfra; limitPerMinute: number; rss: RssSampler }): Promise<RunResult> {
  process.stderr.write(`\n▸ ${name}: ${contacts} contacts\n`);
  const { infra } = deps;
  const account = `bench-campaign-${name}`;
  const sim = createExotelSimulator({ logger: quietLogger, accountSid: account, rateLimitPerMinute: deps.limitPerMinute, queuedMs: 0, ringMs: 0, callbackDelayMs: 0 });
  await sim.start(0);
  const apiPort = await freePort();
  const config = benchConfig(
    infra,
    { queuePrefix: `bench-campaign-${name}`, account, apiPort, simUrl: sim.baseUrl, limitPerMinute: deps.limitPerMinute },
    { BULK_MAX_ROWS: String(Math.max(10_000, contacts)), BULK_MAX_UPLOAD_BYTES: String(64 * 1024 * 1024) },
  );
  const ringline = await startRinglineInProcess(infra, config, apiPort);
  deps.rss.reset();
  try {
    const agentId = `agent_bench_campaign_${name}`;
    await Agent.updateOne({ _id: agentId }, { $setOnInsert: { name: 'Bench agent', prompt: 'Benchmark.', greeting: 'Hello.', maxCallDurationSec: 60 } }, { upsert: true });
    // Suffix 001: the simulator's callee is busy at once, so each call ends on its first webhook.
    const csv = ['phone_number,customer_name', ...Array.from({ length: contacts }, (_, i) => `+9190${String(i).padStart(5, '0')}001,Customer ${i}`)].join('\n');
    const query = new URLSearchParams({
      agentId,
      name,
      options: JSON.stringify({ throttle: { maxConcurrent: 500 }, retryPolicy: { rules: { busy: { maxRetries: 0 } } } }),
    });
    const bookBefore = await readLineBookCounters(account);
    const start = Date.now();
    const response = await fetch(`${ringline.apiUrl}/api/v1/bulk/import/process?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${ringline.apiKey}` },
      body: csv,
    });
    const created = (await response.json()) as { batchId?: string; totals?: { accepted: number } };
    if (response.status !== 202 || !created.batchId) throw new Error(`campaign not accepted: ${response.status} ${JSON.stringify(created)}`);
    const importSec = (Date.now() - start) / 1000;
    const batchId = created.batchId;
    process.stderr.write(`  imported ${created.totals?.accepted} contacts in ${importSec.toFixed(1)} s; dispatching…\n`);

    for (;;) {
      const batch = (await (await fetch(`${ringline.apiUrl}/api/v1/bulk/batches/${batchId}`, { headers: { authorization: `Bearer ${ringline.apiKey}` } })).json()) as { status: string; progress: { processed: number; dispatched: number } };
      if (batch.status === 'completed') break;
      process.stderr.write(`  ${batch.progress.dispatched} dispatched, ${batch.progress.processed}/${contacts} processed\r`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const wallSec = (Date.now() - start) / 1000;

    const simCalls = ((await (await fetch(`${sim.baseUrl}/sim/calls`)).json()) as { calls: { createdAt: string; customField: string | null }[] }).calls;
    const stats = (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { rateLimited: number; dialsByCustomField: Record<string, number> };
    const dialTimes = simCalls.map((c) => Date.parse(c.createdAt)).sort((a, b) => a - b);
    const perContact = new Map<string, number>();
    for (const [field, count] of Object.entries(stats.dialsByCustomField)) {
      const callId = field.split(':')[0];
      if (callId.startsWith(`${batchId}-`)) perContact.set(callId, (perContact.get(callId) ?? 0) + count);
    }
    const calledExactlyOnce = perContact.size === contacts && [...perContact.values()].every((n) => n === 1);

    const campaignHistories = await runHistoryLengths(infra.client, campaignWorkflowId(batchId));
    const callSample = [...perContact.keys()].filter((_, i) => i % Math.max(1, Math.floor(contacts / 50)) === 0);
    const callHistories = await Promise.all(callSample.map(async (callId) => (await infra.client.workflow.getHandle(`call-${callId}`).fetchHistory()).events?.length ?? 0));
    const bookAfter = await readLineBookCounters(account);
    const lastDial = dialTimes[dialTimes.length - 1] ?? start;

    const result: RunResult = {
      name,
      contacts,
      importSec,
      dispatchPerSec: rate(dialTimes),
      steadyDispatchPerSec: steadyRate(dialTimes),
      maxDialsIn60s: maxInWindow(dialTimes, 60_000),
      dialTimes,
      wallSec,
      maxCampaignHistoryEvents: Math.max(...campaignHistories),
      campaignRuns: campaignHistories.length,
      maxCallHistoryEvents: Math.max(...callHistories),
      gatePermitsPerSec: (bookAfter.grantsTotal - bookBefore.grantsTotal) / Math.max(0.001, (lastDial - start) / 1000),
      rateLimited: stats.rateLimited,
      peakRssMb: deps.rss.peakMb(),
      calledExactlyOnce,
    };
    printFigure(`campaign.${name}.campaignHistoryEvents.p50`, percentile(campaignHistories, 50));
    for (const [figure, value] of Object.entries(result)) {
      if (typeof value === 'number') printFigure(`campaign.${name}.${figure}`, value);
    }
    return result;
  } finally {
    await ringline.stop();
    await sim.stop();
  }
}

interface RssSampler {
  reset(): void;
  peakMb(): number;
  stop(): void;
}

function sampleRss(): RssSampler {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 250);
  return {
    reset: () => {
      peak = process.memoryUsage().rss;
    },
    peakMb: () => peak / 1024 / 1024,
    stop: () => clearInterval(timer),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
