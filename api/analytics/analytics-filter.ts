import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';

/** What every report is narrowed by: the caller's organization, then agent and campaign. */
export function scopeMatch(filter: Pick<AnalyticsQuery, 'orgId' | 'agentId' | 'campaignId'>): Record<string, unknown> {
  return {
    orgId: filter.orgId,
    ...(filter.agentId !== undefined && { agentId: filter.agentId }),
    ...(filter.campaignId !== undefined && { campaignId: filter.campaignId }),
  };
}

/** Attempts (CallLog rows) created in the half-open period [from, to) within the scope. */
export function attemptsMatch(filter: AnalyticsQuery): Record<string, unknown> {
  return { ...scopeMatch(filter), createdAt: { $gte: filter.from, $lt: filter.to } };
}

/** Logical calls are their first attempts' rows; `retryOf` may be absent on them (docs/database.md), `attempt` never is. */
export function firstAttemptsMatch(filter: AnalyticsQuery): Record<string, unknown> {
  return { ...attemptsMatch(filter), attempt: 1 };
}

/** The filter as the response echoes it, defaults filled in. */
export function describeFilter(filter: AnalyticsQuery) {
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    agentId: filter.agentId ?? null,
    campaignId: filter.campaignId ?? null,
  };
}
