import type { OrgCallGuard } from '../lib/org-call-limits';
import { ApiError } from './api-error';

/** Reserves the organization's calls or answers 429 with the guard's code (see lib/org-call-limits). */
export async function reserveOrgCallsOrRefuse(guard: OrgCallGuard, orgId: string, calls: number): Promise<void> {
  const refusal = await guard.reserve(orgId, calls);
  if (refusal) throw new ApiError(429, refusal.code, refusal.message, refusal.details);
}
