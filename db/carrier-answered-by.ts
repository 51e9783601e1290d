import type { CarrierAnsweredBy } from '../domain/voicemail/carrier-answered-by';
import { CallLog } from './models/call-log';

/**
 * Exotel's `AnsweredBy` travels from its status callback (the API) to the media server's detector
 * through the attempt's CallLog, not through the workflow: the media server holding the call reads it
 * there while its verdict can still change, so the hint costs no workflow round trip.
 */

/**
 * Records the hint on the attempt. The callback's URL is signed for this attempt; the CallSid must be
 * the attempt's too once the dial recorded it.
 */
export async function recordCarrierAnsweredBy(callLogId: string, callSid: string, answeredBy: CarrierAnsweredBy): Promise<void> {
  await CallLog.updateOne(
    { _id: callLogId, $or: [{ exotelCallSid: callSid }, { exotelCallSid: { $exists: false } }] },
    { $set: { carrierAnsweredBy: answeredBy } },
  );
}

export async function readCarrierAnsweredBy(callLogId: string): Promise<CarrierAnsweredBy | undefined> {
  const doc = await CallLog.findById(callLogId, { carrierAnsweredBy: 1 }).lean();
  const value = doc?.carrierAnsweredBy;
  return value === 'human' || value === 'machine' ? value : undefined;
}
