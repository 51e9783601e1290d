import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../db/models/agent';
import { CallLog } from '../db/models/call-log';
import { parseConfig, type Config } from '../domain/config';
import { generateSecrets } from '../lib/generated-secrets';
import { freePort } from '../scripts/infra/free-port';
import { ManagedProcess } from '../scripts/infra/managed-process';
import { ROOT_DIR } from '../scripts/infra/paths';
import { waitUntil } from '../scripts/infra/wait-until';
import { createDeepgramSimulator } from '../sim/deepgram/simulator';
import { createExotelSimulator } from '../sim/exotel/simulator';
import { createOpenAiSimulator } from '../sim/openai/simulator';
import { placeCalls, quietLogger, startBenchInfra, startRinglineInProcess } from './bench-infra';
import { percentile, printFigure } from './figures';

/**
 * `npm run bench:media -- --calls M`: M concurrent calls with the cooperative simulated customer,
 * through Exotel's simulator into the media server (its own process, so its CPU and memory can be
 * read), with Deepgram and OpenAI simulated at their default (published median) latencies.
 * Prints per-turn voice-to-voice, overhead figures (below), greeting time to first frame as the
 * callee hears it, underruns, CPU and RSS.
 *
 * What each per-turn figure includes (all from the caller's speech end, as the media server measured it):
 * - v2v: speech end → the reply's first audio chunk written to Exotel's socket: everything.
 * - overhead: v2v minus the configured provider constants (endpointing + STT final + model first token
 *   + TTS first byte). Besides Ringline's processing it holds what those constants leave out and
 *   Ringline does not control: caller audio arriving in 100 ms frames, the model's token time up to
 *   the end of the first sentence, the TTS streaming up to a whole 3200-byte chunk, event-loop delay
 *   under load; a speculative reply started before the final transcript makes it smaller (even negative).
 * - stageOverhead: v2v minus the provider times measured on that turn instead of the constants; the
 *   same inclusions, less the providers' variation.
 * - ringlineOverhead: the turn's `ringlineMs`, Ringline's own time on the critical path to the first
 *   chunk, summed from monotonic marks between provider events and Ringline's next hand-over (turn
 *   decided → model request or release of a held reply; first sentence's completing token in → its
 *   synthesis request; a chunk's worth of its audio in → first chunk written; see `ReplyTimeline`).
 *   It cannot see time an event waited in the socket before Ringline's event loop took it.
 */
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    'max-minutes': { type: 'string', default: '6' },
  },
});

/** The simulators' defaults, which a turn's voice-to-voice cannot beat without speculation. */
const PROVIDER = { endpointingMs: 300, sttFinalMs: 300, llmFirstTokenMs: 290, ttsFirstByteMs: 150 };

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
}

