import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType, type UpdateQuery } from 'mongoose';
import { CALL_STATUSES } from '../../domain/call-status';
import { createdDayOf } from '../../domain/created-day';
import { PRIORITIES } from '../../domain/priority';
import { TTS_FALLBACK_REASONS, TTS_PROVIDERS } from '../../domain/speech/tts-provider';
import { TTS_CHOICE_REASONS } from '../../domain/speech/tts-provider-choice';

/** Who spoke a bot turn, and why it fell back from ElevenLabs if it did (domain/speech/tts-provider). */
const turnSpeechSchema = new Schema(
  {
    provider: { type: String, enum: TTS_PROVIDERS, required: true },
    fallbackReason: { type: String, enum: TTS_FALLBACK_REASONS },
  },
  { _id: false },
);

/**
 * One document per attempt. The first attempt's id is the call's public `callLogId`; retries point
 * back to it through `retryOf`. Activities upsert by `_id`, so a retried activity never duplicates a row.
 */
const transcriptTurnSchema = new Schema(
  {
    turn: { type: Number, required: true },
    speaker: { type: String, enum: ['bot', 'caller'], required: true },
    text: { type: String, required: true },
    startedAt: { type: Date, required: true },
    endedAt: { type: Date },
    interrupted: { type: Boolean, default: false },
    /** A bot reply made with a knowledge lookup: the chunk ids quoted to the model, and the lookup's milliseconds. */
    knowledge: { type: new Schema({ chunkIds: { type: [String], default: [] }, retrievalMs: { type: Number } }, { _id: false }), default: undefined },
    tts: { type: turnSpeechSchema, default: undefined },
  },
  { _id: false },
);

const turnLatencySchema = new Schema(
  {
    turn: { type: Number, required: true },
    sttFinalMs: Number,
    llmFirstTokenMs: Number,
    ttsFirstByteMs: Number,
    voiceToVoiceMs: Number,
    ringlineMs: Number,
  },
  { _id: false },
);

/** Written by the media server once the greeting has played; absent on attempts that never greeted. */
const greetingPlaybackSchema = new Schema(
  {
    cacheHit: { type: Boolean, required: true },
    /** The cached audio was made by a prewarm request before the call, not left by an earlier call. */
    prewarmed: { type: Boolean, required: true },
    firstFrameMs: Number,
  },
  { _id: false },
);

/** Written by the media server at the end of an attempt with voicemail detection on (domain/voicemail/detection-record). */
const voicemailDetectionSchema = new Schema(
  {
    verdict: { type: String, enum: ['human', 'machine', 'unreachable', 'undecided'], required: true },
    score: { type: Number, required: true },
    reasons: { type: [String], default: [] },
    decidedAtMs: { type: Number, default: null },
    messageAttempted: { type: Boolean, required: true },
    messageLeft: { type: Boolean, required: true },
    messageDurationMs: { type: Number, required: true },
  },
  { _id: false },
);

const callLogSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    callId: { type: String, required: true },
    attempt: { type: Number, required: true, min: 1 },
    retryOf: { type: String, default: null },
    retryCount: { type: Number, default: 0 },
    direction: { type: String, enum: ['outbound', 'inbound'], default: 'outbound' },
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    agentId: { type: String, required: true },
    status: { type: String, enum: CALL_STATUSES, required: true },
    outboundStatus: { type: String, default: null },
    failureReason: { type: String, default: null },
    /** The whole call's result, on the first attempt's row once the workflow ends (e.g. `busy_max_retries`). */
    finalStatus: { type: String, enum: [...CALL_STATUSES, null], default: null },
    finalFailureReason: { type: String, default: null },
    exotelCallSid: { type: String },
    priority: { type: String, enum: PRIORITIES, default: 'medium' },
    campaignId: { type: String, default: null },
    seriesId: { type: String, default: null },
    scheduledCallId: { type: String, default: null },
    workflowId: { type: String, required: true },
    recordingUrl: { type: String, default: null },
    timings: {
      queuedAt: Date,
      dialedAt: Date,
      ringingAt: Date,
      answeredAt: Date,
      mediaStartedAt: Date,
      endedAt: Date,
      durationSec: Number,
    },
    transcript: { type: [transcriptTurnSchema], default: [] },
    latency: { type: [turnLatencySchema], default: [] },
    greeting: { type: greetingPlaybackSchema, default: undefined },
    /** The call request's choice of text-to-speech provider; absent: the agent's and the premium rules'. */
    ttsProvider: { type: String, enum: [...TTS_PROVIDERS, null], default: null },
    /** Written by the media server at the start: the provider the call was meant to speak with, and why. */
    ttsChoice: {
      type: new Schema({ provider: { type: String, enum: TTS_PROVIDERS, required: true }, reason: { type: String, enum: TTS_CHOICE_REASONS, required: true } }, { _id: false }),
      default: undefined,
    },
    voicemailDetection: { type: voicemailDetectionSchema, default: undefined },
    /** Exotel's AnsweredBy for the attempt, as a status callback brought it (db/carrier-answered-by.ts). */
    carrierAnsweredBy: { type: String, enum: ['human', 'machine'], default: undefined },
    metadata: { type: Schema.Types.Mixed, default: {} },
    /** When retention or an erasure cleared this record's personal data (docs/security.md). */
    personalDataPurgedAt: { type: Date, default: null },
    /** `createdAt`'s UTC day, set by the hooks below whenever a row is created (domain/created-day.ts). */
    createdDay: { type: String },
  },
  { timestamps: true, collection: 'call_logs', minimize: false },
);

// Mongoose's own timestamp hooks were registered with the schema, so they have run by now and
// `createdAt` is the instant the row will carry: its day is derived from it, never from a second clock.
callLogSchema.pre('save', function setCreatedDay() {
  if (this.isNew && this.createdAt instanceof Date) this.set('createdDay', createdDayOf(this.createdAt));
});
callLogSchema.pre(['findOneAndUpdate', 'updateOne'], function setCreatedDayOnInsert() {
  const update = this.getUpdate() as UpdateQuery<unknown> | null;
  const createdAt: unknown = update?.$setOnInsert?.createdAt;
  if (update?.$setOnInsert && createdAt instanceof Date) update.$setOnInsert.createdDay = createdDayOf(createdAt);
});

callLogSchema.index({ exotelCallSid: 1 }, { unique: true, sparse: true });
callLogSchema.index({ callId: 1, attempt: 1 }, { unique: true });
callLogSchema.index({ status: 1, createdAt: -1 });
callLogSchema.index({ campaignId: 1, status: 1 });
callLogSchema.index({ retryOf: 1 });
// The call list (GET /calls, api/call-list.ts) reads newest first by (createdAt, _id) within an
// organization: one index per filter that narrows a list sharply, each ending in that order so a page
// is read in order and stops at its limit. Status and failure reason are checked on the rows these
// return (they match large shares of calls); the agent and org ones also serve analytics.
callLogSchema.index({ orgId: 1, createdAt: -1, _id: -1 });
// The whole list and outcome-only filters read one day at a time (api/call-list.ts).
callLogSchema.index({ orgId: 1, createdDay: 1, createdAt: -1, _id: -1 });
callLogSchema.index({ orgId: 1, agentId: 1, createdAt: -1, _id: -1 });
callLogSchema.index({ orgId: 1, campaignId: 1, createdAt: -1, _id: -1 });
callLogSchema.index({ orgId: 1, seriesId: 1, createdAt: -1, _id: -1 });
// Also erasure's look-up (api/number-erasure.ts).
callLogSchema.index({ orgId: 1, phoneNumber: 1, createdAt: -1, _id: -1 });

export type CallLogRecord = InferSchemaType<typeof callLogSchema>;
export const CallLog = model('CallLog', callLogSchema);
