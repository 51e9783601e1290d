import { z } from 'zod';
import { TTS_PROVIDERS } from '../speech/tts-provider';
import { instantSchema, pageAnswerSchema, paginationQueryShape, resourceIdSchema, booleanQuerySchema } from './common';

const sentence = (max: number) => z.string().trim().min(1).max(max);

/** Every Agent field a client may set; the model's defaults fill in what a create leaves out. */
const agentFields = {
  name: sentence(200),
  description: z.string().trim().max(2_000),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en-IN'),
  prompt: sentence(20_000),
  greeting: sentence(1_000),
  noResponsePrompt: sentence(1_000),
  goodbyeMessage: sentence(1_000),
  /** Empty: the default message, made from `companyName` and `callbackNumber` (docs/voicemail.md). */
  voicemailMessage: z.string().trim().max(1_000),
  /** A phone number, stored in E.164 (read with DEFAULT_COUNTRY when it has no country code); null: none. */
  callbackNumber: z.string().trim().min(1).max(40).nullable(),
  companyName: z.string().trim().max(200),
  /** The Deepgram Aura voice. */
  voice: sentence(100),
  /** Who speaks its calls; a call request, a high priority or a VIP call may still choose ElevenLabs (docs/premium-voice.md). */
  ttsProvider: z.enum(TTS_PROVIDERS),
  /** Its ElevenLabs voice id; null: ELEVENLABS_DEFAULT_VOICE_ID. */
  elevenLabsVoiceId: z.string().trim().regex(/^[A-Za-z0-9]{1,64}$/, 'must be an ElevenLabs voice id').nullable(),
  llmModel: sentence(100),
  /** Exotel's TimeLimit ceiling is 14400 s. */
  maxCallDurationSec: z.int().min(10).max(14_400),
  noResponseTimeoutSec: z.int().min(1).max(120),
  noResponseHangupSec: z.int().min(1).max(120),
  voicemailDetection: z.boolean(),
  /** Score at or above which the callee is a machine; null: VOICEMAIL_THRESHOLD. */
  voicemailThreshold: z.number().min(0.1).max(1).nullable(),
  /** How long a beep or an announcement may still turn the verdict (Twilio's default is 30 s); null: VOICEMAIL_TIMEOUT_SEC. */
  voicemailTimeoutSec: z.int().min(5).max(120).nullable(),
  endPhrases: z.array(sentence(200)).max(50),
  /** Calls of this agent are recorded unless a call request says otherwise. */
  record: z.boolean(),
};

export const createAgentSchema = z.strictObject({
  id: resourceIdSchema.optional(),
  ...agentFields,
  description: agentFields.description.optional(),
  language: agentFields.language.optional(),
  noResponsePrompt: agentFields.noResponsePrompt.optional(),
  goodbyeMessage: agentFields.goodbyeMessage.optional(),
  voicemailMessage: agentFields.voicemailMessage.optional(),
  callbackNumber: agentFields.callbackNumber.optional(),
  companyName: agentFields.companyName.optional(),
  voice: agentFields.voice.optional(),
  ttsProvider: agentFields.ttsProvider.optional(),
  elevenLabsVoiceId: agentFields.elevenLabsVoiceId.optional(),
  llmModel: agentFields.llmModel.optional(),
  maxCallDurationSec: agentFields.maxCallDurationSec.optional(),
  noResponseTimeoutSec: agentFields.noResponseTimeoutSec.optional(),
  noResponseHangupSec: agentFields.noResponseHangupSec.optional(),
  voicemailDetection: agentFields.voicemailDetection.optional(),
  voicemailThreshold: agentFields.voicemailThreshold.optional(),
  voicemailTimeoutSec: agentFields.voicemailTimeoutSec.optional(),
  endPhrases: agentFields.endPhrases.optional(),
  record: agentFields.record.optional(),
});
export type CreateAgentRequest = z.infer<typeof createAgentSchema>;

export const updateAgentSchema = z
  .strictObject({ ...agentFields, active: z.boolean() })
  .partial()
  .refine((update) => Object.keys(update).length > 0, 'must change at least one field');
export type UpdateAgentRequest = z.infer<typeof updateAgentSchema>;

export const agentIdParamsSchema = z.object({ agentId: resourceIdSchema });

export const listAgentsQuerySchema = z.object({ ...paginationQueryShape, active: booleanQuerySchema.optional() });

/** An agent with every field filled (the defaults where a create left one out); deactivated agents keep `active: false`. */
export const agentAnswerSchema = z.object({
  id: z.string(),
  ...agentFields,
  active: z.boolean(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});

export const agentPageAnswerSchema = pageAnswerSchema(agentAnswerSchema);
