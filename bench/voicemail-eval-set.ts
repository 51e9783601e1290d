import { DeepgramClient } from '@deepgram/sdk';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createVoicemailDetector } from '../media-server/voicemail/create-voicemail-detector';
import { decodeMuLaw } from '../media-server/voicemail/mu-law';
import type { VoicemailDetector } from '../media-server/voicemail/voicemail-detector';

/**
 * The labelled evaluation set (test/fixtures/voicemail-eval, made by scripts/make-voicemail-eval.ts)
 * and how one clip is played to the detector the way a live call feeds it: audio in 100 ms chunks, each
 * handed over when its last sample has arrived; transcripts when speech-to-text would deliver them;
 * the session's turn-taking notes; the verdict asked after every chunk.
 */
export const EVAL_DIR = path.join(__dirname, '..', 'test', 'fixtures', 'voicemail-eval');

export type ClipLabel = 'human' | 'machine' | 'unreachable';

export interface EvalClip {
  file: string;
  label: ClipLabel;
  kind: string;
  language: 'en' | 'hi';
  condition: string;
  durationMs: number;
  speech: { text: string; startMs: number; endMs: number; reply: boolean }[];
  tones: { kind: 'beep' | 'sit'; shape: string; hz: number[]; startMs: number; endMs: number }[];
}

export interface EvalSet {
  sampleRate: number;
  clips: EvalClip[];
}

export function loadEvalSet(): EvalSet {
  return JSON.parse(readFileSync(path.join(EVAL_DIR, 'labels.json'), 'utf8')) as EvalSet;
}

/** The clip as the 16-bit PCM an Exotel stream carries. */
export function clipPcm(clip: EvalClip): Buffer {
  return decodeMuLaw(readFileSync(path.join(EVAL_DIR, clip.file)));
}

/** A transcript as speech-to-text delivered it: its text, final or not, and the audio time it covers up to. */
export interface TimedTranscript {
  text: string;
  isFinal: boolean;
  /** End of the audio the result covers (Deepgram's start + duration). */
  coversUntilMs: number;
  /** When it reaches the media server: the covered audio's end plus the provider's latency. */
  arrivesAtMs: number;
}

export interface ClipRun {
  clip: EvalClip;
  verdict: 'human' | 'machine' | 'unreachable' | 'undecided';
  score: number;
  reasons: string[];
  /** When the final verdict was given (stream time), and when a person was first declared. */
  decidedAtMs: number | null;
  humanAtMs: number | null;
  /**
   * When the voicemail message starts for good: the machine verdict is ready to speak from then to the
   * clip's end. Each earlier readiness that the machine's side broke (it went on talking, or beeped) is
   * a start the media server abandons and gives again: `restarts`.
   */
  readyAtMs: number | null;
  restarts: number;
}

const CHUNK_MS = 100;
/** The bot's greeting plays for about this long; a caller speaking into it is noted as barging in. */
const BOT_GREETING_MS = 2500;
/** A caller's turn reaches the session once its final transcript has (speech end + 350 ms, Deepgram from India). */
const TURN_LATENCY_MS = 350;

type Event = { atMs: number; run: (detector: VoicemailDetector) => void };

/**
 * Plays one clip to a fresh detector. `transcripts` are what speech-to-text said (none: audio only).
 * Turn-taking notes come as the session makes them: a reply (labelled) after the bot spoke, noted when
 * its turn closes; and, harsher than the session, a barge-in whenever the caller starts to speak
 * during the bot's greeting.
 */
