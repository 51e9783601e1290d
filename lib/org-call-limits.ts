import { CallLog } from '../db/models/call-log';
import { countInWindow } from '../db/models/usage-counter';
import type { Config } from '../domain/config';

const DAY_SECONDS = 86_400;
/** How old the count of an organization's open calls may be before the next placement counts again. */
export const OPEN_CALLS_RECOUNT_MS = 1_000;

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
 * together.
 *
 * Open calls are counted at most once per OPEN_CALLS_RECOUNT_MS per organization and process, plus
 * what this process reserved since that count began: counting on every placement reads every open call
 * of the organization each time (FerretDB counts by reading), so a backlog's intake slowed as it grew.
 * Within one process the share is exact (check and reservation happen without a pause between them);
 * another process's placements show at the next recount, so several API processes may together pass
 * the share by up to a second of their intake.
 */
export class OrgCallGuard {
  private readonly tallies = new Map<string, OpenCallTally>();

  constructor(private readonly limits: OrgCallLimits) {}

  /** Reserves the organization's calls; answers why they are refused, or null when they were reserved. */
  async reserve(orgId: string, calls: number): Promise<OrgCallRefusal | null> {
    if (calls <= 0) return null;
    const { limits } = this;
    let tally = this.tallies.get(orgId);
    if (!tally) {
      tally = new OpenCallTally(orgId);
      this.tallies.set(orgId, tally);
    }
    const open = await tally.open(Date.now());
    if (open + calls > limits.ORG_MAX_OPEN_CALLS) {
      return {
        code: 'ORG_QUEUE_SHARE_EXCEEDED',
        message: `The organization has ${open} calls not yet finished; at most ${limits.ORG_MAX_OPEN_CALLS}`,
        details: { openCalls: open, maxOpenCalls: limits.ORG_MAX_OPEN_CALLS },
      };
    }
    tally.reserve(calls);
    const now = Date.now();
    const { count, endsAt } = await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, calls);
    if (count > limits.ORG_DAILY_CALL_CAP) {
      tally.reserve(-calls);
      await countInWindow(`calls:${orgId}`, DAY_SECONDS, now, -calls);
      return {
        code: 'ORG_DAILY_CALL_CAP',
        message: `The organization's daily cap of ${limits.ORG_DAILY_CALL_CAP} calls is reached`,
        details: { dailyCap: limits.ORG_DAILY_CALL_CAP, placedToday: count - calls, resetsAt: new Date(endsAt).toISOString() },
      };
    }
    return null;
  }
}

/** One organization's open calls: the latest count, and what this process reserved since it began. */
class OpenCallTally {
  private counted = 0;
  private countedAt = Number.NEGATIVE_INFINITY;
  /** Calls reserved by this process, ever; and as many as there were when the latest count began. */
  private reserved = 0;
  private reservedAtCount = 0;
  private recount: Promise<void> | undefined;

  constructor(private readonly orgId: string) {}

  async open(now: number): Promise<number> {
    if (now - this.countedAt >= OPEN_CALLS_RECOUNT_MS) {
      this.recount ??= this.count().finally(() => {
        this.recount = undefined;
      });
      await this.recount;
    }
    return this.counted + this.reserved - this.reservedAtCount;
  }

  reserve(calls: number): void {
    this.reserved += calls;
  }

  /** A call reserved while the count runs may be counted twice until the next count: too many, never too few. */
  private async count(): Promise<void> {
    const reservedAtStart = this.reserved;
    const startedAt = Date.now();
    this.counted = await CallLog.countDocuments({ orgId: this.orgId, attempt: 1, finalStatus: null });
    this.reservedAtCount = reservedAtStart;
    this.countedAt = startedAt;
  }
}
