import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { createLogger } from '../../lib/logger';
import { createElevenLabsSimulator, type ElevenLabsSimulator, type ElevenLabsSimulatorOptions } from '../../sim/elevenlabs/simulator';
import { linearToMuLaw } from '../../sim/elevenlabs/output-format';
import { rmsDbfs } from './deepgram-helpers';

/** The real SDK against the simulator on an ephemeral port: only `baseUrl` differs from production. */
const API_KEY = 'test-elevenlabs-key';
const RACHEL = '21m00Tcm4TlvDq8ikWAM';
const TEXT = 'Hello there, how are you today?';
const MS_PER_CHAR = 65;

async function startSimulator(options: ElevenLabsSimulatorOptions = {}): Promise<ElevenLabsSimulator> {
  const simulator = createElevenLabsSimulator({ apiKey: API_KEY, logger: createLogger('elevenlabs-sim-test', { level: 'silent' }), ...options });
  await simulator.start(0);
  return simulator;
}

function client(simulator: ElevenLabsSimulator, apiKey = API_KEY): ElevenLabsClient {
  return new ElevenLabsClient({ apiKey, baseUrl: simulator.baseUrl });
}

async function readAll(stream: ReadableStream<Uint8Array>, onFirst: () => void = () => undefined): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Buffer[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    if (chunks.length === 0) onFirst();
    chunks.push(Buffer.from(value));
  }
}

async function control<T>(simulator: ElevenLabsSimulator, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simulator.baseUrl}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
}

/** What the SDK threw, for assertions on its status and ElevenLabs' error body. */
async function failure(promise: Promise<unknown>): Promise<ElevenLabsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ElevenLabsError) return err;
    throw err;
  }
  throw new Error('expected the SDK to throw');
}

function detailOf(err: ElevenLabsError): Record<string, unknown> {
  return (err.body as { detail: Record<string, unknown> }).detail;
}