export function runClip(clip: EvalClip, pcm: Buffer, sampleRate: number, transcripts: TimedTranscript[], options: { threshold?: number; timeoutMs?: number } = {}): ClipRun {
  const detector = createVoicemailDetector({ sampleRate, ...options });
  const events: Event[] = transcripts.map((t) => ({ atMs: t.arrivesAtMs, run: (d) => d.pushTranscript(t.text, t.isFinal, t.coversUntilMs) }));
  for (const segment of clip.speech) {
    if (segment.reply) events.push({ atMs: segment.endMs + TURN_LATENCY_MS, run: (d) => d.noteInteraction(segment.startMs) });
    else if (segment.startMs < BOT_GREETING_MS) events.push({ atMs: segment.startMs + 300, run: (d) => d.noteInteraction(segment.startMs) });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  const chunkBytes = (sampleRate * 2 * CHUNK_MS) / 1000;
  let humanAtMs: number | null = null;
  let readyAtMs: number | null = null;
  let restarts = 0;
  for (let offset = 0, atMs = 0; offset < pcm.length; offset += chunkBytes, atMs += CHUNK_MS) {
    detector.pushAudio(pcm.subarray(offset, offset + chunkBytes), atMs);
    const nowMs = atMs + CHUNK_MS;
    while (events.length > 0 && events[0].atMs <= nowMs) (events.shift() as Event).run(detector);
    const verdict = detector.verdict(nowMs);
    if (verdict.kind === 'human') humanAtMs ??= nowMs;
    const ready = verdict.kind === 'machine' && verdict.readyToSpeak;
    if (ready) readyAtMs ??= nowMs;
    else if (readyAtMs !== null) {
      readyAtMs = null;
      restarts += 1;
    }
  }
  const decision = detector.decision();
  return {
    clip,
    verdict: decision.verdict,
    score: decision.score,
    reasons: decision.reasons,
    decidedAtMs: decision.decidedAtMs,
    humanAtMs,
    readyAtMs,
    restarts,
  };
}

/** Deepgram's final latency from India (DESIGN 7.2), and a recognizer's usual lag on an interim. */
const FINAL_LATENCY_MS = 350;
const INTERIM_LATENCY_MS = 100;

/**
 * What Deepgram would transcribe from the clip, through the Deepgram simulator and the real SDK: the
 * clip's words are registered as the caller's script under a key the stream carries as its `tag`,
 * exactly as the media server's stream carries Exotel's call sid. The audio is sent as fast as the
 * simulator takes it; its results are timed by the audio they cover, so the replay puts them where a
 * live call would get them.
 */
export async function transcribeWithDeepgramSim(baseUrl: string, clip: EvalClip, pcm: Buffer, sampleRate: number): Promise<TimedTranscript[]> {
  const key = `eval-${clip.file}`;
  const utterances = clip.speech.map((segment) => segment.text);
  if (utterances.length > 0) {
    const response = await fetch(`${baseUrl}/sim/scripts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, utterances }) });
    if (!response.ok) throw new Error(`script registration failed: ${response.status}`);
  }
  const client = new DeepgramClient({ apiKey: 'eval', baseUrl });
  const socket = await client.listen.v1.connect({
    model: 'nova-2-phonecall',
    encoding: 'linear16',
    sample_rate: String(sampleRate),
    channels: '1',
    interim_results: 'true',
    endpointing: '300',
    utterance_end_ms: '1000',
    vad_events: 'true',
    punctuate: 'true',
    smart_format: 'false',
    queryParams: { no_delay: 'true' },
    tag: key,
    reconnectAttempts: 0,
  });
  const transcripts: TimedTranscript[] = [];
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
  });
  socket.on('message', (message) => {
    if (message.type !== 'Results') return;
    const text = message.channel.alternatives[0]?.transcript ?? '';
    if (text.trim() === '') return;
    const coversUntilMs = Math.round((message.start + message.duration) * 1000);
    const isFinal = message.is_final === true;
    transcripts.push({ text, isFinal, coversUntilMs, arrivesAtMs: coversUntilMs + (isFinal ? FINAL_LATENCY_MS : INTERIM_LATENCY_MS) });
  });
  socket.connect();
  await socket.waitForOpen();
  const chunkBytes = (sampleRate * 2 * CHUNK_MS) / 1000;
  for (let offset = 0; offset < pcm.length; offset += chunkBytes) socket.sendMedia(pcm.subarray(offset, offset + chunkBytes));
  socket.sendCloseStream({ type: 'CloseStream' });
  await closed;
  return transcripts.sort((a, b) => a.arrivesAtMs - b.arrivesAtMs);
}
