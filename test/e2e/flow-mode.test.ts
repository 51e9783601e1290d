import { createAgent, lines, phoneNumber, resetSimulators, result, simCall, startCall, startE2eStack, transcript, type E2eStack } from './e2e-support';

/**
 * Flow mode end to end: Exotel's Voicebot applet (the simulator) asks Ringline's Voicebot URL endpoint
 * with the answered call's CallSid, gets a single-use URL bound to that CallSid, and streams to the
 * real media server, which checks the token before the handshake and the CallSid in `start`.
 */
let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack('e2e_flow_mode', { EXOTEL_MODE: 'flow', EXOTEL_FLOW_URL: 'http://my.exotel.com/ringline/exoml/start_voice/1' });
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(() => {
  resetSimulators(stack);
});

describe('flow mode', () => {
  it('a call reaches the bot through the Voicebot URL and ends completed, greeting first', async () => {
    const agentId = await createAgent();
    const callId = await startCall(stack, phoneNumber('000'), agentId);
    expect(await result(stack, callId)).toMatchObject({ callId, status: 'completed', attempts: 1 });
    const { media } = await simCall(stack, callId);
    expect(media?.connectedAt).toBeTruthy();
    expect(lines(await transcript(callId))[0]).toBe('bot: Hello from Acme Finance.');
    expect(await stack.media.metric('ringline_media_connections_refused_total')).toBe(0);
  });
});
