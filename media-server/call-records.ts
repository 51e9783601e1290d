import { readCarrierAnsweredBy } from '../db/carrier-answered-by';
import { CallLog } from '../db/models/call-log';
import type { TurnLatency } from '../domain/call-workflow-types';
import type { Priority } from '../domain/priority';
import type { TtsProvider, TurnSpeech } from '../domain/speech/tts-provider';
import type { TtsChoice } from '../domain/speech/tts-provider-choice';
import type { CarrierAnsweredBy } from '../domain/voicemail/carrier-answered-by';
import type { VoicemailDetectionRecord } from '../domain/voicemail/detection-record';

/** The attempt's CallLog as the media server needs it at the start of a call. */
export interface AttemptRecord {
  agentId: string;
  metadata: Record<string, unknown>;
  priority: Priority;
  /** The call request's choice of text-to-speech provider, if it made one. */
  ttsProvider?: TtsProvider;
  /** Exotel's CallSid for the attempt, once the workflow has recorded the dial's answer. */
  callSid?: string;
}

export interface TranscriptTurn {
  turn: number;
  speaker: 'bot' | 'caller';
  text: string;
  startedAt: Date;
  endedAt: Date;
  interrupted: boolean;
  /** A bot reply made with a knowledge lookup: the passages quoted to the model (none may have scored high enough) and the lookup's time. */
  knowledge?: { chunkIds: string[]; retrievalMs: number };
  /** Bot turns: who spoke it and, if it fell back from ElevenLabs, why. */
  tts?: TurnSpeech;
}

/** How the call's greeting went out: from the cache (made by a prewarm or left by an earlier call) or synthesized. */
export interface GreetingPlayback {
  cacheHit: boolean;
  prewarmed: boolean;
  /** From the greeting being asked for to its first audio leaving for Exotel; absent when none left. */
  firstFrameMs?: number;
}

/** The media server's reads and writes of the CallLog collection. */
export interface CallRecords {
  loadAttempt(callLogId: string): Promise<AttemptRecord | undefined>;
  /** Appends one transcript turn; writing the same turn number again changes nothing. */
  appendTurn(callLogId: string, turn: TranscriptTurn): Promise<void>;
  saveLatency(callLogId: string, latency: TurnLatency[]): Promise<void>;
  saveGreeting(callLogId: string, greeting: GreetingPlayback): Promise<void>;
  /** The provider the call was meant to speak with, and why (per-turn `tts` says who actually spoke). */
  saveTtsChoice(callLogId: string, choice: TtsChoice): Promise<void>;
  saveVoicemailDetection(callLogId: string, detection: VoicemailDetectionRecord): Promise<void>;
  /** Exotel's AnsweredBy, once a status callback has brought it to the attempt. */
  loadCarrierAnsweredBy(callLogId: string): Promise<CarrierAnsweredBy | undefined>;
}

export const databaseCallRecords: CallRecords = {
  async loadAttempt(callLogId) {
    const doc = await CallLog.findById(callLogId, { agentId: 1, metadata: 1, exotelCallSid: 1, priority: 1, ttsProvider: 1 }).lean();
    if (!doc) return undefined;
    const metadata = doc.metadata !== null && typeof doc.metadata === 'object' ? (doc.metadata as Record<string, unknown>) : {};
    return {
      agentId: doc.agentId,
      metadata,
      priority: doc.priority,
      ...(doc.ttsProvider ? { ttsProvider: doc.ttsProvider } : {}),
      ...(doc.exotelCallSid ? { callSid: doc.exotelCallSid } : {}),
    };
  },
  async appendTurn(callLogId, turn) {
    // The turn number in the filter makes a retried write (the first one timed out but landed) a no-op.
    await CallLog.updateOne({ _id: callLogId, 'transcript.turn': { $ne: turn.turn } }, { $push: { transcript: turn } });
  },
  async saveLatency(callLogId, latency) {
    await CallLog.updateOne({ _id: callLogId }, { $set: { latency } });
  },
  async saveGreeting(callLogId, greeting) {
    await CallLog.updateOne({ _id: callLogId }, { $set: { greeting } });
  },
  async saveTtsChoice(callLogId, ttsChoice) {
    await CallLog.updateOne({ _id: callLogId }, { $set: { ttsChoice } });
  },
  async saveVoicemailDetection(callLogId, voicemailDetection) {
    await CallLog.updateOne({ _id: callLogId }, { $set: { voicemailDetection } });
  },
  loadCarrierAnsweredBy: readCarrierAnsweredBy,
};
