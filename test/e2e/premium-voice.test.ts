import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/attempt-address';
import type { TurnSpeech } from '../../domain/speech/tts-provider';
import {
  createAgent,
  deepgramStats,
  lines,
  phoneNumber,
  programReply,
  resetSimulators,
  result,
  startCall,
  startE2eStack,
  type E2eStack,
} from './e2e-support';

/**
 * The premium voice end to end: the real media server with ElevenLabs configured (the real
 * `@elevenlabs/elevenlabs-js` against sim/elevenlabs, Deepgram's Aura behind it), calls chosen for
 * ElevenLabs by agent, by rule and by request, and falling back to Deepgram when ElevenLabs fails or
 * is over its concurrency limit, each bot turn saying who spoke it and why.
 */
const ADAM = 'pNInz6obpgDQGcFmaJgB';
const RACHEL = '21m00Tcm4TlvDq8ikWAM';
let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack('e2e_premium_voice', { ELEVENLABS_API_KEY: 'sim-elevenlabs-key' });
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(async () => {
  resetSimulators(stack);
  await fetch(`${stack.media.elevenlabs.baseUrl}/sim/faults`, { method: 'DELETE' });
});

interface RecordedSpeech {
  choice: { provider: string; reason: string } | undefined;
  botTurns: { text: string; tts?: TurnSpeech }[];
}

async function recordedSpeech(callId: string): Promise<RecordedSpeech> {
  const log = await CallLog.findById(attemptCallLogId(callId, 1)).lean();
  const botTurns = (log?.transcript ?? [])
    .filter((turn) => turn.speaker === 'bot')
    .map((turn) => ({ text: turn.text, ...(turn.tts ? { tts: { provider: turn.tts.provider, ...(turn.tts.fallbackReason ? { fallbackReason: turn.tts.fallbackReason } : {}) } as TurnSpeech } : {}) }));
  return { choice: log?.ttsChoice ? { provider: log.ttsChoice.provider, reason: log.ttsChoice.reason } : undefined, botTurns };
}

async function elevenLabs<T>(path: string, body?: unknown): Promise<T> {
  const url = `${stack.media.elevenlabs.baseUrl}${path}`;
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
}

const elevenLabsStats = () => elevenLabs<{ ttsRequests: number; ttsRefused: Record<string, number> }>('/sim/stats');
const elevenLabsTexts = async () => (await elevenLabs<{ requests: { voiceId: string; outputFormat: string; text: string }[] }>('/sim/requests')).requests;

