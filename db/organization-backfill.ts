import { Agent, CallLog, Campaign, CampaignContact, RecurrenceSeries, RetryAttempt, ScheduledCall } from './models';
import { DEFAULT_ORG_ID } from '../domain/access-control';

/**
 * Records written before organizations existed belong to the default organization. The API runs this
 * at start (idempotent: it only touches rows without an organization), so every query can filter on
 * `orgId` plainly; rows a pre-organization workflow writes later get the default from the schema.
 */
export async function backfillDefaultOrganization(): Promise<number> {
  const models = [Agent, CallLog, Campaign, CampaignContact, RecurrenceSeries, RetryAttempt, ScheduledCall];
  let changed = 0;
  for (const model of models) {
    const result = await (model as typeof Agent).updateMany({ orgId: { $exists: false } }, { $set: { orgId: DEFAULT_ORG_ID } });
    changed += result.modifiedCount;
  }
  return changed;
}
