import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { TTS_PROVIDERS } from '../../domain/speech/tts-provider';

/** The AI agent a call speaks as: what it says, how it listens, and how long it may talk. */
const agentSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    language: { type: String, default: 'en-IN' },
    prompt: { type: String, required: true },
    greeting: { type: String, required: true },
    noResponsePrompt: { type: String, default: 'Hello? Are you there?' },
    goodbyeMessage: { type: String, default: 'Thank you for your time. Goodbye!' },
    /** Empty: the default message (domain/conversation/default-voicemail.ts) made from the fields below. */
    voicemailMessage: { type: String, default: '' },
    /** E.164; the number the default voicemail message asks the callee to call back. */
    callbackNumber: { type: String, default: null },
    /** The company the agent speaks for, named in the default voicemail message. */
    companyName: { type: String, default: '' },
    voice: { type: String, default: 'aura-2-thalia-en' },
    /** Who speaks its calls (a call's request or the premium rules may still choose ElevenLabs); docs/premium-voice.md. */
    ttsProvider: { type: String, enum: TTS_PROVIDERS, default: 'deepgram' },
    /** Its ElevenLabs voice; null: ELEVENLABS_DEFAULT_VOICE_ID. */
    elevenLabsVoiceId: { type: String, default: null },
    llmModel: { type: String, default: 'gpt-4o-mini' },
    maxCallDurationSec: { type: Number, default: 600, min: 10, max: 14400 },
    noResponseTimeoutSec: { type: Number, default: 10, min: 1 },
    noResponseHangupSec: { type: Number, default: 5, min: 1 },
    voicemailDetection: { type: Boolean, default: true },
    /** Null: the media server's VOICEMAIL_THRESHOLD and VOICEMAIL_TIMEOUT_SEC. */
    voicemailThreshold: { type: Number, default: null, min: 0.1, max: 1 },
    voicemailTimeoutSec: { type: Number, default: null, min: 5, max: 120 },
    /** Its calls ask Exotel to record the conversation unless the call request says otherwise. */
    record: { type: Boolean, default: false },
    endPhrases: { type: [String], default: ['bye', 'goodbye', 'thank you, goodbye'] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, collection: 'agents' },
);

agentSchema.index({ name: 1 });
agentSchema.index({ active: 1, createdAt: -1 });
agentSchema.index({ orgId: 1, createdAt: -1 });

export type AgentRecord = InferSchemaType<typeof agentSchema>;
export const Agent = model('Agent', agentSchema);
