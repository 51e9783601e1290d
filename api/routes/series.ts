import { Router } from 'express';
import { createSeriesSchema, listSeriesQuerySchema, seriesActionParamsSchema, seriesIdParamsSchema } from '../../domain/api-schemas/schedules';
import type { CallRoutesContext } from '../call-context';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { actOnSeries, createSeries, listSeries, loadSeries } from '../series';

/** Recurring series: create, list, read (with the next occurrences) and pause/resume/skip/cancel. */
export function seriesRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/series', async (req, res) => {
    const { replay, view } = await createSeries(ctx, createSeriesSchema.parse(req.body), idempotencyKeyOf(req));
    res.status(replay ? 200 : 201).json(replay ? { ...view, idempotentReplay: true } : view);
  });

  router.get('/series', async (req, res) => {
    res.json(await listSeries(ctx.config, listSeriesQuerySchema.parse(req.query)));
  });

  router.get('/series/:seriesId', async (req, res) => {
    const { seriesId } = seriesIdParamsSchema.parse(req.params);
    res.json(await loadSeries(ctx, seriesId));
  });

  router.post('/series/:seriesId/:action', async (req, res) => {
    const { seriesId, action } = seriesActionParamsSchema.parse(req.params);
    res.json(await actOnSeries(ctx, seriesId, action));
  });

  return router;
}
