import express, { type Router } from 'express';
import { requireApiKey } from './auth';
import { ERRORS, sendElevenLabsError } from './elevenlabs-error';
import type { ElevenLabsStats } from './stats';
import { findVoice, modelsView, VOICES, voiceView } from './voice-catalog';

export interface AccountApiDeps {
  apiKey: string | undefined;
  stats: ElevenLabsStats;
  /** Characters synthesized so far: the subscription's usage. */
  charactersUsed: () => number;
}

/** The simulated account's plan: its monthly characters. */
const CHARACTER_LIMIT = 2_000_000;

/**
 * The account endpoints the SDK reaches besides synthesis: `GET /v1/user` (its key check: a bad key
 * answers 401 `invalid_api_key`), `GET /v1/user/subscription`, the voices (`GET /v1/voices`,
 * `GET /v2/voices`, `GET /v1/voices/{voice_id}`) and `GET /v1/models`.
 */
export function createAccountApi(deps: AccountApiDeps): Router {
  const router = express.Router();
  const auth = requireApiKey(deps.apiKey, () => (deps.stats.authRefused += 1));

  const subscription = () => ({
    tier: 'pro',
    character_count: deps.charactersUsed(),
    character_limit: CHARACTER_LIMIT,
    max_credit_limit_extension: 0,
    can_extend_character_limit: true,
    allowed_to_extend_character_limit: true,
    next_character_count_reset_unix: Math.floor(Date.now() / 1000) + 30 * 86_400,
    voice_slots_used: 0,
    professional_voice_slots_used: 0,
    professional_voice_slots_used_in_workspace: 0,
    voice_limit: 160,
    voice_add_edit_counter: 0,
    professional_voice_limit: 1,
    can_extend_voice_limit: false,
    can_use_instant_voice_cloning: true,
    can_use_professional_voice_cloning: true,
    current_overage: { amount: '0', currency: 'usd' },
    status: 'active',
  });

  router.get('/v1/user', auth, (_req, res) => {
    deps.stats.keyChecks += 1;
    res.json({
      user_id: 'sim-user',
      workspace_id: 'sim-workspace',
      subscription: subscription(),
      is_new_user: false,
      xi_api_key: null,
      can_use_delayed_payment_methods: false,
      is_onboarding_completed: true,
      is_onboarding_checklist_completed: true,
      first_name: 'Ringline',
      created_at: 1_700_000_000,
      seat_type: 'workspace_admin',
    });
  });

  router.get('/v1/user/subscription', auth, (_req, res) => {
    res.json(subscription());
  });

  router.get('/v1/voices', auth, (_req, res) => {
    deps.stats.voiceLists += 1;
    res.json({ voices: VOICES.map(voiceView) });
  });

  router.get('/v2/voices', auth, (_req, res) => {
    deps.stats.voiceLists += 1;
    res.json({ voices: VOICES.map(voiceView), has_more: false, total_count: VOICES.length, next_page_token: null });
  });

  router.get('/v1/voices/:voiceId', auth, (req, res) => {
    const voiceId = String(req.params.voiceId);
    const voice = findVoice(voiceId);
    if (!voice) return sendElevenLabsError(res, 404, ERRORS.voiceNotFound(voiceId));
    res.json(voiceView(voice));
  });

  router.get('/v1/models', auth, (_req, res) => {
    res.json(modelsView());
  });

  return router;
}
