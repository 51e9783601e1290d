import { Router } from 'express';
import { allow, principalOf } from '../access/route-access';
import { analyticsQuerySchema, trendsQuerySchema, type AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { costPricesOf } from '../../domain/analytics/cost';
import { describeFilter } from '../analytics/analytics-filter';
import { loadCallsReport } from '../analytics/calls';
import { estimateCostFor } from '../analytics/cost';
import { loadDashboard } from '../analytics/dashboard';
import { loadPerformanceReport } from '../analytics/performance';
import { loadRetryReport } from '../analytics/retry';
import { loadSchedulingReport } from '../analytics/scheduling';
import { loadStats } from '../analytics/stats';
import { loadTrendsReport } from '../analytics/trends';
import { loadVoicemailReport } from '../analytics/voicemail';
import type { CallRoutesContext } from '../call-context';

/**
 * Read-only reports over the call records (docs/analytics.md). Each answer echoes its resolved filter,
 * since the period defaults to the seven days before the request.
 */
export function analyticsRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const prices = costPricesOf(ctx.config);

  router.get('/analytics/dashboard', allow('analytics.read'), async (req, res) => {
    const now = new Date();
    const filter = { ...analyticsQuerySchema(now, ctx.config.ACCOUNT_TIMEZONE).parse(req.query), orgId: principalOf(res).orgId };
    res.json({ filter: describeFilter(filter), ...(await loadDashboard(filter, prices, now)) });
  });

  router.get('/stats', allow('analytics.read'), async (req, res) => {
    const filter = { ...analyticsQuerySchema(new Date(), ctx.config.ACCOUNT_TIMEZONE).parse(req.query), orgId: principalOf(res).orgId };
    res.json({ filter: describeFilter(filter), ...(await loadStats(filter)) });
  });

  const reports: Record<string, (filter: AnalyticsQuery) => Promise<object>> = {
    calls: loadCallsReport,
    retry: loadRetryReport,
    scheduling: loadSchedulingReport,
    voicemail: loadVoicemailReport,
    performance: loadPerformanceReport,
    cost: (filter) => estimateCostFor(filter, prices),
  };
  for (const [name, load] of Object.entries(reports)) {
    router.get(`/analytics/${name}`, allow('analytics.read'), async (req, res) => {
      const filter = { ...analyticsQuerySchema(new Date(), ctx.config.ACCOUNT_TIMEZONE).parse(req.query), orgId: principalOf(res).orgId };
      res.json({ filter: describeFilter(filter), ...(await load(filter)) });
    });
  }

  router.get('/analytics/trends', allow('analytics.read'), async (req, res) => {
    const query = { ...trendsQuerySchema(new Date(), ctx.config.ACCOUNT_TIMEZONE).parse(req.query), orgId: principalOf(res).orgId };
    res.json({ filter: describeFilter(query), ...(await loadTrendsReport(query)) });
  });

  return router;
}
