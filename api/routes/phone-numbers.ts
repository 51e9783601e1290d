import { Router } from 'express';
import { phoneNumberParamsSchema } from '../../domain/api-schemas/do-not-call';
import { lastFourDigits } from '../../domain/phone-mask';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../../domain/phone-number';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { eraseNumber } from '../number-erasure';

/** How long an erasure waits for the calls it cancelled to close before it anonymizes their records. */
const CLOSE_WAIT_MS = 15_000;

export function phoneNumbersRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.delete('/phone-numbers/:phoneNumber', allow('numbers.erase'), async (req, res) => {
    const { phoneNumber: raw } = phoneNumberParamsSchema.parse(req.params);
    // Before anything can fail: the audit trail's resource id is the path parameter unless named here.
    res.locals.auditResourceId = `***${lastFourDigits(raw)}`;
    const phone = normalizePhoneNumber(raw, ctx.config.DEFAULT_COUNTRY);
    if (!phone.ok) throw new ApiError(400, 'INVALID_PHONE_NUMBER', describePhoneNumberProblem(phone.reason), { reason: phone.reason });
    const result = await eraseNumber(ctx, principalOf(res).orgId, phone.e164, CLOSE_WAIT_MS);
    res.locals.auditDetails = { erased: result.erased, cancelled: result.cancelled, callsStillClosing: result.callsStillClosing };
    res.json(result);
  });

  return router;
}
