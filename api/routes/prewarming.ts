import { Router } from 'express';
import { allow } from '../access/route-access';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { askMediaServerPool, mediaServerOrigins } from '../media-pool-control';
import {
  measureAnswerSchema,
  measurePrewarmingSchema,
  poolMeasurementSchema,
  poolStatusSchema,
  startPrewarmingSchema,
  type PoolControlRequest,
} from '../../domain/api-schemas/prewarming';

const poolAnswerSchema = poolStatusSchema.extend({ lastMeasurement: poolMeasurementSchema.nullable() });

/**
 * The media servers' pool of ready provider connections (docs/prewarming.md). Status, start and stop
 * go to every media server the API knows (MEDIA_CONTROL_URL and MEDIA_CONTROL_ALLOWED_URLS); a
 * measurement runs on the one behind MEDIA_CONTROL_URL, since every instance reaches the same providers.
 */
export function prewarmingRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const secret = ctx.config.MEDIA_TOKEN_SECRET;

  async function askEveryServer(request: PoolControlRequest) {
    const answers = await Promise.all(
      mediaServerOrigins(ctx.config).map(async (mediaServer) => {
        const answer = await askMediaServerPool(mediaServer, secret, request);
        const pool = answer.ok ? poolAnswerSchema.safeParse((answer.body as { pool?: unknown }).pool) : undefined;
        if (pool?.success) return { mediaServer, reachable: true, pool: pool.data };
        const error = answer.ok ? 'UNEXPECTED_ANSWER' : answer.error;
        ctx.logger.warn({ mediaServer, action: request.action, error }, 'media server did not answer a pool request');
        return { mediaServer, reachable: false, error };
      }),
    );
    if (request.action !== 'status' && !answers.some((answer) => answer.reachable)) {
      throw new ApiError(502, 'MEDIA_SERVERS_UNREACHABLE', `No media server took the ${request.action} request`, { mediaServers: answers });
    }
    return { mediaServers: answers };
  }

  router.get('/analytics/prewarming', allow('prewarming.manage'), async (_req, res) => {
    res.json(await askEveryServer({ action: 'status' }));
  });

  router.post('/analytics/prewarming/start', allow('prewarming.manage'), async (req, res) => {
    const settings = startPrewarmingSchema.parse(req.body ?? {});
    res.json(await askEveryServer({ action: 'start', settings }));
  });

  router.post('/analytics/prewarming/stop', allow('prewarming.manage'), async (_req, res) => {
    res.json(await askEveryServer({ action: 'stop' }));
  });

  router.post('/analytics/prewarming/measure', allow('prewarming.manage'), async (req, res) => {
    const { samples } = measurePrewarmingSchema.parse(req.body ?? {});
    const mediaServer = new URL(ctx.config.MEDIA_CONTROL_URL).origin;
    const answer = await askMediaServerPool(mediaServer, secret, { action: 'measure', samples });
    if (!answer.ok) {
      const code = answer.error === 'MEASUREMENT_FAILED' ? 'MEASUREMENT_FAILED' : 'MEDIA_SERVER_UNREACHABLE';
      throw new ApiError(502, code, `The media server at ${mediaServer} could not measure the providers (${answer.error})`, { mediaServer });
    }
    res.json(measureAnswerSchema.parse({ mediaServer, measurement: (answer.body as { measurement?: unknown }).measurement }));
  });

  return router;
}
