import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import { authError } from './auth';
import { simulatedEmbedding } from './embedding-vector';
import { invalidRequest, sendOpenAiError, type OpenAiErrorDetails } from './openai-error';
import type { OpenAiStats } from './stats';
import { tokenize } from './tokens';

export interface EmbeddingsDeps {
  apiKey: string | undefined;
  /** Added before every answer: the provider's time for an embeddings request. */
  latencyMs: number;
  stats: OpenAiStats;
  logger: Logger;
}

/** The embedding models OpenAI serves, with their native size and whether `dimensions` may shorten it. */
const MODELS: Readonly<Record<string, { dimensions: number; shortenable: boolean }>> = {
  'text-embedding-3-small': { dimensions: 1536, shortenable: true },
  'text-embedding-3-large': { dimensions: 3072, shortenable: true },
  'text-embedding-ada-002': { dimensions: 1536, shortenable: false },
};

const MAX_INPUTS = 2048;
const MAX_INPUT_TOKENS = 8192;

const requestSchema = z.strictObject({
  input: z.union([z.string(), z.array(z.string())]),
  model: z.string().min(1),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

/**
 * `POST /v1/embeddings` with deterministic vectors (embedding-vector.ts): OpenAI's checks and error
 * bodies for the cases a client can get wrong (auth, JSON, unknown model, `dimensions`, empty or too
 * many inputs, an input over the token limit), `float` arrays or `base64` little-endian float32 as the
 * SDK asks for by default, and usage in the simulator's tokens.
 */
export function createEmbeddingsApi(deps: EmbeddingsDeps): Router {
  const router = express.Router();
  const { stats } = deps;
  const refuse = (res: Response, status: number, error: OpenAiErrorDetails) => {
    stats.embeddingErrors += 1;
    sendOpenAiError(res, status, error);
  };

  router.post(
    '/v1/embeddings',
    (req, res, next) => {
      stats.embeddingRequests += 1;
      const error = authError(req.get('authorization'), deps.apiKey);
      if (error) return refuse(res, 401, error);
      next();
    },
    express.json({ type: () => true, limit: '20mb' }),
    (req, res, next) => {
      const parsed = requestSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = issue.path.join('.') || null;
        return refuse(res, 400, invalidRequest(issue.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}` : `Invalid value for '${param}': ${issue.message}. The simulator accepts text input only.`, param));
      }
      const request = parsed.data;
      const model = MODELS[request.model];
      if (!model) return refuse(res, 404, { message: `The model \`${request.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' });
      if (request.dimensions !== undefined && !model.shortenable) return refuse(res, 400, invalidRequest('This model does not support specifying dimensions.', 'dimensions'));
      if (request.dimensions !== undefined && request.dimensions > model.dimensions) {
        return refuse(res, 400, invalidRequest(`This model's maximum number of dimensions is ${model.dimensions}.`, 'dimensions'));
      }
      const inputs = typeof request.input === 'string' ? [request.input] : request.input;
      if (inputs.length === 0 || inputs.length > MAX_INPUTS || inputs.some((input) => input === '')) {
        return refuse(res, 400, invalidRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input'));
      }
      const tokens = inputs.map((input) => tokenize(input).length);
      const longest = Math.max(...tokens);
      if (longest > MAX_INPUT_TOKENS) {
        return refuse(res, 400, invalidRequest(`This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${longest} tokens in your input. Please reduce your input.`, 'input'));
      }
      const dimensions = request.dimensions ?? model.dimensions;
      const base64 = request.encoding_format === 'base64';
      const data = inputs.map((input, index) => {
        const vector = simulatedEmbedding(input, dimensions);
        return { object: 'embedding', index, embedding: base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector) };
      });
      const promptTokens = tokens.reduce((sum, count) => sum + count, 0);
      stats.embeddedInputs += inputs.length;
      stats.embeddingTokens += promptTokens;
      deps.logger.debug({ inputs: inputs.length, dimensions, tokens: promptTokens }, 'embeddings');
      sleep(deps.latencyMs)
        .then(() => res.json({ object: 'list', data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }))
        .catch(next);
    },
  );

  router.use('/v1/embeddings', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    refuse(res, 400, invalidRequest('We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.'));
  });

  return router;
}
