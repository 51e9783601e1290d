import type { AgentProfile } from '../../media-server/agent-profile';
import { Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { Registry } from 'prom-client';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { Agent } from '../../db/models/agent';
import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/attempt-address';
import { AgentStore, loadAgentFromDatabase } from '../../media-server/agent-store';
import type { VoicemailDetectorFactory } from '../../media-server/call-session';
import { databaseCallRecords } from '../../media-server/call-records';
import { GreetingCache } from '../../media-server/greeting-cache';
import { createMediaMetrics } from '../../media-server/metrics';
import type { LanguageModel } from '../../media-server/pipeline/llm';
import type { SpeechToText } from '../../media-server/pipeline/stt';
import type { TextToSpeech } from '../../media-server/pipeline/tts';
import { createMediaServer, type MediaServer } from '../../media-server/server';
import { temporalWorkflowSignals } from '../../media-server/workflow-signals';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import { CONTROL_SIGNATURE_HEADER, controlRequestHeaders, mediaStreamUrl } from '../../lib/hmac-auth';
import { databaseTokenNonces } from '../../media-server/token-nonces';
import { callWorkflowId } from '../../workflows/messages';
import { mediaRecorderWorkflow, mediaRecordQuery, type MediaRecord } from '../fixtures/workflows/media-recorder';
import { ExotelVoicebotClient, type VoicebotClientOptions } from '../helpers/exotel-voicebot-client';
import { connectToTestTemporal, uniqueName } from '../helpers/temporal-test-env';
import { testDatabaseUri } from '../helpers/test-infra';
import { FakeLlm, FakeStt, FakeTts, undecidedVoicemailDetector, waitUntil } from './fake-providers';

/**
 * The real media server on loopback, with the real Temporal dev server (a fixture workflow per call
 * records the signals) and the real database; speech recognition, the model and speech synthesis
 * are fakes unless a test hands in others.
 */
export interface MediaHarnessOptions {
  stt?: SpeechToText;
  llm?: LanguageModel;
  tts?: TextToSpeech;
  voicemail?: VoicemailDetectorFactory;
  bargeIn?: { minWords: number; minSpeechMs: number };
}

/** The agent fields a test may override; the rest come from the harness's defaults. */
export type AgentFields = Partial<Omit<AgentProfile, 'id' | 'voicemail' | 'bargeIn'>>;

export interface TestCall {
  callId: string;
  attempt: number;
  agentId: string;
  url: string;
}

export const SECRET = generateSecrets().MEDIA_TOKEN_SECRET;
export const METRICS_TOKEN = generateSecrets().WEBHOOK_SECRET;

export async function startMediaHarness(label: string, options: MediaHarnessOptions = {}) {
  const env = await connectToTestTemporal();
  const taskQueue = uniqueName(`media-${label}`);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../fixtures/workflows/media-recorder'),
    dataConverter: env.dataConverter,
  });
  const running = worker.run();
  await connectDatabase(testDatabaseUri(`media_${label}`));

  const logger = createLogger('media-test', { level: process.env.RINGLINE_TEST_VERBOSE ? 'debug' : 'silent' });
  const registry = new Registry();
  const metrics = createMediaMetrics(registry);
  const stt = options.stt ?? new FakeStt();
  const llm = options.llm ?? new FakeLlm();
  const tts = options.tts ?? new FakeTts();
  const cache = new GreetingCache({ maxEntries: 50, tts, metrics, logger });
  const agents = new AgentStore(loadAgentFromDatabase);
  const config = parseConfig({ ...generateSecrets() });
  const server: MediaServer = createMediaServer({
    secret: SECRET,
    nonces: databaseTokenNonces(),
    registry,
    metricsToken: METRICS_TOKEN,
    health: { database: async () => true, temporal: async () => true },
    logger,
    records: databaseCallRecords,
    agents,
    signals: temporalWorkflowSignals(env.client, logger),
    cache,
    stt,
    llm,
    tts,
    createVoicemailDetector: options.voicemail ?? undecidedVoicemailDetector,
    metrics,
    controlUrl: 'http://127.0.0.1/control/end',
    bargeIn: options.bargeIn ?? { minWords: config.BARGE_IN_MIN_WORDS, minSpeechMs: config.BARGE_IN_MIN_SPEECH_MS },
    turnTimings: { maxSilenceMs: 1_500, finalizeWaitMs: 300 },
  });
  const port = await server.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const workflows: string[] = [];
  const clients: ExotelVoicebotClient[] = [];

  const handle = (callId: string) => env.client.workflow.getHandle(callWorkflowId(callId));

  /** A signed control request; `send` may be called again to replay the very same request. */
  const signedControl = (path: string, body: unknown, signature?: string) => {
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', ...controlRequestHeaders(SECRET, text), ...(signature ? { [CONTROL_SIGNATURE_HEADER]: signature } : {}) };
    return {
      send: async (): Promise<{ status: number; body: any }> => {
        const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: text });
        return { status: res.status, body: await res.json() };
      },
    };
  };

  return {
    server,
    baseUrl,
    registry,
    stt,
    tts,
    /** A fresh media URL (its own nonce); `callSid` binds it as flow mode's Voicebot URL answer does. */
    mediaUrl: (callId: string, attempt: number, expiresAt = Date.now() + 60_000, secret = SECRET, callSid?: string) =>
      mediaStreamUrl(`ws://127.0.0.1:${port}`, secret, { callId, attempt, expiresAt, ...(callSid ? { callSid } : {}) }),

    /** An agent, a CallLog row for the attempt and a recording workflow under `call-<callId>`. */
    async createCall(
      agent: AgentFields = {},
      extra: { metadata?: Record<string, unknown>; attempt?: number; agentId?: string; workflow?: boolean; callSid?: string } = {},
    ): Promise<TestCall> {
      const callId = uniqueName('call');
      const attempt = extra.attempt ?? 1;
      const agentId = extra.agentId ?? uniqueName('agent');
      // updateOne skips schema validation, so tests can use durations below the model's minimums.
      await Agent.updateOne(
        { _id: agentId },
        {
          $set: {
            name: 'Asha',
            prompt: 'You remind customers of appointments.',
            greeting: 'Hello from Ringline.',
            noResponsePrompt: 'Are you there?',
            goodbyeMessage: 'Goodbye now.',
            voicemailMessage: 'Please call us back.',
            voice: 'aura-2-thalia-en',
            llmModel: 'gpt-4o-mini',
            maxCallDurationSec: 60,
            noResponseTimeoutSec: 10,
            noResponseHangupSec: 5,
            voicemailDetection: false,
            endPhrases: ['bye', 'goodbye'],
            active: true,
            ...agent,
          },
        },
        { upsert: true },
      );
      await CallLog.create({
        _id: attemptCallLogId(callId, attempt),
        callId,
        attempt,
        ...(extra.callSid ? { exotelCallSid: extra.callSid } : {}),
        phoneNumber: '+919845012000',
        phoneLast4: '2000',
        agentId,
        status: 'in_progress',
        workflowId: callWorkflowId(callId),
        metadata: extra.metadata ?? {},
      });
      if (extra.workflow !== false) {
        await env.client.workflow.start(mediaRecorderWorkflow, { taskQueue, workflowId: callWorkflowId(callId) });
        workflows.push(callId);
      }
      return { callId, attempt, agentId, url: mediaStreamUrl(`ws://127.0.0.1:${port}`, SECRET, { callId, attempt, expiresAt: Date.now() + 60_000 }) };
    },

    async connect(url: string, clientOptions: VoicebotClientOptions = {}): Promise<ExotelVoicebotClient> {
      const client = await ExotelVoicebotClient.connect(url, clientOptions);
      clients.push(client);
      return client;
    },

    signals: (callId: string): Promise<MediaRecord> => handle(callId).query(mediaRecordQuery),

    async ended(callId: string, timeoutMs = 10_000): Promise<MediaRecord> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await handle(callId).query(mediaRecordQuery);
        if (record.ended.length > 0) return record;
        if (Date.now() > deadline) throw new Error(`no mediaEnded signal for ${callId}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },

    callLog: (call: TestCall) => CallLog.findById(attemptCallLogId(call.callId, call.attempt)).lean(),
    deleteCallLog: (call: TestCall) => CallLog.deleteOne({ _id: attemptCallLogId(call.callId, call.attempt) }),

    signedControl,

    control(path: string, body: unknown, signature?: string): Promise<{ status: number; body: any }> {
      return signedControl(path, body, signature).send();
    },

    waitUntil,

    async stop(): Promise<void> {
      for (const client of clients) client.close();
      await server.close({ drainMs: 2_000, goodbyeMs: 1_000 });
      await Promise.all(workflows.map((callId) => handle(callId).terminate().catch(() => undefined)));
      worker.shutdown();
      await running;
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await disconnectDatabase();
      await env.close();
    },
  };
}

export type MediaHarness = Awaited<ReturnType<typeof startMediaHarness>>;
