import { reserveOrgCalls, type OrgCallLimits } from '../lib/org-call-limits';
import { ApiError } from './api-error';

/** Reserves the organization's calls or answers 429 with the guard's code (see lib/org-call-limits). */
export async function reserveOrgCallsOrRefuse(limits: OrgCallLimits, orgId: string, calls: number): Promise<void> {
  const refusal = await reserveOrgCalls(limits, orgId, calls);
  if (refusal) throw new ApiError(429, refusal.code, refusal.message, refusal.details);
}