describe('premium voice end to end', () => {
  it('an ElevenLabs agent: every bot turn spoken by ElevenLabs in its voice, at 8 kHz, none by Deepgram', async () => {
    await programReply(stack, 'hello', 'Hi! Am I speaking with Rahul?');
    await programReply(stack, 'rahul', 'Thanks, Rahul. I am calling about your payment.');
    await programReply(stack, 'when is my payment due', 'It is due on the thirtieth.');
    const agentId = await createAgent({ ttsProvider: 'elevenlabs', elevenLabsVoiceId: ADAM });
    const deepgramBefore = (await deepgramStats(stack)).ttsRequests;
    const callId = await startCall(stack, phoneNumber('000'), agentId);

    expect(await result(stack, callId)).toMatchObject({ status: 'completed' });
    const speech = await recordedSpeech(callId);
    expect(speech.choice).toEqual({ provider: 'elevenlabs', reason: 'agent' });
    expect(lines(speech.botTurns.map((turn) => ({ speaker: 'bot', ...turn })))).toEqual([
      'bot: Hello from Acme Finance.',
      'bot: Hi! Am I speaking with Rahul?',
      'bot: Thanks, Rahul. I am calling about your payment.',
      'bot: It is due on the thirtieth.',
      'bot: Thank you, goodbye.',
    ]);
    expect(speech.botTurns.map((turn) => turn.tts)).toEqual(speech.botTurns.map(() => ({ provider: 'elevenlabs' })));
    const served = await elevenLabsTexts();
    expect(served.map((request) => request.text)).toEqual(expect.arrayContaining(['Hello from Acme Finance.', 'It is due on the thirtieth.']));
    expect(new Set(served.map((request) => `${request.voiceId} ${request.outputFormat}`))).toEqual(new Set([`${ADAM} pcm_8000`]));
    expect((await deepgramStats(stack)).ttsRequests).toBe(deepgramBefore);
    expect(await stack.media.metric('ringline_media_tts_sentences_total', { provider: 'elevenlabs', fallback_reason: 'none' })).toBeGreaterThan(0);
    expect(await stack.media.metric('ringline_media_tts_sentences_total', { provider: 'deepgram' })).toBe(0);
  });

  it('ElevenLabs failing: the first failed sentence and the rest of the call are spoken by Deepgram, recorded as provider_error', async () => {
    await elevenLabs('/sim/faults', { answer: 'server_error', count: null });
    await programReply(stack, 'hello', 'Hi! Am I speaking with Rahul?');
    const agentId = await createAgent({ ttsProvider: 'elevenlabs', elevenLabsVoiceId: ADAM });
    const deepgramBefore = (await deepgramStats(stack)).ttsRequests;
    const callId = await startCall(stack, phoneNumber('000'), agentId);

    expect(await result(stack, callId)).toMatchObject({ status: 'completed' });
    const speech = await recordedSpeech(callId);
    expect(speech.choice).toEqual({ provider: 'elevenlabs', reason: 'agent' });
    expect(speech.botTurns.length).toBeGreaterThanOrEqual(3);
    expect(speech.botTurns.map((turn) => turn.tts)).toEqual(speech.botTurns.map(() => ({ provider: 'deepgram', fallbackReason: 'provider_error' })));
    // One failed request, not one per sentence: after it the call stays on Deepgram.
    expect(await elevenLabsStats()).toMatchObject({ ttsRequests: 0, ttsRefused: { internal_server_error: 1 } });
    expect((await deepgramStats(stack)).ttsRequests).toBeGreaterThan(deepgramBefore);
  });

  it('over the concurrency limit: each sentence ElevenLabs refuses is spoken by Deepgram, recorded as concurrency_limit, and the next is offered again', async () => {
    await elevenLabs('/sim/faults', { answer: 'too_many_concurrent_requests', count: null });
    const agentId = await createAgent({ ttsProvider: 'elevenlabs', noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const callId = await startCall(stack, phoneNumber('006'), agentId, { retryPolicy: { rules: { no_response: { maxRetries: 0 } } } });

    expect(await result(stack, callId)).toMatchObject({ status: 'failed', failureReason: 'no_response' });
    const speech = await recordedSpeech(callId);
    expect(speech.botTurns.length).toBeGreaterThanOrEqual(2);
    expect(speech.botTurns.map((turn) => turn.tts)).toEqual(speech.botTurns.map(() => ({ provider: 'deepgram', fallbackReason: 'concurrency_limit' })));
    expect((await elevenLabsStats()).ttsRefused.too_many_concurrent_requests).toBeGreaterThanOrEqual(speech.botTurns.length);
  });

  it('by rule and by request: a VIP call of a Deepgram agent speaks with ElevenLabs in the default voice; a call asking for Deepgram gets it', async () => {
    const agentId = await createAgent({ noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const noRetry = { retryPolicy: { rules: { no_response: { maxRetries: 0 } } } };
    const vip = await startCall(stack, phoneNumber('006'), agentId, { metadata: { vip: true }, ...noRetry });
    expect(await result(stack, vip)).toMatchObject({ status: 'failed', failureReason: 'no_response' });
    const vipSpeech = await recordedSpeech(vip);
    expect(vipSpeech.choice).toEqual({ provider: 'elevenlabs', reason: 'vip' });
    expect(vipSpeech.botTurns[0]).toEqual({ text: 'Hello from Acme Finance.', tts: { provider: 'elevenlabs' } });
    expect((await elevenLabsTexts())[0]).toMatchObject({ voiceId: RACHEL, text: 'Hello from Acme Finance.' });

    resetSimulators(stack);
    const premiumAgent = await createAgent({ ttsProvider: 'elevenlabs', noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const plain = await startCall(stack, phoneNumber('006'), premiumAgent, { ttsProvider: 'deepgram', priority: 'high', ...noRetry });
    expect(await result(stack, plain)).toMatchObject({ status: 'failed', failureReason: 'no_response' });
    const plainSpeech = await recordedSpeech(plain);
    expect(plainSpeech.choice).toEqual({ provider: 'deepgram', reason: 'call_request' });
    expect(plainSpeech.botTurns.map((turn) => turn.tts)).toEqual(plainSpeech.botTurns.map(() => ({ provider: 'deepgram' })));
    expect((await elevenLabsStats()).ttsRequests).toBe(0);
  });
});
