import { Router } from 'express';
import { allow, principalOf } from '../access/route-access';
import { createSeriesSchema, listSeriesQuerySchema, seriesActionParamsSchema, seriesIdParamsSchema } from '../../domain/api-schemas/schedules';
import type { CallRoutesContext } from '../call-context';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { actOnSeries, createSeries, listSeries, loadSeries } from '../series';

/** Recurring series: create, list, read (with the next occurrences) and pause/resume/skip/cancel. */
export function seriesRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/series', allow('series.write'), async (req, res) => {
    const { replay, view } = await createSeries(ctx, principalOf(res).orgId, createSeriesSchema.parse(req.body), idempotencyKeyOf(req));
    res.status(replay ? 200 : 201).json(replay ? { ...view, idempotentReplay: true } : view);
  });

  router.get('/series', allow('series.read'), async (req, res) => {
    res.json(await listSeries(ctx.config, { ...listSeriesQuerySchema.parse(req.query), orgId: principalOf(res).orgId }));
  });

  router.get('/series/:seriesId', allow('series.read'), async (req, res) => {
    const { seriesId } = seriesIdParamsSchema.parse(req.params);
    res.json(await loadSeries(ctx, principalOf(res).orgId, seriesId));
  });

  router.post('/series/:seriesId/:action', allow('series.write'), async (req, res) => {
    const { seriesId, action } = seriesActionParamsSchema.parse(req.params);
    res.json(await actOnSeries(ctx, principalOf(res).orgId, seriesId, action));
  });

  return router;
}
