import { heartbeat, log } from '@temporalio/activity';
import { purgeExpiredPersonalData } from '../db/personal-data';
import type { RetentionCounts, RetentionResult } from '../domain/retention';
import { appendAudit } from '../api/access/audit-trail';

/** The retention workflow's database side (docs/security.md). */
export function createRetentionActivities() {
  return {
    /** Idempotent: a cleared record is not matched again, so a retried run only finishes the work. */
    async purgeExpiredPersonalData(request: { cutoff: string; batchSize: number }): Promise<RetentionCounts> {
      let batches = 0;
      return purgeExpiredPersonalData(new Date(request.cutoff), request.batchSize, () => heartbeat((batches += 1)));
    },

    /** One audit row per run, with its counts; organization-wide, so `orgId` is empty. */
    async recordRetentionRun(result: RetentionResult): Promise<void> {
      log.info('retention run finished', { ...result });
      await appendAudit({
        orgId: null,
        keyId: null,
        action: 'retention.purge',
        method: 'SCHEDULE',
        route: 'retentionWorkflow',
        resourceId: result.cutoff,
        ip: null,
        status: 200,
        details: { ...result },
      });
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
