import { connectDatabase, disconnectDatabase, pingDatabase } from '../db/connection';
import { getConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { createMetricsRegistry } from '../lib/metrics';
import { connectTemporalClient, pingTemporal } from '../lib/temporal-connection';
import { AgentStore, loadAgentFromDatabase } from './agent-store';
import { databaseCallRecords } from './call-records';
import { GreetingCache } from './greeting-cache';
import { createOpenAiEmbedder } from '../lib/openai-embeddings';
import { databaseKnowledgeSource, KnowledgeStore } from './knowledge-store';
import { createMediaMetrics } from './metrics';
import { createPrewarmedProviders } from './prewarm/prewarmed-providers';
import { premiumVoiceFromConfig } from './premium-voice';
import { createMediaServer } from './server';
import { createVoicemailDetector } from './voicemail/create-voicemail-detector';
import { CONTROL_END_PATH } from '../domain/media-control-url';
import { databaseTokenNonces } from './token-nonces';
import { temporalWorkflowSignals } from './workflow-signals';

/** Margin past Deepgram's own utterance-end gap before our silence timer closes a turn itself. */
const TURN_SILENCE_MARGIN_MS = 500;
/** How long a turn waits for Deepgram's answer to `Finalize` before closing with what it has. */
const FINALIZE_WAIT_MS = 500;
/** On SIGTERM: live calls get this long to end by themselves, then a goodbye and this long again. */
const SHUTDOWN_DRAIN_MS = 30_000;
const SHUTDOWN_GOODBYE_MS = 10_000;

async function main(): Promise<void> {
  const config = getConfigOrExit();
  const logger = createLogger('media-server', { level: config.LOG_LEVEL });
  const [temporal] = await Promise.all([connectTemporalClient(config), connectDatabase(config.MONGODB_URI, logger)]);
  const registry = createMetricsRegistry('media-server');
  const metrics = createMediaMetrics(registry);
  const { stt, tts, llm, prewarmer } = createPrewarmedProviders(config, logger);
  const embedding = { model: config.KNOWLEDGE_EMBEDDING_MODEL, dimensions: config.KNOWLEDGE_EMBEDDING_DIMENSIONS };
  const premium = premiumVoiceFromConfig(config);

  const server = createMediaServer({
    secret: config.MEDIA_TOKEN_SECRET,
    nonces: databaseTokenNonces(),
    registry,
    metricsToken: config.METRICS_ENABLED ? config.METRICS_TOKEN : undefined,
    health: { database: () => pingDatabase(), temporal: () => pingTemporal(temporal.connection) },
    logger,
    records: databaseCallRecords,
    agents: new AgentStore(loadAgentFromDatabase),
    signals: temporalWorkflowSignals(temporal.client, logger),
    cache: new GreetingCache({ maxEntries: config.GREETING_CACHE_ENTRIES, tts, premium, metrics, logger }),
    stt,
    llm,
    tts,
    premium,
    prewarmer,
    knowledge: {
      store: new KnowledgeStore(databaseKnowledgeSource, embedding, logger),
      // One retry at most: a turn's lookup has KNOWLEDGE_LOOKUP_TIMEOUT_MS in all.
      embedder: createOpenAiEmbedder({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, ...embedding, timeoutMs: config.KNOWLEDGE_LOOKUP_TIMEOUT_MS, maxRetries: 1 }),
      settings: { topK: config.KNOWLEDGE_TOP_K, minScore: config.KNOWLEDGE_MIN_SCORE, timeoutMs: config.KNOWLEDGE_LOOKUP_TIMEOUT_MS },
    },
    createVoicemailDetector: (options) => createVoicemailDetector({ threshold: config.VOICEMAIL_THRESHOLD, timeoutMs: config.VOICEMAIL_TIMEOUT_SEC * 1000, ...options }),
    metrics,
    controlUrl: new URL(CONTROL_END_PATH, config.MEDIA_CONTROL_URL).toString(),
    bargeIn: { minWords: config.BARGE_IN_MIN_WORDS, minSpeechMs: config.BARGE_IN_MIN_SPEECH_MS },
    turnTimings: { maxSilenceMs: config.DEEPGRAM_UTTERANCE_END_MS + TURN_SILENCE_MARGIN_MS, finalizeWaitMs: FINALIZE_WAIT_MS },
  });
  const port = await server.listen(config.MEDIA_PORT, config.MEDIA_HOST);
  logger.info(
    { url: `http://${config.MEDIA_HOST}:${port}`, tts: config.TTS_PROVIDER, prewarming: config.PREWARM_POOL_ENABLED, premiumVoice: premium ? 'elevenlabs' : 'off' },
    'media server listening',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, sessions: server.sessions }, 'media server shutting down');
    void server
      .close({ drainMs: SHUTDOWN_DRAIN_MS, goodbyeMs: SHUTDOWN_GOODBYE_MS })
      .then(() => Promise.all([temporal.connection.close(), disconnectDatabase()]))
      .catch((err: unknown) => logger.error({ err }, 'unclean shutdown'))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('media-server').fatal({ err }, 'media server failed to start');
  process.exit(1);
});
