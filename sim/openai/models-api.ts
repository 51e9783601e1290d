import express, { type Router } from 'express';
import { authError } from './auth';
import { sendOpenAiError } from './openai-error';
import type { OpenAiStats } from './stats';

/** The models the simulator answers for (any name is accepted by chat completions; these are listed). */
const LISTED_MODELS = ['gpt-4o-mini', 'gpt-4o'];
const CREATED = 1_715_367_049;

/** `GET /v1/models`: OpenAI's model list, Bearer auth as every endpoint. */
export function createModelsApi(deps: { apiKey: string | undefined; stats: OpenAiStats }): Router {
  const router = express.Router();
  router.get('/v1/models', (req, res) => {
    deps.stats.modelListRequests += 1;
    const error = authError(req.get('authorization'), deps.apiKey);
    if (error) {
      deps.stats.recordError(401);
      return sendOpenAiError(res, 401, error);
    }
    res.json({ object: 'list', data: LISTED_MODELS.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })) });
  });
  return router;
}
