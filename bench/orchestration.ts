import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { Agent } from '../db/models/agent';
import { CallLog } from '../db/models/call-log';
import { freePort } from '../scripts/infra/free-port';
import { createExotelSimulator } from '../sim/exotel/simulator';
import { benchConfig, placeCalls, quietLogger, startBenchInfra, startRinglineInProcess, type BenchInfra } from './bench-infra';
import { callWorkflowId, lineGateWorkflowId } from '../workflows/messages';
import { readLineBookCounters } from './line-book-counters';
import { runHistoryLengths } from './run-histories';
import { historyCost, meanCost, type HistoryCost } from './history-cost';
import { EXOTEL_LIMIT_PER_MINUTE, limitedRunSummary, maxInWindow, percentile, printFigure, rate, round, steadyRate } from './figures';
import { runFloor, type FloorResult } from './floor/floor-run';

/**
 * `npm run bench:orchestration -- --calls N`: N calls through the API → Temporal → the Exotel
 * simulator with instant outcomes (the callee is busy at once and the policy does not retry), twice:
 *   (a) unlimited: Exotel's rate limit lifted on both sides — Ringline's own capacity;
 *   (b) limited: the real 200 requests/min — the dial rate must sit at the limit with no 429. Its
 *       steady rate (the middle 80 % of dials) is printed beside the whole-run rate: the dev server's
 *       queue has 4 partitions, each dispatching a quarter of the limit, and the last tasks of the
 *       fullest one go out alone at that quarter (docs/benchmarks.md).
 * Beside them, unless --skip-floor, the same number of floor workflows (start, one dial activity, one
 * signal back: bench/floor) straight through the Temporal client, so the figures can be read as a
 * ratio to what Temporal alone does on this machine.
 * Everything runs on this machine: a headless in-memory Temporal dev server, FerretDB, the simulator,
 * and the API and workers in this process.
 */
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    'limited-calls': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '64' },
    'skip-limited': { type: 'boolean', default: false },
    'skip-floor': { type: 'boolean', default: false },
  },
});

interface RunResult {
  name: string;
  calls: number;
  acceptedPerSec: number;
  dialsPerSec: number;
  steadyDialsPerSec: number;
  maxDialsIn60s: number;
  /** Sorted, for the limited run's SUMMARY fields. */
  dialTimes: number[];
  acceptP50Ms: number;
  acceptP99Ms: number;
  dialP50Ms: number;
  dialP99Ms: number;
  webhookToStateP50Ms: number;
  webhookToStateP99Ms: number;
  gatePermitsPerSec: number;
  /** The line gate's history events per call, over all its runs (zero when no call had to wait). */
  gateEventsPerCall: number;
  /** Writes of the account's line-book document per call: takes and releases are group-committed. */
  lineBookWritesPerCall: number;
  /** Mean over the sampled calls' own histories (the gate's share is gateEventsPerCall). */
  callCost: HistoryCost;
  rateLimited: number;
  wallSec: number;
}

