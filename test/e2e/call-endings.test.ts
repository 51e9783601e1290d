import { CallLog } from '../../db/models/call-log';
import { RetryAttempt } from '../../db/models/retry-attempt';
import { programScenarios } from '../helpers/call-stack';
import {
  createAgent,
  dials,
  lines,
  phoneNumber,
  programReply,
  programTranscript,
  resetSimulators,
  result,
  signalNames,
  simCall,
  startCall,
  startE2eStack,
  status,
  transcript,
  waitFor,
  type E2eStack,
} from './e2e-support';

/**
 * How calls end, end to end: silence, answering machines, lost and refused media connections, and
 * what the workflow makes of each (outcome, retries) with the real media server deciding.
 */
let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack('e2e_endings');
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(() => {
  resetSimulators(stack);
});

const sessionsEnded = (outcome: string) => stack.media.metric('ringline_media_sessions_total', { outcome });

describe('call endings end to end', () => {
  it('a silent callee: the prompt, then the hang-up, no_response, and a retry per the policy', async () => {
    const agentId = await createAgent({ noResponseTimeoutSec: 2, noResponseHangupSec: 1 });
    const callId = await startCall(stack, phoneNumber('006'), agentId, {
      retryPolicy: { rules: { no_response: { maxRetries: 1, initialDelayMs: 1_000 } } },
    });

    expect(await result(stack, callId)).toEqual({ callId, status: 'failed', failureReason: 'no_response_max_retries', attempts: 2 });
    expect(await dials(stack, callId)).toEqual([1, 1]);
    const turns = await transcript(callId);
    expect(lines(turns)).toEqual(['bot: Hello from Acme Finance.', 'bot: Are you there?', 'bot: Thank you, goodbye.']);
    const [greeting, prompt, goodbye] = turns;
    const promptAfter = prompt.startedAt.getTime() - (greeting.endedAt?.getTime() ?? 0);
    expect(promptAfter).toBeGreaterThanOrEqual(2_000);
    expect(promptAfter).toBeLessThan(2_400);
    const hangUpAfter = goodbye.startedAt.getTime() - (prompt.endedAt?.getTime() ?? 0);
    expect(hangUpAfter).toBeGreaterThanOrEqual(1_000);
    expect(hangUpAfter).toBeLessThan(1_400);

    const attempts = await CallLog.find({ callId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((a) => [a.attempt, a.status, a.failureReason])).toEqual([
      [1, 'failed', 'no_response'],
      [2, 'failed', 'no_response'],
    ]);
    expect(await RetryAttempt.find({ originalCallLogId: callId }).lean()).toMatchObject([{ attemptNumber: 2, reason: 'no_response', delayMs: 1_000 }]);
    const gap = (attempts[1].timings?.dialedAt?.getTime() ?? 0) - (attempts[0].timings?.endedAt?.getTime() ?? Infinity);
    expect(gap).toBeGreaterThanOrEqual(1_000);
  });

  it('an answering machine with a beep: the message after the beep, outcome voicemail, one dial', async () => {
    const agentId = await createAgent({ voicemailMessage: 'This is Acme Finance. Please call us back.' });
    // Were the machine taken for a lost or unanswered call, these would redial within the test.
    const callId = await startCall(stack, phoneNumber('005'), agentId, {
      retryPolicy: { rules: { no_answer: { maxRetries: 3, initialDelayMs: 100 }, connection_lost: { maxRetries: 3, initialDelayMs: 100 } } },
    });

    expect(await result(stack, callId)).toEqual({ callId, status: 'voicemail', failureReason: 'voicemail', attempts: 1 });
    expect(await dials(stack, callId)).toEqual([1]);
    const turns = await transcript(callId);
    const message = turns[turns.length - 1];
    // Both sentences' marks came back before the bot hung up: the whole message was heard.
    expect(lines([message])).toEqual(['bot: This is Acme Finance. Please call us back.']);
    expect(turns.filter((t) => t.speaker === 'bot' && t.text === message.text)).toHaveLength(1);
    const { media } = await simCall(stack, callId);
    const beep = media?.callee.find((step) => step.kind === 'sound');
    expect(beep).toBeDefined();
    // The beep's last audio reaches the media server no earlier than its end on the stream's clock.
    expect(message.startedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(media?.connectedAt ?? '') + (beep?.endMs ?? Infinity));
    expect(media?.closedBy).toBe('bot');
  });

  it('an agent without a message of its own leaves the default one, with its company and callback number filled in', async () => {
    const agentId = await createAgent({ voicemailMessage: '', companyName: 'Acme Finance', callbackNumber: '+918045678901' });
    const callId = await startCall(stack, phoneNumber('005'), agentId, { metadata: { customerName: 'Ravi' } });

    expect(await result(stack, callId)).toEqual({ callId, status: 'voicemail', failureReason: 'voicemail', attempts: 1 });
    const turns = await transcript(callId);
    // The whole message was played (the transcript keeps what was heard), after the beep.
    expect(lines([turns[turns.length - 1]])).toEqual([
      'bot: Hi Ravi, this is Asha from Acme Finance. Sorry we missed you. Please call us back at 0 8 0, 4 5 6 7, 8 9 0 1. Thank you.',
    ]);
    const attempt = await CallLog.findOne({ callId, attempt: 1 }).lean();
    expect(attempt?.voicemailDetection).toMatchObject({ verdict: 'machine', messageAttempted: true, messageLeft: true });
  });

  it('a person who says "not available" and waits for an answer is not taken for a machine', async () => {
    const phone = phoneNumber('901');
    await programScenarios(stack.sim, phone, [{ name: 'answer', script: 'cooperative', ringMs: 1_000 }]);
    await programReply(stack, 'hello', 'Hi! May I speak with Rahul?');
    await programReply(stack, 'not available', 'I see. Please ask him to call Acme Finance back.');
    const agentId = await createAgent({ voicemailMessage: 'This is Acme Finance. Please call us back.' });
    const callId = await startCall(stack, phone, agentId, { ringTimeoutSec: 5 });
    await programTranscript(stack, callId, ['Hello?', 'He is not available right now.', 'Okay, bye.']);

    expect(await result(stack, callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    expect(lines(await transcript(callId))).toEqual([
      'bot: Hello from Acme Finance.',
      'caller: Hello?',
      'bot: Hi! May I speak with Rahul?',
      'caller: He is not available right now.',
      'bot: I see. Please ask him to call Acme Finance back.',
      'caller: Okay, bye.',
      'bot: Thank you, goodbye.',
    ]);
  });

  it('a socket dropped mid-call: connection_lost, one immediate retry, then no more', async () => {
    const agentId = await createAgent();
    const lostBefore = await sessionsEnded('connection_lost');
    const callId = await startCall(stack, phoneNumber('000'), agentId);

    // The network path dies once the greeting has been heard, on the first attempt and on its retry.
    for (const attempt of [1, 2]) {
      await waitFor(async () => (await transcript(callId, attempt)).length > 0, `attempt ${attempt}'s greeting`);
      stack.media.relay.cut(callId);
    }

    expect(await result(stack, callId)).toEqual({ callId, status: 'failed', failureReason: 'connection_lost_max_retries', attempts: 2 });
    expect(await dials(stack, callId)).toEqual([1, 1]);
    expect(stack.media.relay.mediaCloseCodes(callId)).toEqual([1006, 1006]);
    expect(await sessionsEnded('connection_lost')).toBe(lostBefore + 2);
    const attempts = await CallLog.find({ callId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((a) => [a.attempt, a.status, a.failureReason, lines(a.transcript)])).toEqual([
      [1, 'failed', 'connection_lost', ['bot: Hello from Acme Finance.']],
      [2, 'failed', 'connection_lost', ['bot: Hello from Acme Finance.']],
    ]);
    expect(await RetryAttempt.find({ originalCallLogId: callId }).lean()).toMatchObject([{ attemptNumber: 2, reason: 'connection_lost', delayMs: 0 }]);
  });

  it('a bad token is refused before the handshake; Exotel\'s one retry connects, and the refused try tells the workflow nothing', async () => {
    const phone = phoneNumber('902');
    await programScenarios(stack.sim, phone, [{ name: 'hang-up', hangUpAfterMs: 20_000 }]);
    const refusedBefore = await stack.media.metric('ringline_media_connections_refused_total', { reason: 'bad_signature' });
    stack.media.relay.spoilNextToken();
    const callId = await startCall(stack, phone, await createAgent());

    // The refused upgrade never opened a socket; Exotel retried the handshake with the same URL, whose
    // single use had not been spent by the refusal.
    expect(await result(stack, callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    expect(await stack.media.metric('ringline_media_connections_refused_total', { reason: 'bad_signature' })).toBe(refusedBefore + 1);
    const { media: leg } = await simCall(stack, callId, 1);
    expect(leg?.connectAttempts).toBe(2);
    expect(leg?.connectErrors).toEqual([expect.stringContaining('401')]);
    expect((await status(stack, callId)).attempts).toMatchObject([{ attempt: 1, mediaConnected: true, outcome: { status: 'completed' } }]);
    // Only the accepted connection's media signals reached the workflow.
    const media = (await signalNames(stack, callId)).filter((name) => name.startsWith('media'));
    expect(media).toEqual(['mediaStarted', 'mediaEnded']);
    expect(leg?.firstBotAudioMs).not.toBeNull();
  });

  it('malformed frames mid-call are counted, skipped, and the call goes on', async () => {
    const phone = phoneNumber('903');
    // Says hello as it picks up, then hangs up 1.5 s into the bot's answer.
    await programScenarios(stack.sim, phone, [{ name: 'hang-up', hangUpAfterMs: 20_000 }]);
    const kinds = ['not_json', 'bad_audio', 'unknown_event', 'binary_frame'];
    const before = await Promise.all(kinds.map((kind) => stack.media.metric('ringline_media_malformed_frames_total', { kind })));
    const callId = await startCall(stack, phone, await createAgent());
    await waitFor(() => stack.media.relay.isLive(callId), 'the media stream');
    const media = (payload: string) => JSON.stringify({ event: 'media', stream_sid: 'x', media: { chunk: 1, timestamp: '0', payload } });
    stack.media.relay.inject(callId, [
      '{"event":"media",',
      media('!!not base64!!'),
      media(Buffer.alloc(3).toString('base64')),
      JSON.stringify({ event: 'transcription', text: 'hi' }),
      Buffer.from([1, 2, 3, 4]),
    ]);

    expect(await result(stack, callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    const after = await Promise.all(kinds.map((kind) => stack.media.metric('ringline_media_malformed_frames_total', { kind })));
    expect(after.map((count, i) => count - before[i])).toEqual([1, 2, 1, 1]);
    // The conversation went on: the caller was heard and answered before hanging up.
    const said = lines(await transcript(callId));
    expect(said).toContain('caller: Hello? Who is this?');
    expect(said.indexOf('caller: Hello? Who is this?')).toBeLessThan(said.length - 1);
    expect((await simCall(stack, callId)).endReason).toBe('callee-hung-up');
  });
});
