import { parseArgs } from 'node:util';
import type { LatencyFigures } from '../domain/api-schemas/prewarming';
import { parseConfig } from '../domain/config';
import { generateSecrets } from '../lib/generated-secrets';
import { createPrewarmedProviders } from '../media-server/prewarm/prewarmed-providers';
import { createDeepgramSimulator } from '../sim/deepgram/simulator';
import { createOpenAiSimulator } from '../sim/openai/simulator';
import { quietLogger } from './bench-infra';
import { round } from './figures';

/**
 * `npm run bench:prewarming -- --samples N`: first-result latency of each provider with a connection
 * opened on demand (no pool) and with one opened beforehand (the pool), side by side, measured by the
 * same code as `POST /api/v1/analytics/prewarming/measure` (media-server/prewarm/first-result-latency.ts),
 * against the Deepgram and OpenAI simulators at their default provider pace.
 *
 * The simulators run on loopback, where opening a connection costs well under a millisecond; the cost
 * the pool saves is therefore EMULATED: each new Deepgram WebSocket is answered `--deepgram-setup-ms`
 * late and each new HTTP connection to the OpenAI simulator holds its first request `--openai-setup-ms`.
 * The defaults assume a media server in India reaching US endpoints at about 200 ms round trip:
 * TCP + TLS 1.3 + the WebSocket upgrade is three round trips (600 ms), TCP + TLS before the first
 * HTTP request two (400 ms). Everything else (final latency, first audio byte, first token) is the
 * simulators' published-median pace, the same on both sides.
 */
const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '30' },
    'deepgram-setup-ms': { type: 'string', default: '600' },
    'openai-setup-ms': { type: 'string', default: '400' },
  },
});

function row(name: string, without: LatencyFigures, withPool: LatencyFigures): string {
  const cells = (f: LatencyFigures) => [f.p50, f.p95, f.p99].map((v) => String(v ?? '–').padStart(8)).join('');
  return `${name.padEnd(5)}${cells(without)}   |${cells(withPool)}   | ${String(round((without.p50 ?? NaN) - (withPool.p50 ?? NaN))).padStart(7)}`;
}

async function main(): Promise<void> {
  const samples = Number(args.samples);
  const deepgramSetupMs = Number(args['deepgram-setup-ms']);
  const openaiSetupMs = Number(args['openai-setup-ms']);
  if (!Number.isInteger(samples) || samples < 1) throw new Error('--samples must be a positive integer');

  const logger = quietLogger;
  const deepgram = createDeepgramSimulator({ logger, exotelSimUrl: null, handshakeLatencyMs: deepgramSetupMs });
  const openai = createOpenAiSimulator({ logger, connectionSetupMs: openaiSetupMs });
  await Promise.all([deepgram.start(0), openai.start(0)]);
  try {
    const config = parseConfig({
      ...generateSecrets(),
      DEEPGRAM_BASE_URL: deepgram.baseUrl,
      OPENAI_BASE_URL: `${openai.baseUrl}/v1`,
      TTS_PROVIDER: 'deepgram-ws',
    });
    const { prewarmer } = createPrewarmedProviders(config, logger);
    const startedAt = Date.now();
    const m = await prewarmer.measure(samples);
    const seconds = round((Date.now() - startedAt) / 1000);

    process.stdout.write(
      `First-result latency, ${samples} samples per side, ms. EMULATED connection set-up: Deepgram WebSocket ${deepgramSetupMs} ms, ` +
        `OpenAI HTTP connection ${openaiSetupMs} ms (loopback itself costs <1 ms). Provider pace: simulator defaults.\n`,
    );
    process.stdout.write(`${''.padEnd(5)}${'without pool'.padStart(24)}   |${'with pool'.padStart(24)}   | p50 saved\n`);
    process.stdout.write(`${''.padEnd(5)}${['p50', 'p95', 'p99'].map((p) => p.padStart(8)).join('')}   |${['p50', 'p95', 'p99'].map((p) => p.padStart(8)).join('')}   |\n`);
    for (const kind of ['stt', 'tts', 'llm'] as const) process.stdout.write(`${row(kind, m[kind].withoutPool, m[kind].withPool)}\n`);
    for (const kind of ['stt', 'tts', 'llm'] as const) process.stdout.write(`${kind}: ${m[kind].definition}\n`);
    const failures = Object.fromEntries((['stt', 'tts', 'llm'] as const).map((kind) => [kind, m[kind].withoutPool.failures + m[kind].withPool.failures]));

    const side = (f: LatencyFigures) => ({ p50: f.p50, p95: f.p95, p99: f.p99 });
    process.stdout.write(
      `SUMMARY ${JSON.stringify({
        samples,
        emulatedSetupMs: { deepgramWebSocket: deepgramSetupMs, openaiHttpConnection: openaiSetupMs },
        sttFirstTranscriptMs: { withoutPool: side(m.stt.withoutPool), withPool: side(m.stt.withPool) },
        ttsFirstByteMs: { withoutPool: side(m.tts.withoutPool), withPool: side(m.tts.withPool) },
        llmFirstTokenMs: { withoutPool: side(m.llm.withoutPool), withPool: side(m.llm.withPool) },
        failures,
        seconds,
      })}\n`,
    );
  } finally {
    await Promise.all([deepgram.stop(), openai.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