async function main(): Promise<void> {
  const calls = Number(args.calls);
  const infra = await startBenchInfra();
  const openai = createOpenAiSimulator({ logger: quietLogger, ttftMs: PROVIDER.llmFirstTokenMs });
  const account = 'bench-media';
  const [apiPort, mediaPort] = [await freePort(), await freePort()];
  const exotel = createExotelSimulator({ logger: quietLogger, accountSid: account, rateLimitPerMinute: 0, queuedMs: 200, ringMs: 500 });
  await exotel.start(0);
  // Speech recognition learns each call's script from this Exotel simulator; without it every caller line is one generic word.
  const deepgram = createDeepgramSimulator({
    logger: quietLogger,
    exotelSimUrl: exotel.baseUrl,
    finalLatencyMs: PROVIDER.sttFinalMs,
    ttsFirstByteMs: PROVIDER.ttsFirstByteMs,
  });
  await Promise.all([deepgram.start(0), openai.start(0)]);
  const config: Config = parseConfig({
    ...generateSecrets(),
    PAYLOAD_KEYS: infra.payloadKeys,
    LEGAL_CALLING_WINDOW_START: '00:00',
    LEGAL_CALLING_WINDOW_END: '24:00',
    TEMPORAL_ADDRESS: infra.temporalAddress,
    MONGODB_URI: infra.mongoUri,
    PUBLIC_API_URL: `http://127.0.0.1:${apiPort}`,
    PUBLIC_MEDIA_WS_URL: `ws://127.0.0.1:${mediaPort}`,
    MEDIA_CONTROL_URL: `http://127.0.0.1:${mediaPort}`,
    MEDIA_PORT: String(mediaPort),
    EXOTEL_BASE_URL: exotel.baseUrl,
    EXOTEL_ACCOUNT_SID: account,
    EXOTEL_RATE_LIMIT_PER_MINUTE: '1000000',
    DEEPGRAM_BASE_URL: deepgram.baseUrl,
    DEEPGRAM_ENDPOINTING_MS: String(PROVIDER.endpointingMs),
    OPENAI_BASE_URL: `${openai.baseUrl}/v1`,
    MAX_CONCURRENT_CALLS: String(Math.max(calls, 10)),
    TEMPORAL_TASK_QUEUE: 'bench-media',
    TEMPORAL_EXOTEL_TASK_QUEUE: 'bench-media-exotel',
    TEMPORAL_GATE_TASK_QUEUE: 'bench-media-gate',
    LOG_LEVEL: 'silent',
  });
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const [key, value] of Object.entries(config)) if (value !== undefined && key !== 'LOG_LEVEL') env[key] = String(value);
  const media = new ManagedProcess({
    name: 'media',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT_DIR, 'media-server/main.ts')],
    cwd: ROOT_DIR,
    env,
    output: (line) => process.stderr.write(`media │ ${line}\n`),
  });
  const ringline = await startRinglineInProcess(infra, config, apiPort);
  try {
    await waitUntil('media server', async () => (await fetch(`http://127.0.0.1:${mediaPort}/health`)).ok, { timeoutMs: 60_000 });
    const agentId = 'agent_bench_media';
    await Agent.updateOne(
      { _id: agentId },
      {
        $setOnInsert: {
          name: 'Bench agent',
          prompt: 'You are Asha from Acme Finance, reminding the customer of a payment due on the 30th. Be brief.',
          greeting: 'Hello! This is Asha from Acme Finance, calling about your payment.',
          maxCallDurationSec: 120,
        },
      },
      { upsert: true },
    );
    const pid = media.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const started = Date.now();
    process.stderr.write(`▸ ${calls} concurrent calls\n`);
    await placeCalls(ringline, calls, calls, (i) => ({
      phoneNumber: `+9192${String(i).padStart(5, '0')}000`,
      agentId,
      retryPolicy: { rules: { connection_lost: { maxRetries: 0 }, no_response: { maxRetries: 0 } } },
    }));
    const deadline = started + Number(args['max-minutes']) * 60_000;
    for (;;) {
      const done = await CallLog.countDocuments({ agentId, finalStatus: { $ne: null } });
      process.stderr.write(`  ${done}/${calls} finished\r`);
      if (done >= calls) break;
      if (Date.now() > deadline) throw new Error(`only ${done}/${calls} calls finished in ${args['max-minutes']} min`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const wallSec = (Date.now() - started) / 1000;
    const cpuPct = ((cpuSeconds(pid) - cpuBefore) / wallSec) * 100;
    const rssMb = peakRssMb(pid);

    const logs = await CallLog.find({ agentId }, { latency: 1, finalStatus: 1, exotelCallSid: 1, greeting: 1 }).lean();
    const greetingsFromCache = logs.filter((l) => l.greeting?.cacheHit === true).length;
    const turns = logs.flatMap((l) => l.latency ?? []);
    const v2v = turns.map((t) => t.voiceToVoiceMs).filter((v): v is number => typeof v === 'number');
    const configured = PROVIDER.endpointingMs + PROVIDER.sttFinalMs + PROVIDER.llmFirstTokenMs + PROVIDER.ttsFirstByteMs;
    const overhead = v2v.map((v) => v - configured);
    const ringlineOverhead = turns.map((t) => t.ringlineMs).filter((v): v is number => typeof v === 'number');
    const stageOverhead = turns
      .filter((t) => [t.voiceToVoiceMs, t.sttFinalMs, t.llmFirstTokenMs, t.ttsFirstByteMs].every((v) => typeof v === 'number'))
      .map((t) => (t.voiceToVoiceMs as number) - (t.sttFinalMs as number) - (t.llmFirstTokenMs as number) - (t.ttsFirstByteMs as number));
    const simCalls = ((await (await fetch(`${exotel.baseUrl}/sim/calls`)).json()) as { calls: { sid: string }[] }).calls;
    const greeting: number[] = [];
    const handshake: number[] = [];
    let underruns = 0;
    let underrunMs = 0;
    for (const call of simCalls) {
      const detail = (await (await fetch(`${exotel.baseUrl}/sim/calls/${call.sid}`)).json()) as {
        media?: { firstBotAudioMs: number | null; handshakeMs: number | null; underruns: number; underrunMs: number };
      };
      if (detail.media?.firstBotAudioMs !== null && detail.media?.firstBotAudioMs !== undefined) greeting.push(detail.media.firstBotAudioMs);
      if (detail.media?.handshakeMs !== null && detail.media?.handshakeMs !== undefined) handshake.push(detail.media.handshakeMs);
      underruns += detail.media?.underruns ?? 0;
      underrunMs += detail.media?.underrunMs ?? 0;
    }
    const outcomes: Record<string, number> = {};
    for (const l of logs) outcomes[String(l.finalStatus)] = (outcomes[String(l.finalStatus)] ?? 0) + 1;

    const figures = {
      calls,
      turns: v2v.length,
      v2vP50Ms: percentile(v2v, 50),
      v2vP95Ms: percentile(v2v, 95),
      v2vP99Ms: percentile(v2v, 99),
      overheadP50Ms: percentile(overhead, 50),
      overheadP99Ms: percentile(overhead, 99),
      stageOverheadP50Ms: percentile(stageOverhead, 50),
      stageOverheadP99Ms: percentile(stageOverhead, 99),
      ringlineOverheadP50Ms: percentile(ringlineOverhead, 50),
      ringlineOverheadP99Ms: percentile(ringlineOverhead, 99),
      greetingP50Ms: percentile(greeting, 50),
      greetingP99Ms: percentile(greeting, 99),
      greetingsFromCache,
      handshakeP50Ms: percentile(handshake, 50),
      handshakeP99Ms: percentile(handshake, 99),
      underruns,
      underrunMs,
      cpuPct,
      rssMb,
      wallSec,
    };
    for (const [name, value] of Object.entries(figures)) printFigure(`media.${name}`, value);
    process.stdout.write(
      `\n${calls} calls, ${v2v.length} turns, outcomes ${JSON.stringify(outcomes)}\n` +
        `voice-to-voice p50/p95/p99 ${figures.v2vP50Ms}/${figures.v2vP95Ms}/${figures.v2vP99Ms} ms ` +
        `(configured provider time ${configured} ms); overhead p50/p99 ${figures.overheadP50Ms}/${figures.overheadP99Ms} ms; ` +
        `Ringline's own time p50/p99 ${figures.ringlineOverheadP50Ms}/${figures.ringlineOverheadP99Ms} ms; ` +
        `greeting first frame p50/p99 ${figures.greetingP50Ms}/${figures.greetingP99Ms} ms (${greetingsFromCache}/${logs.length} from the cache); ` +
        `WebSocket handshake (token check and single-use claim included) p50/p99 ${figures.handshakeP50Ms}/${figures.handshakeP99Ms} ms; underruns ${underruns} (${underrunMs} ms); ` +
        `media server CPU ${cpuPct.toFixed(0)} %, peak RSS ${rssMb.toFixed(0)} MB\n`,
    );
    const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);
    process.stdout.write(
      `SUMMARY ${JSON.stringify({
        calls,
        v2vP50Ms: round(figures.v2vP50Ms),
        v2vP99Ms: round(figures.v2vP99Ms),
        overheadP99Ms: round(figures.overheadP99Ms),
        ringlineOverheadP99Ms: round(figures.ringlineOverheadP99Ms),
        greetingP99Ms: round(figures.greetingP99Ms),
        handshakeP99Ms: round(figures.handshakeP99Ms),
        underruns,
        cpuPct: round(cpuPct),
        rssMb: round(rssMb),
      })}\n`,
    );
  } finally {
    await ringline.stop();
    await media.stop();
    await Promise.all([exotel.stop(), deepgram.stop(), openai.stop()]);
    await infra.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
