import { z } from 'zod';

/**
 * DELETE /phone-numbers/:phoneNumber (its path parameter is the do-not-call list's): counts of what was
 * erased and cancelled; a repeat answers zeros.
 */
export const numberErasureAnswerSchema = z.object({
  phoneNumber: z.string(),
  erased: z.object({ callLogs: z.int(), scheduledCalls: z.int(), series: z.int(), campaignContacts: z.int(), dndLookups: z.int() }),
  cancelled: z.object({ calls: z.int(), series: z.int() }),
  callsStillClosing: z.int().min(0),
});
