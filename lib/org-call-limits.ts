import { CallLog } from '../db/models/call-log';
import { countInWindow } from '../db/models/usage-counter';
import type { Config } from '../domain/config';

const DAY_SECONDS = 86_400;

export type OrgCallLimitCode = 'ORG_QUEUE_SHARE_EXCEEDED' | 'ORG_DAILY_CALL_CAP';

export interface OrgCallRefusal {
  code: OrgCallLimitCode;
  message: string;
  details: Record<string, unknown>;
}

export type OrgCallLimits = Pick<Config, 'ORG_DAILY_CALL_CAP' | 'ORG_MAX_OPEN_CALLS'>;

/**
 * The per-organization guards on placing calls, for every path that places one (the API's calls and
 * campaigns, a series' occurrences): its share of the calls not yet finished, and a daily cap on calls
 * placed (a spend guard: a leaked key cannot run up an unbounded bill). The day's count is taken before
 * the call starts and given back when it is refused, so concurrent placements never pass the cap
 * together. Answers why the calls are refused, or null when they were reserved.
 */
export async function reserveOrgCalls(limits: OrgCallLimits, orgId: string, calls: number): Promise<OrgCallRefusal | null> {
  if (calls <= 0) return null;
  const open = await CallLog.countDocuments({ orgId, attempt: 1, finalStatus: null });
  if (open + calls > limits.ORG_MAX_OPEN_CALLS) {
    return {
      code: 'ORG_QUEUE_SHARE_EXCEEDED',
      message: `The organization has ${open} calls not yet finished; at most ${limits.ORG_MAX_OPEN_CALLS}`,
      details: { openCalls: open, maxOpenCalls: limits.ORG_MAX_OPEN_CALLS },
    };
  }
  const now = Date.now();
  const { count, endsAt } = await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, calls);
  if (count > limits.ORG_DAILY_CALL_CAP) {
    await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, -calls);
    return {
      code: 'ORG_DAILY_CALL_CAP',
      message: `The organization's daily cap of ${limits.ORG_DAILY_CALL_CAP} calls is reached`,
      details: { dailyCap: limits.ORG_DAILY_CALL_CAP, placedToday: count - calls, resetsAt: new Date(endsAt).toISOString() },
    };
  }
  return null;
}
