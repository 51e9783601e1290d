import { WorkflowNotFoundError } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import { statusCallbackBodySchema, statusCallbackSignatureSchema } from '../../domain/api-schemas/exotel';
import { attemptCallLogId, attemptKey, readAttemptQuery, type AttemptAddress } from '../../domain/attempt-address';
import { recordCarrierAnsweredBy } from '../../db/carrier-answered-by';
import type { ExotelStatusEvent } from '../../domain/call-workflow-types';
import { isAllowedRecordingUrl } from '../../domain/recording-url';
import { verifyStatusCallback } from '../../lib/hmac-auth';
import { callWorkflowId, exotelStatusSignal } from '../../workflows/messages';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { formBody } from '../middleware/form-body';
import { sourceAllowList } from '../middleware/source-allow-list';
import { sourceRateLimit } from '../middleware/source-rate-limit';
import { isTemporalUnavailable, temporalUnavailable, withDeadline } from '../temporal-calls';

const invalidSignature = () => new ApiError(401, 'INVALID_SIGNATURE', 'Status callback signature is missing, wrong or expired');

/**
 * Exotel signs nothing, so the HMAC in the callback URL is checked first: a forged or expired callback
 * is refused before its form body is decoded, and signals nothing.
 */
function verifySignature(secret: string): RequestHandler {
  return (req, res, next) => {
    const address = readAttemptQuery(req.query);
    const signature = statusCallbackSignatureSchema.safeParse(req.query);
    if (!address || !signature.success) return next(invalidSignature());
    if (!verifyStatusCallback(secret, { ...address, expiresAt: signature.data.exp, sig: signature.data.sig }).ok) {
      return next(invalidSignature());
    }
    res.locals.attempt = address;
    next();
  };
}

/**
 * Status callbacks become `exotelStatus` signals to the call's workflow, which ignores events of any
 * attempt but its current one, and events whose CallSid is not that attempt's. Answers: 200 once
 * signalled (or when the call is over, so that Exotel stops retrying), 503 when Temporal does not take
 * the signal (so that Exotel retries).
 */
export function webhooksRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  const limit = sourceRateLimit(ctx.config.WEBHOOK_RATE_LIMIT_PER_MINUTE);
  const exotelOnly = sourceAllowList(ctx.config.EXOTEL_SOURCE_ALLOWLIST);
  router.post('/webhooks/exotel/call-status', exotelOnly, limit, verifySignature(ctx.config.WEBHOOK_SECRET), ...formBody(), async (req, res) => {
    const { callId, attempt } = res.locals.attempt as AttemptAddress;
    const fields = statusCallbackBodySchema.parse(req.body);
    if (fields.recordingUrl !== undefined && !isAllowedRecordingUrl(fields.recordingUrl, ctx.config.EXOTEL_RECORDING_URL_PREFIXES)) {
      ctx.logger.warn({ callId, attempt, callSid: fields.callSid }, 'status callback RecordingUrl outside EXOTEL_RECORDING_URL_PREFIXES dropped');
      delete fields.recordingUrl;
    }
    // CustomField only rides on terminal events; when present it must name the same attempt as the URL.
    if (fields.customField !== undefined && fields.customField !== attemptKey(callId, attempt)) {
      ctx.logger.warn({ callId, attempt, callSid: fields.callSid }, 'status callback CustomField does not match its URL');
      throw invalidSignature();
    }
    const event: ExotelStatusEvent = { attempt, ...fields, receivedAt: new Date().toISOString() };
    const log = ctx.logger.child({ callId, attempt, callSid: event.callSid, status: event.status, eventType: event.eventType });
    if (event.answeredBy) {
      // For the media server's detector; a hint lost to a database fault costs only the hint.
      await recordCarrierAnsweredBy(attemptCallLogId(callId, attempt), event.callSid, event.answeredBy).catch((err: unknown) =>
        log.warn({ err }, 'AnsweredBy of the status callback not recorded'),
      );
    }
    try {
      await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
        ctx.temporal.workflow.getHandle(callWorkflowId(callId)).signal(exotelStatusSignal, event),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        log.info('exotel status callback for a finished call ignored');
        res.json({ received: true, ignored: 'call_finished' });
        return;
      }
      if (isTemporalUnavailable(err)) {
        log.warn({ err }, 'exotel status callback not delivered: Temporal unavailable');
        throw temporalUnavailable();
      }
      throw err;
    }
    log.info('exotel status callback');
    res.json({ received: true });
  });

  return router;
}
