import { CallLog } from '../db/models/call-log';
import type { Config } from '../domain/config';
import { countInWindow } from './access/rate-limit';
import { ApiError } from './api-error';

const DAY_SECONDS = 86_400;

/**
 * The per-organization guards on placing calls: its share of the calls not yet finished, and a daily
 * cap on calls placed (a spend guard: a leaked key cannot run up an unbounded bill). The day's count is
 * taken before the call starts and given back when it is refused, so concurrent requests never pass the
 * cap together.
 */
export async function reserveOrgCalls(config: Pick<Config, 'ORG_DAILY_CALL_CAP' | 'ORG_MAX_OPEN_CALLS'>, orgId: string, calls: number): Promise<void> {
  if (calls <= 0) return;
  const open = await CallLog.countDocuments({ orgId, attempt: 1, finalStatus: null });
  if (open + calls > config.ORG_MAX_OPEN_CALLS) {
    throw new ApiError(429, 'ORG_QUEUE_SHARE_EXCEEDED', `The organization has ${open} calls not yet finished; at most ${config.ORG_MAX_OPEN_CALLS}`, {
      openCalls: open,
      maxOpenCalls: config.ORG_MAX_OPEN_CALLS,
    });
  }
  const now = Date.now();
  const { count, endsAt } = await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, calls);
  if (count > config.ORG_DAILY_CALL_CAP) {
    await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, -calls);
    throw new ApiError(429, 'ORG_DAILY_CALL_CAP', `The organization's daily cap of ${config.ORG_DAILY_CALL_CAP} calls is reached`, {
      dailyCap: config.ORG_DAILY_CALL_CAP,
      placedToday: count - calls,
      resetsAt: new Date(endsAt).toISOString(),
    });
  }
}