describe('ElevenLabs simulator through @elevenlabs/elevenlabs-js', () => {
  let simulator: ElevenLabsSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  describe('key check and voices', () => {
    beforeEach(async () => {
      simulator = await startSimulator();
    });

    it('answers the key check with the account and refuses a bad key with 401 invalid_api_key', async () => {
      const user = await client(simulator).user.get();
      expect(user.subscription.tier).toBe('pro');
      expect(user.subscription.characterLimit).toBeGreaterThan(0);

      const err = await failure(client(simulator, 'wrong-key').user.get());
      expect(err.statusCode).toBe(401);
      expect(detailOf(err)).toMatchObject({ status: 'invalid_api_key', code: 'invalid_api_key', type: 'authentication_error', message: 'Invalid API key' });
      expect(err.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(await control(simulator, '/sim/stats')).toMatchObject({ keyChecks: 1, authRefused: 1 });
    });

    it('lists the premade voices on v1 and v2 and finds one by id', async () => {
      const v1 = await client(simulator).voices.getAll();
      expect(v1.voices.map((voice) => voice.name)).toEqual(expect.arrayContaining(['Rachel', 'Adam']));
      const v2 = await client(simulator).voices.search();
      expect(v2.totalCount).toBe(v1.voices.length);
      expect(v2.hasMore).toBe(false);
      const rachel = await client(simulator).voices.get(RACHEL);
      expect(rachel.name).toBe('Rachel');
      const missing = await failure(client(simulator).voices.get('no-such-voice'));
      expect(missing.statusCode).toBe(404);
      expect(detailOf(missing).status).toBe('voice_not_found');
    });
  });

  describe('streaming synthesis', () => {
    beforeEach(async () => {
      simulator = await startSimulator({ ttsFirstByteMs: 150 });
    });

    it('streams 8 kHz PCM as long as the text, first byte after ttsFirstByteMs, faster than real time', async () => {
      const sdk = client(simulator);
      // The first fetch of a process loads its HTTP stack; measure a warm client, as a media server's is.
      await readAll(await sdk.textToSpeech.stream(RACHEL, { text: 'Hi.', outputFormat: 'pcm_8000', modelId: 'eleven_flash_v2_5' }));
      const startedAt = Date.now();
      const { data, rawResponse } = await sdk.textToSpeech
        .stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000', modelId: 'eleven_flash_v2_5' })
        .withRawResponse();
      let firstByteAt = 0;
      const pcm = await readAll(data, () => (firstByteAt = Date.now()));
      const doneAt = Date.now();

      expect(rawResponse.status).toBe(200);
      expect(rawResponse.headers.get('x-character-count')).toBe(String(TEXT.length));
      expect(rawResponse.headers.get('maximum-concurrent-requests')).toBe('10');
      expect(pcm.length).toBe(Math.round(((TEXT.length * MS_PER_CHAR) / 1000) * 8000) * 2);
      expect(firstByteAt - startedAt).toBeGreaterThanOrEqual(140);
      expect(firstByteAt - startedAt).toBeLessThan(1_000);
      expect(doneAt - startedAt).toBeLessThan((pcm.length / 2 / 8000) * 1000);
      expect(rmsDbfs(pcm)).toBeGreaterThan(-30);
      expect(rmsDbfs(pcm)).toBeLessThan(-12);
      const received = await control<{ requests: { voiceId: string; modelId: string; outputFormat: string; text: string }[] }>(simulator, '/sim/requests');
      expect(received.requests.at(-1)).toMatchObject({ voiceId: RACHEL, modelId: 'eleven_flash_v2_5', outputFormat: 'pcm_8000', text: TEXT });
    });

    it('gives the same voice as μ-law at one byte a sample, and refuses formats it cannot make', async () => {
      const sdk = client(simulator);
      const pcm = await readAll(await sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }));
      const ulaw = await readAll(await sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'ulaw_8000' }));
      expect(ulaw.length).toBe(pcm.length / 2);
      expect(ulaw[1000]).toBe(linearToMuLaw(pcm.readInt16LE(2000)));
      expect([linearToMuLaw(0), linearToMuLaw(32767), linearToMuLaw(-32768)]).toEqual([0xff, 0x80, 0x00]);

      const mp3 = await failure(sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'mp3_44100_128' }));
      expect(mp3.statusCode).toBe(400);
      expect(detailOf(mp3)).toMatchObject({ param: 'output_format' });
      const missingVoice = await failure(sdk.textToSpeech.stream('no-such-voice', { text: TEXT, outputFormat: 'pcm_8000' }));
      expect(missingVoice.statusCode).toBe(404);
      const badKey = await failure(client(simulator, 'wrong-key').textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }));
      expect(badKey.statusCode).toBe(401);
      expect(detailOf(badKey).status).toBe('invalid_api_key');
    });

    it('refuses requests past the concurrency limit with 429 too_many_concurrent_requests, and frees a place when a client hangs up', async () => {
      await control(simulator, '/sim/limits', { concurrencyLimit: 2 });
      const sdk = client(simulator);
      const abort = new AbortController();
      const first = await sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }, { abortSignal: abort.signal });
      const second = await sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' });
      const third = await failure(sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }, { maxRetries: 0 }));
      expect(third.statusCode).toBe(429);
      expect(detailOf(third)).toMatchObject({ status: 'too_many_concurrent_requests', code: 'concurrent_limit_exceeded', type: 'rate_limit_error' });
      expect(String(detailOf(third).message)).toContain('maximum of 2 concurrent requests');
      expect(third.rawResponse?.headers.get('current-concurrent-requests')).toBe('2');

      const reader = first.getReader();
      await reader.read();
      abort.abort();
      await reader.cancel().catch(() => undefined);
      await readAll(second);
      await waitUntil(async () => (await control<{ ttsInFlight: number }>(simulator, '/sim/stats')).ttsInFlight === 0);
      const fourth = await readAll(await sdk.textToSpeech.stream(RACHEL, { text: 'Thanks.', outputFormat: 'pcm_8000' }));
      expect(fourth.length).toBeGreaterThan(0);
      expect(await control(simulator, '/sim/stats')).toMatchObject({ peakConcurrent: 2, ttsRefused: { too_many_concurrent_requests: 1 } });
    });

    it('answers injected faults as ElevenLabs does; the SDK retries a system_busy by itself', async () => {
      const sdk = client(simulator);
      await control(simulator, '/sim/faults', { answer: 'server_error', count: 1 });
      const serverError = await failure(sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }, { maxRetries: 0 }));
      expect(serverError.statusCode).toBe(500);

      await control(simulator, '/sim/faults', { answer: 'system_busy', count: 1 });
      const retried = await readAll(await sdk.textToSpeech.stream(RACHEL, { text: 'Hi.', outputFormat: 'pcm_8000' }));
      expect(retried.length).toBeGreaterThan(0);
      expect(await control(simulator, '/sim/stats')).toMatchObject({ ttsRefused: { internal_server_error: 1, system_busy: 1 }, ttsRequests: 1 });

      await control(simulator, '/sim/faults', { answer: 'too_many_concurrent_requests', count: null });
      for (let i = 0; i < 2; i += 1) {
        const limited = await failure(sdk.textToSpeech.stream(RACHEL, { text: TEXT, outputFormat: 'pcm_8000' }, { maxRetries: 0 }));
        expect(detailOf(limited).status).toBe('too_many_concurrent_requests');
      }
      await fetch(`${simulator.baseUrl}/sim/faults`, { method: 'DELETE' });
      expect((await readAll(await sdk.textToSpeech.stream(RACHEL, { text: 'Hi.', outputFormat: 'pcm_8000' }))).length).toBeGreaterThan(0);
    });
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
