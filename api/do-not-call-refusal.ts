import { isOnDoNotCallList } from '../db/do-not-call-list';
import { NUMBER_ON_DO_NOT_CALL_LIST } from '../domain/do-not-call';
import { ApiError } from './api-error';

/** A call, schedule or series to a listed number is refused before anything is written or started. */
export async function refuseListedNumber(orgId: string, e164: string): Promise<void> {
  if (await isOnDoNotCallList(orgId, e164)) {
    throw new ApiError(422, NUMBER_ON_DO_NOT_CALL_LIST, "The number is on the organization's do-not-call list");
  }
}
