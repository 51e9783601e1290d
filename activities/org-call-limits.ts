import { DEFAULT_ORG_ID } from '../domain/access-control';
import type { OccurrenceRefusal } from '../domain/schedule-records';
import { OrgCallGuard, type OrgCallLimits } from '../lib/org-call-limits';

const REFUSAL_OF_CODE = {
  ORG_DAILY_CALL_CAP: 'org_daily_call_cap',
  ORG_QUEUE_SHARE_EXCEEDED: 'org_queue_share_exceeded',
} as const satisfies Record<string, OccurrenceRefusal>;

/**
 * The organization's call guards for the calls no API request places: a series' occurrences. Counted
 * at the occurrence's time, as the API counts a call when it is placed.
 */
export function createOrgCallLimitActivities(limits: OrgCallLimits) {
  const guard = new OrgCallGuard(limits);
  return {
    async reserveOccurrenceCall(orgId: string | undefined): Promise<OccurrenceRefusal | null> {
      const refusal = await guard.reserve(orgId ?? DEFAULT_ORG_ID, 1);
      return refusal ? REFUSAL_OF_CODE[refusal.code] : null;
    },
  };
}

export type OrgCallLimitActivities = ReturnType<typeof createOrgCallLimitActivities>;
