import type { Client } from '@temporalio/client';
import { pingDatabase } from '../../db/connection';
import type { Config } from '../../domain/config';
import { createLogger } from '../../lib/logger';
import { controlRequestHeaders } from '../../lib/hmac-auth';
import { createMetricsRegistry } from '../../lib/metrics';
import { AgentStore, loadAgentFromDatabase } from '../../media-server/agent-store';
import { databaseCallRecords } from '../../media-server/call-records';
import { GreetingCache } from '../../media-server/greeting-cache';
import { databaseKnowledgeSource, KnowledgeStore } from '../../media-server/knowledge-store';
import { createOpenAiEmbedder } from '../../lib/openai-embeddings';
import { createMediaMetrics } from '../../media-server/metrics';
import type { ConnectionPrewarmer } from '../../media-server/prewarm/connection-prewarmer';
import { createPrewarmedProviders } from '../../media-server/prewarm/prewarmed-providers';
import { premiumVoiceFromConfig } from '../../media-server/premium-voice';
import { createMediaServer, type MediaServer } from '../../media-server/server';
import { databaseTokenNonces } from '../../media-server/token-nonces';
import { createVoicemailDetector } from '../../media-server/voicemail/create-voicemail-detector';
import { temporalWorkflowSignals } from '../../media-server/workflow-signals';
import { freePort } from '../../scripts/infra/free-port';
import { createDeepgramSimulator, type DeepgramSimulator, type DeepgramSimulatorOptions } from '../../sim/deepgram/simulator';
import { createElevenLabsSimulator, type ElevenLabsSimulator } from '../../sim/elevenlabs/simulator';
import { createOpenAiSimulator, type OpenAiSimulator, type OpenAiSimulatorOptions } from '../../sim/openai/simulator';
import { startMediaRelay, type MediaRelay } from './media-relay';

/**
 * Provider simulators at test pace: tens of milliseconds where the defaults are Deepgram's and
 * OpenAI's published medians, and synthesized speech a third quicker than the simulator's usual pace,
 * so a multi-turn call takes seconds. All audio still plays at real time on the simulated line.
 */
const FAST_PROVIDERS = {
  deepgram: { finalLatencyMs: 80, ttsFirstByteMs: 30, ttsMsPerChar: 45 },
  openai: { ttftMs: 60, tokensPerSecond: 300 },
  elevenlabs: { ttsFirstByteMs: 40, ttsMsPerChar: 45 },
};

/** As media-server/main.ts: Deepgram's utterance-end gap plus this closes a turn on our own timer. */
const TURN_SILENCE_MARGIN_MS = 500;
const FINALIZE_WAIT_MS = 500;

