import { openCallSpeech, type CallVoice } from '../media-server/call-speech';
import { premiumVoiceFromConfig } from '../media-server/premium-voice';
import { createDeepgramRestTts } from '../media-server/providers/deepgram-tts-rest';
import type { SpeechSynthesizer } from '../media-server/pipeline/tts';
import { parseConfig } from '../domain/config';
import { generateSecrets } from '../lib/generated-secrets';
import { createLogger } from '../lib/logger';
import { createDeepgramSimulator } from '../sim/deepgram/simulator';
import { createElevenLabsSimulator } from '../sim/elevenlabs/simulator';
import { percentile, printFigure, round } from './figures';
import { agentProfile } from '../test/helpers/agent-profile';

/**
 * Time to a sentence's first audio byte through the media server's speech routing (the real SDKs
 * against the simulators at their default, published first-byte times: Deepgram 150 ms, ElevenLabs
 * 250 ms), for a Deepgram call, an ElevenLabs call, and each fallback: over Ringline's own limit (no
 * request to ElevenLabs), ElevenLabs' concurrency 429, and an ElevenLabs error. What a fallback costs
 * the caller is its figure minus the Deepgram call's; the simulator refuses at once, so a real refusal
 * adds one round trip to ElevenLabs on top. Prints one JSON line per figure and `SUMMARY {json}`.
 */
const SENTENCES = Number(process.env.BENCH_SENTENCES ?? 40);
const TEXT = 'Thank you for taking my call today.';

const agent = agentProfile({
  id: 'bench_agent',
  ttsProvider: 'elevenlabs',
});

async function firstByteMs(open: () => SpeechSynthesizer): Promise<{ ms: number; provider: string }> {
  const synthesizer = open();
  const startedAt = performance.now();
  const stream = synthesizer.synthesize(TEXT, new AbortController().signal);
  let ms = NaN;
  for await (const _pcm of stream) if (Number.isNaN(ms)) ms = performance.now() - startedAt;
  synthesizer.close();
  return { ms, provider: `${stream.spokenBy?.provider}${stream.spokenBy?.fallbackReason ? `/${stream.spokenBy.fallbackReason}` : ''}` };
}

async function main(): Promise<void> {
  const quiet = createLogger('bench', { level: 'silent' });
  const deepgramSim = createDeepgramSimulator({ logger: quiet, exotelSimUrl: null });
  const elevenlabsSim = createElevenLabsSimulator({ logger: quiet });
  await Promise.all([deepgramSim.start(0), elevenlabsSim.start(0)]);
  const config = parseConfig({ ...generateSecrets(), ELEVENLABS_API_KEY: 'bench-key' });
  const deepgram = createDeepgramRestTts({ apiKey: config.DEEPGRAM_API_KEY, baseUrl: deepgramSim.baseUrl });
  const premium = premiumVoiceFromConfig(config, elevenlabsSim.baseUrl);
  if (!premium) throw new Error('ElevenLabs is not configured');
  const options = { sampleRate: 8000, logger: quiet };
  const deepgramVoice: CallVoice = { provider: 'deepgram', voice: agent.voice };
  const rachel: CallVoice = { provider: 'elevenlabs', voice: config.ELEVENLABS_DEFAULT_VOICE_ID };
  const fault = (answer: string) =>
    fetch(`${elevenlabsSim.baseUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answer, count: 1 }) });

  const cases: { name: string; before?: () => Promise<unknown>; voice: CallVoice; holdLimit?: boolean }[] = [
    { name: 'deepgram', voice: deepgramVoice },
    { name: 'elevenlabs', voice: rachel },
    { name: 'fallback_local_limit', voice: rachel, holdLimit: true },
    { name: 'fallback_elevenlabs_429', voice: rachel, before: () => fault('too_many_concurrent_requests') },
    { name: 'fallback_elevenlabs_500', voice: rachel, before: () => fault('server_error') },
  ];
  // Warm both SDKs' HTTP stacks, as a running media server's are.
  await firstByteMs(() => openCallSpeech(deepgram, premium, deepgramVoice, agent, options));
  await firstByteMs(() => openCallSpeech(deepgram, premium, rachel, agent, options));

  const summary: Record<string, number> = {};
  for (const { name, before, voice, holdLimit } of cases) {
    const samples: number[] = [];
    const spoken = new Set<string>();
    for (let i = 0; i < SENTENCES; i += 1) {
      await before?.();
      const held = holdLimit ? Array.from({ length: premium.limiter.limit }, () => premium.limiter.tryAcquire()) : [];
      const { ms, provider } = await firstByteMs(() => openCallSpeech(deepgram, premium, voice, agent, options));
      for (const release of held) release?.();
      samples.push(ms);
      spoken.add(provider);
    }
    const p50 = round(percentile(samples, 50));
    const p95 = round(percentile(samples, 95));
    printFigure(`${name}_first_byte_p50`, p50, 'ms');
    printFigure(`${name}_first_byte_p95`, p95, 'ms');
    process.stdout.write(`${JSON.stringify({ case: name, spokenBy: [...spoken] })}\n`);
    summary[`${name}P50Ms`] = p50;
    summary[`${name}P95Ms`] = p95;
  }
  await Promise.all([deepgramSim.stop(), elevenlabsSim.stop()]);
  process.stdout.write(
    `premium voice: first byte p50 Deepgram ${summary.deepgramP50Ms} ms, ElevenLabs ${summary.elevenlabsP50Ms} ms; ` +
      `fallback adds ${round(summary.fallback_local_limitP50Ms - summary.deepgramP50Ms)} ms (own limit), ` +
      `${round(summary.fallback_elevenlabs_429P50Ms - summary.deepgramP50Ms)} ms (ElevenLabs 429), ${round(summary.fallback_elevenlabs_500P50Ms - summary.deepgramP50Ms)} ms (ElevenLabs 500)\n`,
  );
  process.stdout.write(`SUMMARY ${JSON.stringify({ sentences: SENTENCES, ...summary })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
