/**
 * The account's voices and models: a few of ElevenLabs' premade voices under their real ids (so an
 * agent configured against the real account works unchanged here), and the TTS models with their
 * per-request character limits.
 */
export interface CatalogVoice {
  voice_id: string;
  name: string;
  category: 'premade';
  labels: Record<string, string>;
  description: string;
}

export const VOICES: CatalogVoice[] = [
  { voice_id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel', category: 'premade', labels: { accent: 'american', gender: 'female', age: 'young', use_case: 'narration' }, description: 'Calm' },
  { voice_id: 'EXAVITQu4vr4xnSDxMaL', name: 'Sarah', category: 'premade', labels: { accent: 'american', gender: 'female', age: 'young', use_case: 'news' }, description: 'Soft' },
  { voice_id: 'pNInz6obpgDQGcFmaJgB', name: 'Adam', category: 'premade', labels: { accent: 'american', gender: 'male', age: 'middle aged', use_case: 'narration' }, description: 'Deep' },
  { voice_id: 'ErXwobaYiN019PkySvjV', name: 'Antoni', category: 'premade', labels: { accent: 'american', gender: 'male', age: 'young', use_case: 'narration' }, description: 'Well-rounded' },
];

const DEFAULT_SETTINGS = { stability: 0.5, similarity_boost: 0.75, style: 0, use_speaker_boost: true, speed: 1 };

/** A voice as `GET /v1/voices` and `GET /v1/voices/{voice_id}` describe it. */
export function voiceView(voice: CatalogVoice) {
  return {
    ...voice,
    samples: null,
    fine_tuning: null,
    preview_url: null,
    available_for_tiers: [],
    settings: DEFAULT_SETTINGS,
    sharing: null,
    high_quality_base_model_ids: MODELS.map((model) => model.model_id),
    is_owner: false,
    is_legacy: false,
  };
}

export function findVoice(voiceId: string): CatalogVoice | undefined {
  return VOICES.find((voice) => voice.voice_id === voiceId);
}

/** Models that speak, with the longest text one request may carry. */
export const MODELS = [
  { model_id: 'eleven_flash_v2_5', name: 'Eleven Flash v2.5', maxCharacters: 40_000 },
  { model_id: 'eleven_turbo_v2_5', name: 'Eleven Turbo v2.5', maxCharacters: 40_000 },
  { model_id: 'eleven_multilingual_v2', name: 'Eleven Multilingual v2', maxCharacters: 10_000 },
];

/** ElevenLabs' model when a request names none. */
export const DEFAULT_MODEL_ID = 'eleven_multilingual_v2';

export function characterLimitOf(modelId: string): number | undefined {
  return MODELS.find((model) => model.model_id === modelId)?.maxCharacters;
}

/** `GET /v1/models`. */
export function modelsView() {
  return MODELS.map((model) => ({
    model_id: model.model_id,
    name: model.name,
    can_do_text_to_speech: true,
    can_be_finetuned: false,
    can_do_voice_conversion: false,
    can_use_style: true,
    can_use_speaker_boost: true,
    serves_pro_voices: false,
    token_cost_factor: model.model_id.startsWith('eleven_multilingual') ? 1 : 0.5,
    description: model.name,
    requires_alpha_access: false,
    max_characters_request_free_user: 2_500,
    max_characters_request_subscribed_user: model.maxCharacters,
    maximum_text_length_per_request: model.maxCharacters,
    languages: [{ language_id: 'en', name: 'English' }],
  }));
}
