import { CallLog } from '../../db/models/call-log';
import { RetryAttempt } from '../../db/models/retry-attempt';
import { DEFAULT_RETRY_POLICY } from '../../domain/retry-policy';
import { createAgent, dials, phoneNumber, resetSimulators, result, simCall, startCall, startE2eStack, transcript, waitFor, type E2eStack } from './e2e-support';

/**
 * The network answers instead of the callee (issue #15's `unreachable`), end to end: API → workflow →
 * Exotel simulator playing an operator announcement on the media leg → the real media server and its
 * detector (Deepgram simulator transcribing the announcement's words) → outcome, retries, analytics.
 */
let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack('e2e_unreachable');
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(() => {
  resetSimulators(stack);
});

const VOICEMAIL_MESSAGE = 'This is Acme Finance. Please call us back.';

/** From the media leg's connection to the bot closing it, on the simulator's clock. */
async function heldMs(callId: string, attempt: number): Promise<number> {
  const { media } = await simCall(stack, callId, attempt);
  expect(media?.closedBy).toBe('bot');
  return Date.parse(media?.closedAt ?? '') - Date.parse(media?.connectedAt ?? '');
}

describe('operator announcements end to end', () => {
  it('the special information tone and "switched off": unreachable at once, no message, retried like no_answer, counted on its own', async () => {
    // The seed's table retries an announcement exactly as it retries an unanswered call.
    expect(DEFAULT_RETRY_POLICY.rules.unreachable).toEqual(DEFAULT_RETRY_POLICY.rules.no_answer);
    const agentId = await createAgent({ voicemailMessage: VOICEMAIL_MESSAGE });
    const from = new Date().toISOString();
    const created = await stack
      .api()
      .post('/api/v1/calls/outbound')
      .send({
        phoneNumber: phoneNumber('012'),
        agentId,
        ringTimeoutSec: 5,
        retryPolicy: { rules: { unreachable: { maxRetries: 1, initialDelayMs: 1_000 } }, jitter: 0 },
      });
    expect(created.status).toBe(202);
    const callId = created.body.callLogId as string;

    expect(await result(stack, callId)).toEqual({ callId, status: 'failed', failureReason: 'unreachable_max_retries', attempts: 2 });
    expect(await dials(stack, callId)).toEqual([1, 1]);
    const attempts = await CallLog.find({ callId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((a) => [a.attempt, a.status, a.failureReason])).toEqual([
      [1, 'failed', 'unreachable'],
      [2, 'failed', 'unreachable'],
    ]);
    for (const attempt of attempts) {
      expect(attempt.voicemailDetection).toMatchObject({ verdict: 'unreachable', score: 1, messageAttempted: false, messageLeft: false });
      expect(attempt.voicemailDetection?.reasons[0]).toMatch(/^special information tone at \d+ ms$/);
      // The tone ends about 1.2 s into the stream and is judged 300 ms later: the bot hangs up long
      // before the announcement's words have even been said once.
      expect(await heldMs(callId, attempt.attempt)).toBeLessThan(2_500);
      expect((await transcript(callId, attempt.attempt)).map((turn) => turn.text)).not.toContain(VOICEMAIL_MESSAGE);
    }
    expect(await RetryAttempt.find({ originalCallLogId: callId }).lean()).toMatchObject([{ attemptNumber: 2, reason: 'unreachable', delayMs: 1_000 }]);

    const period = { from, to: new Date(Date.now() + 60_000).toISOString(), agentId };
    const voicemail = await stack.api().get('/api/v1/analytics/voicemail').query(period);
    expect(voicemail.status).toBe(200);
    expect(voicemail.body).toMatchObject({
      attempts: 2, answeredAttempts: 2, voicemailAttempts: 0, messagesLeft: 0, messagesFailed: 0, unreachableAttempts: 2, unreachableRate: 1, callsEndingUnreachable: 1,
    });
    const calls = await stack.api().get('/api/v1/analytics/calls').query(period);
    expect(calls.body.calls).toMatchObject({ total: 1, byOutcome: { failed: 1 }, failureReasons: { unreachable_max_retries: 1 } });
    expect(calls.body.attempts.byStatus).toEqual({ failed: 2 });
  });

  it('a Hindi announcement without the tone: its words make it unreachable, and a policy without retries does not redial', async () => {
    const agentId = await createAgent({ voicemailMessage: VOICEMAIL_MESSAGE });
    const callId = await startCall(stack, phoneNumber('013'), agentId, { retryPolicy: { rules: { unreachable: { maxRetries: 0, initialDelayMs: 0 } } } });

    expect(await result(stack, callId)).toEqual({ callId, status: 'failed', failureReason: 'unreachable', attempts: 1 });
    expect(await dials(stack, callId)).toEqual([1]);
    await waitFor(async () => (await CallLog.findById(callId).lean())?.voicemailDetection !== undefined, 'the detection record');
    const detection = (await CallLog.findById(callId).lean())?.voicemailDetection;
    expect(detection).toMatchObject({ verdict: 'unreachable', messageAttempted: false });
    expect(detection?.reasons).toEqual([expect.stringMatching(/^operator announcement: .*पहुंच से बाहर.*आप जिस नंबर/)]);
    // The announcement's condition and framing are both in its first sentence (about 3.5 s of speech);
    // interim transcripts count for it, so the bot does not wait for the whole sentence.
    expect(await heldMs(callId, 1)).toBeLessThan(5_000);
    expect((await transcript(callId)).map((turn) => turn.text)).not.toContain(VOICEMAIL_MESSAGE);
  });
});