export interface RealMediaServer {
  /** The Voicebot URL Exotel dials into: the relay in front of the media server. */
  wsUrl: string;
  /** The media server's own HTTP address (control, prewarm, metrics). */
  baseUrl: string;
  server: MediaServer;
  /** The pool of ready provider connections, running from the start when the config says so. */
  prewarmer: ConnectionPrewarmer;
  relay: MediaRelay;
  deepgram: DeepgramSimulator;
  openai: OpenAiSimulator;
  /** Always running; the media server speaks with it only when the config has ELEVENLABS_API_KEY. */
  elevenlabs: ElevenLabsSimulator;
  /** The signed `POST /greetings/prewarm`. */
  prewarm(agentId: string, metadata?: Record<string, unknown>): Promise<{ status: number; body: { synthesized?: number; cached?: number } }>;
  /** A counter or gauge of the media server's registry, summed over the series whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The media server as media-server/main.ts wires it (greeting cache, the real `@deepgram/sdk`,
 * `@elevenlabs/elevenlabs-js` and `openai` providers behind the connection pool, voicemail detection,
 * Temporal signals, CallLog writes), in this process on a free port, with the Deepgram simulator
 * (reading callee scripts from the Exotel simulator), the ElevenLabs and the OpenAI simulators beside
 * it. The database connection is the caller's.
 */
export async function startRealMediaServer(
  config: Config,
  temporal: Client,
  exotelSimUrl: string | null,
  tuning: { deepgram?: DeepgramSimulatorOptions; openai?: OpenAiSimulatorOptions } = {},
): Promise<RealMediaServer> {
  const quiet = createLogger('sim', { level: 'silent' });
  const deepgram = createDeepgramSimulator({ logger: quiet, exotelSimUrl, ...FAST_PROVIDERS.deepgram, ...tuning.deepgram });
  const openai = createOpenAiSimulator({ logger: quiet, ...FAST_PROVIDERS.openai, ...tuning.openai });
  const elevenlabs = createElevenLabsSimulator({ logger: quiet, apiKey: config.ELEVENLABS_API_KEY, ...FAST_PROVIDERS.elevenlabs });
  await Promise.all([deepgram.start(0), openai.start(0), elevenlabs.start(0)]);

  const logger = createLogger('media-server', { level: process.env.RINGLINE_TEST_VERBOSE ? 'debug' : 'silent' });
  const registry = createMetricsRegistry('media-server-test');
  const metrics = createMediaMetrics(registry);
  const { stt, tts, llm, prewarmer } = createPrewarmedProviders({ ...config, DEEPGRAM_BASE_URL: deepgram.baseUrl, OPENAI_BASE_URL: `${openai.baseUrl}/v1` }, logger);
  const premium = premiumVoiceFromConfig(config, elevenlabs.baseUrl);
  const port = await freePort();
  const embedding = { model: config.KNOWLEDGE_EMBEDDING_MODEL, dimensions: config.KNOWLEDGE_EMBEDDING_DIMENSIONS };
  const server = createMediaServer({
    secret: config.MEDIA_TOKEN_SECRET,
    nonces: databaseTokenNonces(),
    registry,
    health: { database: () => pingDatabase(), temporal: async () => true },
    logger,
    records: databaseCallRecords,
    agents: new AgentStore(loadAgentFromDatabase),
    signals: temporalWorkflowSignals(temporal, logger),
    cache: new GreetingCache({ maxEntries: config.GREETING_CACHE_ENTRIES, tts, premium, metrics, logger }),
    stt,
    llm,
    tts,
    premium,
    prewarmer,
    knowledge: {
      store: new KnowledgeStore(databaseKnowledgeSource, embedding, logger),
      embedder: createOpenAiEmbedder({ apiKey: config.OPENAI_API_KEY, baseUrl: `${openai.baseUrl}/v1`, ...embedding, timeoutMs: config.KNOWLEDGE_LOOKUP_TIMEOUT_MS, maxRetries: 1 }),
      settings: { topK: config.KNOWLEDGE_TOP_K, minScore: config.KNOWLEDGE_MIN_SCORE, timeoutMs: config.KNOWLEDGE_LOOKUP_TIMEOUT_MS },
    },
    createVoicemailDetector,
    metrics,
    controlUrl: `http://127.0.0.1:${port}/control/end`,
    bargeIn: { minWords: config.BARGE_IN_MIN_WORDS, minSpeechMs: config.BARGE_IN_MIN_SPEECH_MS },
    turnTimings: { maxSilenceMs: config.DEEPGRAM_UTTERANCE_END_MS + TURN_SILENCE_MARGIN_MS, finalizeWaitMs: FINALIZE_WAIT_MS },
  });
  await server.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const relay = await startMediaRelay(`ws://127.0.0.1:${port}`);

  return {
    wsUrl: relay.wsUrl,
    baseUrl,
    server,
    prewarmer,
    relay,
    deepgram,
    openai,
    elevenlabs,
    prewarm: async (agentId, metadata) => {
      const body = JSON.stringify({ agentId, metadata });
      const res = await fetch(`${baseUrl}/greetings/prewarm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...controlRequestHeaders(config.MEDIA_TOKEN_SECRET, body) },
        body,
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    metric: async (name, labels = {}) => {
      const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
      return values
        .filter((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted))
        .reduce((sum, value) => sum + value.value, 0);
    },
    stop: async () => {
      await relay.stop();
      await server.close({ drainMs: 2_000, goodbyeMs: 1_000 });
      await Promise.all([deepgram.stop(), openai.stop(), elevenlabs.stop()]);
    },
  };
}
