import type { Logger } from '../../lib/logger';
import type { CalleeAudioFactory } from './callee-audio';
import type { FaultSetInput } from './faults';

/**
 * Times of the simulated world, all in milliseconds unless the name says otherwise. Defaults are
 * realistic for a demo; tests pass tens of milliseconds.
 */
export interface SimulatorTiming {
  /** From the dial request until the customer's phone rings (or the call fails). */
  queuedMs: number;
  /** How long the phone rings before the callee answers (or rejects: busy). A scenario may override it. */
  ringMs: number;
  /** Ring time when the dial gives no `TimeOut`. */
  defaultRingTimeoutSeconds: number;
  /** Talk time after which the `hang-up` scenario's callee hangs up. */
  calleeHangUpAfterMs: number;
  /** From a call event until its status callback is sent. */
  callbackDelayMs: number;
  /** A callback the receiver has not answered within this time counts as failed. */
  callbackTimeoutMs: number;
  /** Retries after a failed callback (Exotel: up to 2). */
  callbackRetries: number;
  callbackRetryDelayMs: number;
  /** The media WebSocket must be open within this time of the answer (Exotel: 10 s). */
  mediaConnectTimeoutMs: number;
  /** Pause before the single retry of a failed media connection. */
  mediaRetryDelayMs: number;
  /** Length of one callee audio chunk on the media leg. */
  mediaChunkMs: number;
  /** A media session ends after this long (Exotel: 60 minutes). */
  maxMediaSessionMs: number;
  /** `Duration` and `Price` of a call stay null for this long after it ends (Exotel: 2–5 minutes; default 0). */
  durationLagMs: number;
  /** Time allowed for the flow-mode Voicebot URL lookup. */
  voicebotUrlTimeoutMs: number;
}

export const DEFAULT_TIMING: SimulatorTiming = {
  queuedMs: 1000,
  ringMs: 3000,
  defaultRingTimeoutSeconds: 30,
  calleeHangUpAfterMs: 5000,
  callbackDelayMs: 200,
  callbackTimeoutMs: 15_000,
  callbackRetries: 2,
  callbackRetryDelayMs: 1000,
  mediaConnectTimeoutMs: 10_000,
  mediaRetryDelayMs: 1000,
  mediaChunkMs: 100,
  maxMediaSessionMs: 60 * 60 * 1000,
  durationLagMs: 0,
  voicebotUrlTimeoutMs: 5000,
};

export interface ExotelSimulatorOptions extends Partial<SimulatorTiming> {
  /** Default `ringline-sim`. */
  accountSid?: string;
  /** Basic-auth user. Default `sim-key`. */
  apiKey?: string;
  /** Basic-auth password. Default `sim-token`. */
  apiToken?: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Requests per minute per account across all v1 endpoints; 0 = unlimited. Default 200. */
  rateLimitPerMinute?: number;
  /**
   * Flow mode (`Url` instead of `StreamUrl`): the Voicebot applet's dynamic URL, which the simulator
   * asks for the WebSocket address. Without it, flow-mode calls cannot reach a bot.
   */
  voicebotUrl?: string;
  /** Fault rules in force from the start and after every reset. */
  faults?: FaultSetInput;
  /** Seed of the generator behind probabilistic faults. Default 1. */
  seed?: number;
  /** The callee's line beneath its scripted voice (see sim/audio). Default: silence. */
  calleeAudio?: CalleeAudioFactory;
  /** Default: `createLogger('exotel-sim')`. */
  logger?: Logger;
}

export interface ResolvedSimulatorOptions {
  accountSid: string;
  apiKey: string;
  apiToken: string;
  host: string;
  rateLimitPerMinute: number;
  voicebotUrl: string | undefined;
  faults: FaultSetInput;
  seed: number;
  timing: SimulatorTiming;
}

export function resolveOptions(options: ExotelSimulatorOptions): ResolvedSimulatorOptions {
  const timing = { ...DEFAULT_TIMING };
  for (const key of Object.keys(DEFAULT_TIMING) as (keyof SimulatorTiming)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new Error(`Exotel simulator option ${key} must be a non-negative number`);
    timing[key] = value;
  }
  const rateLimitPerMinute = options.rateLimitPerMinute ?? 200;
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 0) {
    throw new Error('Exotel simulator option rateLimitPerMinute must be a whole number ≥ 0');
  }
  return {
    accountSid: options.accountSid ?? 'ringline-sim',
    apiKey: options.apiKey ?? 'sim-key',
    apiToken: options.apiToken ?? 'sim-token',
    host: options.host ?? '127.0.0.1',
    rateLimitPerMinute,
    voicebotUrl: options.voicebotUrl,
    faults: options.faults ?? {},
    seed: options.seed ?? 1,
    timing,
  };
}
