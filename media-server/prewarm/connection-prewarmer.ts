import { llmPingDue } from '../../domain/connection-pool-policy';
import type { PoolMeasurement, PoolSettings, PoolStatus, StartPrewarming } from '../../domain/api-schemas/prewarming';
import type { Logger } from '../../lib/logger';
import { DEFAULT_SAMPLE_RATE } from '../exotel-protocol';
import type { SpeechToText } from '../pipeline/stt';
import type { TextToSpeech } from '../pipeline/tts';
import type { DeepgramSpeechToText, WarmSttStream } from '../providers/deepgram-stt';
import type { DeepgramWsTextToSpeech, WarmSpeakSocket } from '../providers/deepgram-tts-ws';
import type { KeepAliveFetch } from '../providers/keep-alive-fetch';
import type { OpenAiLanguageModel } from '../providers/openai-llm';
import { WarmPool } from './warm-pool';

/** How often the pools are checked: dead connections replaced, expired ones refreshed, the model pinged. */
const MAINTENANCE_TICK_MS = 1_000;

export interface ConnectionPrewarmerDeps {
  stt: DeepgramSpeechToText;
  /** Set only when calls speak over Deepgram's speak socket (TTS_PROVIDER=deepgram-ws). */
  tts?: DeepgramWsTextToSpeech;
  llm: OpenAiLanguageModel;
  llmConnection: KeepAliveFetch;
  /** The voice the speak sockets are opened for: calls of agents with another voice open their own. */
  ttsVoice: string;
  settings: PoolSettings;
  /** Run the measurement (media-server/prewarm/first-result-latency.ts) with this many samples. */
  measure(samples: number): Promise<PoolMeasurement>;
  logger: Logger;
}

/**
 * The media server's pool of ready provider connections (docs/prewarming.md): Deepgram live streams
 * and speak sockets opened ahead of calls, and the model's HTTP connection kept open by a cheap
 * request whenever it has been idle. Calls reach the pool through `speechToText` and `textToSpeech`,
 * which hand out a ready connection when there is one and otherwise open one as before, never
 * waiting. Runtime settings (start) hold until the process restarts.
 */
export class ConnectionPrewarmer {
  private settings: PoolSettings;
  private running = false;
  private startedAt: Date | null = null;
  private tick: NodeJS.Timeout | undefined;
  private readonly sttPool: WarmPool<WarmSttStream>;
  private readonly ttsPool: WarmPool<WarmSpeakSocket> | undefined;
  private readonly llmFigures = { pings: 0, pingFailures: 0 };
  private pinging = false;
  private measuring: Promise<PoolMeasurement> | undefined;
  private lastMeasurement: PoolMeasurement | null = null;

  constructor(private readonly deps: ConnectionPrewarmerDeps) {
    this.settings = { ...deps.settings };
    this.sttPool = new WarmPool('stt', () => deps.stt.openWarm(DEFAULT_SAMPLE_RATE, deps.logger), deps.logger);
    const tts = deps.tts;
    this.ttsPool = tts && new WarmPool('tts', () => tts.openWarm(deps.ttsVoice, DEFAULT_SAMPLE_RATE), deps.logger);
  }

  /** Speech recognition for calls: a pooled stream when one is ready at the call's rate. */
  get speechToText(): SpeechToText {
    return {
      open: (options, handlers) => {
        const warm = this.running && options.sampleRate === DEFAULT_SAMPLE_RATE ? this.sttPool.take() : undefined;
        if (!warm) return this.deps.stt.open(options, handlers);
        options.logger.debug({ provider: 'stt' }, 'call took a prewarmed connection');
        return Promise.resolve(warm.attach(options.logger, handlers));
      },
    };
  }

  /** Speech synthesis for calls: a pooled socket when one is ready for the call's voice and rate. */
  textToSpeech(fallback: TextToSpeech): TextToSpeech {
    const tts = this.deps.tts;
    const pool = this.ttsPool;
    if (!tts || !pool) return fallback;
    return {
      open: (options) => {
        const fits = this.running && options.voice === this.deps.ttsVoice && options.sampleRate === DEFAULT_SAMPLE_RATE;
        const warm = fits ? pool.take() : undefined;
        if (!warm) return tts.open(options);
        options.logger.debug({ provider: 'tts' }, 'call took a prewarmed connection');
        return tts.openOn(options, warm);
      },
    };
  }

  start(changes: StartPrewarming = {}): void {
    this.settings = { ...this.settings, ...changes };
    if (!this.running) {
      this.running = true;
      this.startedAt = new Date();
      this.tick = setInterval(() => this.maintain(), MAINTENANCE_TICK_MS);
      this.tick.unref();
    }
    this.deps.logger.info({ settings: this.settings }, 'connection prewarming started');
    this.maintain();
  }

  stop(): void {
    const wasRunning = this.running;
    this.running = false;
    this.startedAt = null;
    clearInterval(this.tick);
    this.tick = undefined;
    this.sttPool.stop();
    this.ttsPool?.stop();
    if (wasRunning) this.deps.logger.info('connection prewarming stopped');
  }

  /** One measurement at a time: a second request while one runs gets the same answer. */
  measure(samples: number): Promise<PoolMeasurement> {
    this.measuring ??= this.deps.measure(samples).then(
      (measurement) => {
        this.lastMeasurement = measurement;
        this.measuring = undefined;
        return measurement;
      },
      (err: unknown) => {
        this.measuring = undefined;
        throw err;
      },
    );
    return this.measuring;
  }

  status(): PoolStatus & { lastMeasurement: PoolMeasurement | null } {
    const tts = this.ttsPool?.status();
    const lastActivityAt = this.deps.llmConnection.lastActivityAt;
    return {
      running: this.running,
      startedAt: this.startedAt?.toISOString() ?? null,
      settings: { ...this.settings },
      stt: { ...this.sttPool.status(), sampleRate: DEFAULT_SAMPLE_RATE },
      tts: {
        ...(tts ?? emptyFigures()),
        available: tts !== undefined,
        voice: this.deps.ttsVoice,
        sampleRate: DEFAULT_SAMPLE_RATE,
      },
      llm: {
        keepAlive: this.running,
        idleConnections: this.deps.llmConnection.idleConnections(),
        ...this.llmFigures,
        lastRequestAt: lastActivityAt === undefined ? null : new Date(lastActivityAt).toISOString(),
      },
      lastMeasurement: this.lastMeasurement,
    };
  }

  private maintain(): void {
    if (!this.running) return;
    this.sttPool.maintain(this.settings.sttPoolSize, this.settings.refreshIntervalMs);
    this.ttsPool?.maintain(this.settings.ttsPoolSize, this.settings.refreshIntervalMs);
    if (!this.pinging && llmPingDue(this.deps.llmConnection.lastActivityAt, this.settings.llmKeepAliveMs, Date.now())) void this.pingLlm();
  }

  private async pingLlm(): Promise<void> {
    this.pinging = true;
    try {
      await this.deps.llm.ping();
      this.llmFigures.pings += 1;
    } catch (err) {
      this.llmFigures.pingFailures += 1;
      this.deps.logger.warn({ err }, 'keep-alive request to the language model failed');
    } finally {
      this.pinging = false;
    }
  }
}

function emptyFigures() {
  return { size: 0, ready: 0, opening: 0, opened: 0, openFailures: 0, hits: 0, misses: 0, hitRate: null, discarded: { dead: 0, expired: 0, surplus: 0, stopped: 0 } };
}
