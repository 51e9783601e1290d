import { Agent } from '../db/models/agent';
import type { CampaignSettings } from '../domain/api-schemas/campaigns';
import type { Config } from '../domain/config';
import { ApiError } from './api-error';
import { acceptCallbackUrl } from './callback-url';
import type { CampaignRequest } from './campaigns';
import { callWindowSettings, resolveDateTime } from './call-window-request';

/**
 * A campaign's settings as the workflow will run them, checked before a single contact is read: a bad
 * time zone, a start in the past or a missing agent refuses the whole request and writes nothing.
 */
export async function campaignRequestOf(
  config: Config,
  orgId: string,
  settings: CampaignSettings,
  source: 'json' | 'csv',
): Promise<CampaignRequest & { agentId: string | null }> {
  const windows = callWindowSettings(config, {
    timezone: settings.timezone,
    respectBusinessHours: settings.respectBusinessHours,
    businessHours: settings.businessHours,
    avoidPeakHours: settings.retryPolicy?.avoidPeakHours,
  });
  let startAt: number | undefined;
  if (settings.scheduledFor !== undefined) {
    startAt = resolveDateTime(settings.scheduledFor, windows.timezone, 'scheduledFor');
    if (startAt <= Date.now()) throw new ApiError(400, 'SCHEDULED_TIME_IN_PAST', 'scheduledFor must be in the future', { scheduledFor: settings.scheduledFor });
  }
  if (settings.agentId !== undefined) await requireUsableAgent(orgId, settings.agentId);
  if (settings.callbackUrl !== undefined) await acceptCallbackUrl(config, orgId, settings.callbackUrl);
  return {
    name: settings.name ?? `${source === 'csv' ? 'CSV import' : 'Bulk calls'} ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    source,
    agentId: settings.agentId ?? null,
    priority: settings.priority,
    throttle: {
      maxConcurrent: settings.throttle?.maxConcurrent ?? config.CAMPAIGN_DEFAULT_MAX_CONCURRENT,
      delayBetweenCallsMs: settings.throttle?.delayBetweenCalls ?? settings.throttle?.delayBetweenCallsMs ?? config.CAMPAIGN_DEFAULT_DELAY_MS,
    },
    ...(startAt !== undefined && { startAt }),
    windows,
    ...(settings.retryPolicy && { retryPolicy: settings.retryPolicy }),
    ...(settings.ringTimeoutSec !== undefined && { ringTimeoutSec: settings.ringTimeoutSec }),
    ...(settings.callbackUrl !== undefined && { callbackUrl: settings.callbackUrl }),
  };
}

async function requireUsableAgent(orgId: string, agentId: string): Promise<void> {
  const agent = await Agent.findOne({ _id: agentId, orgId }, { active: 1 }).lean();
  if (!agent) throw new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${agentId} does not exist`);
  if (!agent.active) throw new ApiError(422, 'AGENT_INACTIVE', `Agent ${agentId} is inactive`);
}

/** For the contact checks: an agent a row names must exist, be active and belong to the organization. */
export function agentIsUsableIn(orgId: string): (agentId: string) => Promise<boolean> {
  return async (agentId) => Boolean(await Agent.exists({ _id: agentId, orgId, active: true }));
}
