import { Router } from 'express';
import { voicebotUrlQuerySchema } from '../../domain/api-schemas/exotel';
import { parseAttemptKey } from '../../domain/attempt-address';
import type { CallPhase, CallStatus } from '../../domain/call-status';
import { mediaStreamUrl } from '../../lib/hmac-auth';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { sourceAllowList } from '../middleware/source-allow-list';
import { sourceRateLimit } from '../middleware/source-rate-limit';
import { lookUpLiveCall, temporalUnavailable } from '../temporal-calls';

/** Phases in which Exotel may be connecting the answered callee to the bot: the call rings or was answered. */
const CONNECTING_PHASES: readonly (CallPhase | CallStatus)[] = ['ringing', 'in_progress'];

/**
 * Flow mode's dynamic Voicebot URL: Exotel's applet asks where the answered call's audio goes. A media
 * URL is only handed out for the attempt the workflow is connecting right now, and only to a request
 * naming that attempt's own CallSid; the URL is bound to that CallSid and opens one socket, once. In
 * connect mode the StreamUrl goes to Exotel with the dial, so this endpoint has nothing to hand out.
 */
export function exotelRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  const exotelOnly = sourceAllowList(ctx.config.EXOTEL_SOURCE_ALLOWLIST);
  const limit = sourceRateLimit(ctx.config.WEBHOOK_RATE_LIMIT_PER_MINUTE);
  router.get('/exotel/voicebot-url', exotelOnly, limit, async (req, res) => {
    if (ctx.config.EXOTEL_MODE !== 'flow') {
      throw new ApiError(403, 'FLOW_MODE_ONLY', 'The Voicebot URL endpoint serves flow mode only (EXOTEL_MODE=flow)');
    }
    const query = voicebotUrlQuerySchema.parse(req.query);
    const target = parseAttemptKey(query.CustomField);
    if (!target) throw new ApiError(400, 'INVALID_CUSTOM_FIELD', 'CustomField must be <callId>:<attempt>');
    const { callId, attempt } = target;
    const live = await lookUpLiveCall(ctx.temporal, callId, ctx.timeouts.queryMs);
    if (live.state === 'not_found') throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callId} does not exist`);
    if (live.state === 'closed') throw new ApiError(409, 'CALL_ALREADY_FINISHED', `Call ${callId} has already finished`);
    if (live.state === 'unavailable' || !live.status) throw temporalUnavailable();
    const { status } = live;
    if (status.attempt !== attempt) {
      throw new ApiError(409, 'STALE_ATTEMPT', `Attempt ${attempt} is not the current attempt of call ${callId}`, { currentAttempt: status.attempt });
    }
    if (!CONNECTING_PHASES.includes(status.phase)) {
      throw new ApiError(409, 'ATTEMPT_NOT_CONNECTING', `Call ${callId} is ${status.phase}, not connecting`, { phase: status.phase });
    }
    const knownSid = status.attempts.find((view) => view.attempt === attempt)?.callSid;
    if (query.CallSid !== knownSid) {
      throw new ApiError(409, 'CALL_SID_MISMATCH', `CallSid is not the Exotel call of attempt ${attempt} of call ${callId}`);
    }
    const expiresAt = Date.now() + ctx.config.MEDIA_TOKEN_TTL_SEC * 1000;
    ctx.logger.info({ callId, attempt, callSid: query.CallSid }, 'voicebot URL issued');
    res.json({
      url: mediaStreamUrl(ctx.config.PUBLIC_MEDIA_WS_URL, ctx.config.MEDIA_TOKEN_SECRET, { callId, attempt, callSid: query.CallSid, expiresAt }),
    });
  });

  return router;
}