async function main(): Promise<void> {
  const infra = await startBenchInfra();
  try {
    const deps = { infra };
    const results: RunResult[] = [];
    let floor: FloorResult | undefined;
    if (!args['skip-floor']) {
      process.stderr.write(`\n▸ Temporal floor: ${args.calls} minimal dial-and-webhook workflows\n`);
      floor = await runFloor(infra, Number(args.calls), Number(args.concurrency));
      for (const [figure, value] of Object.entries(floor)) if (typeof value === 'number') printFigure(`orchestration.floor.${figure}`, value);
    }
    results.push(await run('unlimited', Number(args.calls), { ...deps, limitPerMinute: 0 }));
    if (!args['skip-limited']) {
      results.push(await run('limited-200rpm', Number(args['limited-calls']), { ...deps, limitPerMinute: EXOTEL_LIMIT_PER_MINUTE }));
    }

    process.stdout.write('\nrun               calls  accepted/s  dials/s  steady/s  max/60s  accept p50/p99 ms  202→dial p50/p99 ms  webhook→state p50/p99 ms  permits/s  429s\n');
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(17)} ${String(r.calls).padStart(5)}  ${r.acceptedPerSec.toFixed(1).padStart(10)}  ${r.dialsPerSec.toFixed(2).padStart(7)}  ${r.steadyDialsPerSec.toFixed(2).padStart(8)}  ${String(r.maxDialsIn60s).padStart(7)}  ` +
          `${`${r.acceptP50Ms.toFixed(0)}/${r.acceptP99Ms.toFixed(0)}`.padStart(17)}  ${`${r.dialP50Ms.toFixed(0)}/${r.dialP99Ms.toFixed(0)}`.padStart(19)}  ` +
          `${`${r.webhookToStateP50Ms.toFixed(0)}/${r.webhookToStateP99Ms.toFixed(0)}`.padStart(24)}  ${r.gatePermitsPerSec.toFixed(1).padStart(9)}  ${String(r.rateLimited).padStart(4)}\n`,
      );
    }
    const unlimited = results[0];
    const limited = results[1];
    if (floor) {
      process.stdout.write(
        `${'temporal floor'.padEnd(17)} ${String(floor.calls).padStart(5)}  ${floor.startsPerSec.toFixed(1).padStart(10)}  ${floor.dialsPerSec.toFixed(2).padStart(7)}  ${'-'.padStart(8)}  ${'-'.padStart(7)}  ` +
          `${'-'.padStart(17)}  ${`${floor.startToDoneP50Ms.toFixed(0)}/${floor.startToDoneP99Ms.toFixed(0)} (to done)`.padStart(19)}\n`,
      );
      process.stdout.write(`Ringline's dial rate is ${(unlimited.dialsPerSec / floor.dialsPerSec).toFixed(2)}× the floor's on this machine\n`);
    }
    process.stdout.write('\nper call           workflow tasks  history events  activities  local activities  database writes\n');
    const costRows: [string, HistoryCost][] = results.map((r) => [r.name, r.callCost]);
    if (floor) costRows.push(['temporal floor', floor.cost]);
    for (const [name, c] of costRows) {
      process.stdout.write(
        `${name.padEnd(17)} ${c.workflowTasks.toFixed(1).padStart(15)} ${c.events.toFixed(1).padStart(15)} ${c.activities.toFixed(1).padStart(11)} ${c.localActivities.toFixed(1).padStart(17)} ${c.databaseWrites.toFixed(1).padStart(16)}\n`,
      );
    }
    const summary = {
      initiationsPerSec: round(unlimited.dialsPerSec),
      acceptedPerSec: round(unlimited.acceptedPerSec),
      acceptP99Ms: round(unlimited.acceptP99Ms),
      dialP99Ms: round(unlimited.dialP99Ms),
      webhookToStateP99Ms: round(unlimited.webhookToStateP99Ms),
      gatePermitsPerSec: round(unlimited.gatePermitsPerSec),
      gateEventsPerCall: round(unlimited.gateEventsPerCall),
      lineBookWritesPerCall: round(unlimited.lineBookWritesPerCall),
      workflowTasksPerCall: round(unlimited.callCost.workflowTasks),
      eventsPerCall: round(unlimited.callCost.events),
      activitiesPerCall: round(unlimited.callCost.activities),
      localActivitiesPerCall: round(unlimited.callCost.localActivities),
      databaseWritesPerCall: round(unlimited.callCost.databaseWrites),
      ...(floor && {
        floorPerSec: round(floor.dialsPerSec),
        ratioToFloor: round(unlimited.dialsPerSec / floor.dialsPerSec, 3),
        floorWorkflowTasks: floor.cost.workflowTasks,
        floorEvents: floor.cost.events,
      }),
      ...(limited && { limitedDialsPerMin: round(limited.dialsPerSec * 60), ...limitedRunSummary(limited.dialTimes, limited.rateLimited, EXOTEL_LIMIT_PER_MINUTE) }),
    };
    process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  } finally {
    await infra.stop();
  }
}

async function run(name: string, calls: number, deps: { infra: BenchInfra; limitPerMinute: number }): Promise<RunResult> {
  process.stderr.write(`\n▸ ${name}: ${calls} calls\n`);
  const { infra } = deps;
  const account = `bench-${name}`;
  const sim = createExotelSimulator({
    logger: quietLogger,
    accountSid: account,
    rateLimitPerMinute: deps.limitPerMinute,
    queuedMs: 0,
    ringMs: 0,
    callbackDelayMs: 0,
  });
  await sim.start(0);
  const apiPort = await freePort();
  const config = benchConfig(infra, { queuePrefix: `bench-${name}`, account, apiPort, simUrl: sim.baseUrl, limitPerMinute: deps.limitPerMinute });
  const ringline = await startRinglineInProcess(infra, config, apiPort);
  try {
    return await measure(name, calls, { infra, sim, ringline, account });
  } finally {
    await ringline.stop();
    await sim.stop();
  }
}

async function measure(
  name: string,
  calls: number,
  { infra, sim, ringline, account }: { infra: BenchInfra; sim: { baseUrl: string }; ringline: { apiUrl: string; apiKey: string }; account: string },
): Promise<RunResult> {
  const agentId = `agent_bench_${name}`;
  await Agent.updateOne(
    { _id: agentId },
    { $setOnInsert: { name: 'Bench agent', prompt: 'Benchmark.', greeting: 'Hello.', maxCallDurationSec: 60 } },
    { upsert: true },
  );
  const bookBefore = await readLineBookCounters(account);
  const start = Date.now();
  const { acceptedAt, acceptLatencyMs: acceptLatency, seconds: acceptedSec } = await placeCalls(ringline, calls, Number(args.concurrency), (i) => ({
    phoneNumber: `+9190${String(i).padStart(5, '0')}001`,
    agentId,
    retryPolicy: { rules: { busy: { maxRetries: 0 } } },
  }));
  process.stderr.write(`  accepted ${calls} in ${acceptedSec.toFixed(1)} s; waiting for every call to finish…\n`);

  for (;;) {
    const done = await CallLog.countDocuments({ agentId, finalStatus: { $ne: null } });
    if (done >= calls) break;
    await new Promise((r) => setTimeout(r, 500));
    process.stderr.write(`  ${done}/${calls} finished\r`);
  }
  const wallSec = (Date.now() - start) / 1000;

  const simCalls = ((await (await fetch(`${sim.baseUrl}/sim/calls`)).json()) as { calls: { createdAt: string; customField: string | null; sid: string }[] }).calls;
  const stats = (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { rateLimited: number; totalDials: number };
  const dialTimes = simCalls.map((c) => Date.parse(c.createdAt)).sort((a, b) => a - b);
  const dialLatency = simCalls
    .map((c) => {
      const callId = c.customField?.split(':')[0];
      const accepted = callId ? acceptedAt.get(callId) : undefined;
      return accepted === undefined ? undefined : Date.parse(c.createdAt) - accepted;
    })
    .filter((v): v is number => v !== undefined);

  const { webhookToState, stages, costs } = await sampleHistories(infra.client, sim.baseUrl, simCalls.slice(0, 200));
  for (const [stage, values] of Object.entries(stages)) {
    printFigure(`orchestration.${name}.stage.${stage}.p50Ms`, percentile(values, 50));
    printFigure(`orchestration.${name}.stage.${stage}.p99Ms`, percentile(values, 99));
  }

  // Lines handed out per second while calls were arriving: the rate sustained under this load
  // (every call holds one line from its grant to its end), not a ceiling.
  const bookAfter = await readLineBookCounters(account);
  const lastDial = dialTimes[dialTimes.length - 1] ?? start;
  const gateEvents = (await runHistoryLengths(infra.client, lineGateWorkflowId(account))).reduce((sum, n) => sum + n, 0);
  const gatePermitsPerSec = (bookAfter.grantsTotal - bookBefore.grantsTotal) / Math.max(0.001, (lastDial - start) / 1000);

  const result: RunResult = {
    name,
    calls,
    acceptedPerSec: calls / acceptedSec,
    dialsPerSec: rate(dialTimes),
    steadyDialsPerSec: steadyRate(dialTimes),
    maxDialsIn60s: maxInWindow(dialTimes, 60_000),
    dialTimes,
    acceptP50Ms: percentile(acceptLatency, 50),
    acceptP99Ms: percentile(acceptLatency, 99),
    dialP50Ms: percentile(dialLatency, 50),
    dialP99Ms: percentile(dialLatency, 99),
    webhookToStateP50Ms: percentile(webhookToState, 50),
    webhookToStateP99Ms: percentile(webhookToState, 99),
    gatePermitsPerSec,
    gateEventsPerCall: gateEvents / calls,
    lineBookWritesPerCall: (bookAfter.version - bookBefore.version) / calls,
    callCost: meanCost(costs),
    rateLimited: stats.rateLimited,
    wallSec,
  };
  for (const [figure, value] of Object.entries(result)) if (typeof value === 'number') printFigure(`orchestration.${name}.${figure}`, value);
  return result;
}

/**
 * Read from the workflows' own histories: webhook → state is from the simulator sending the terminal
 * status callback to the call workflow having acted on it (the workflow task after the signal
 * completed). The stages show where a call's time goes between its start and its dial.
 */
async function sampleHistories(
  client: Client,
  simUrl: string,
  calls: { sid: string; customField: string | null }[],
): Promise<{ webhookToState: number[]; stages: Record<string, number[]>; costs: HistoryCost[] }> {
  const webhookToState: number[] = [];
  const costs: HistoryCost[] = [];
  const stages: Record<string, number[]> = { firstTaskQueued: [], firstTaskRun: [], lineWaitWhenQueued: [], lineToDialScheduled: [], dialQueued: [], dialRun: [] };
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
  for (const call of calls) {
    const callId = call.customField?.split(':')[0];
    if (!callId) continue;
    const detail = (await (await fetch(`${simUrl}/sim/calls/${call.sid}`)).json()) as { callbacks: { event: string; at: string; outcome: string }[] };
    const history = await client.workflow.getHandle(callWorkflowId(callId)).fetchHistory();
    const events = history.events ?? [];
    costs.push(historyCost(events));
    const startedAt = ms(events[0]?.eventTime);
    const scheduled = (name: string) => events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
    const following = (event: (typeof events)[number] | undefined, kind: 'activityTaskStartedEventAttributes' | 'activityTaskCompletedEventAttributes') =>
      event ? events.find((e) => e[kind] && String(e[kind]?.scheduledEventId) === String(event.eventId)) : undefined;
    // The line is taken by a local activity inside the first workflow task; a call that had to wait
    // gets its grant later, as a signal.
    const firstTaskStarted = events.find((e) => e.workflowTaskStartedEventAttributes);
    const firstTaskCompleted = events.find((e) => e.workflowTaskCompletedEventAttributes);
    const lateGrant = events.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'lineGranted');
    const lineAt = lateGrant ? ms(lateGrant.eventTime) : ms(firstTaskCompleted?.eventTime);
    const dial = scheduled('dialAttempt');
    const dialStarted = following(dial, 'activityTaskStartedEventAttributes');
    const dialCompleted = following(dial, 'activityTaskCompletedEventAttributes');
    if (firstTaskStarted) stages.firstTaskQueued.push(ms(firstTaskStarted.eventTime) - startedAt);
    if (firstTaskStarted && firstTaskCompleted) stages.firstTaskRun.push(ms(firstTaskCompleted.eventTime) - ms(firstTaskStarted.eventTime));
    if (lateGrant && firstTaskCompleted) stages.lineWaitWhenQueued.push(ms(lateGrant.eventTime) - ms(firstTaskCompleted.eventTime));
    if (dial && Number.isFinite(lineAt)) stages.lineToDialScheduled.push(ms(dial.eventTime) - lineAt);
    if (dial && dialStarted) stages.dialQueued.push(ms(dialStarted.eventTime) - ms(dial.eventTime));
    if (dialStarted && dialCompleted) stages.dialRun.push(ms(dialCompleted.eventTime) - ms(dialStarted.eventTime));

    const sent = detail.callbacks.find((c) => c.event === 'terminal' && c.outcome === 'delivered');
    const signaled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'exotelStatus');
    const acted = events.slice(signaled + 1).find((e) => e.workflowTaskCompletedEventAttributes);
    if (sent && signaled >= 0 && acted) webhookToState.push(ms(acted.eventTime) - Date.parse(sent.at));
  }
  return { webhookToState, stages, costs };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
