import type { LanguageModel, LlmEvent, LlmRequest } from '../../media-server/pipeline/llm';
import type { SpeechToText, SttHandlers, SttStream, SttStreamOptions } from '../../media-server/pipeline/stt';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../../media-server/pipeline/tts';
import type { VoicemailDetector, VoicemailDetectorOptions, VoicemailVerdict } from '../../media-server/voicemail/voicemail-detector';

/**
 * Small, deterministic stand-ins for the three provider interfaces, for tests about the pipeline's
 * own logic (turns, barge-in, no-response, end_call, endings). The test plays the recognizer: it
 * decides what the caller "said" and when, in Deepgram's message shapes.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export class FakeSttStream implements SttStream {
  audioBytes = 0;
  finalizes = 0;
  closed = false;

  constructor(
    readonly options: SttStreamOptions,
    private readonly handlers: SttHandlers,
  ) {}

  /** Milliseconds of caller audio this stream has received: "now" on its timeline. */
  get audioMs(): number {
    return (this.audioBytes / 2 / this.options.sampleRate) * 1000;
  }

  sendAudio(pcm: Buffer): void {
    this.audioBytes += pcm.length;
  }

  finalize(): void {
    this.finalizes += 1;
  }

  close(): void {
    this.closed = true;
  }

  /** A result whose words span the last `durationMs` of audio received. */
  result(text: string, isFinal: boolean, endsUtterance: boolean, durationMs = 600): void {
    const endMs = this.audioMs;
    const startMs = Math.max(0, endMs - durationMs);
    const words = text.split(/\s+/).filter(Boolean);
    const step = words.length > 0 ? (endMs - startMs) / words.length : 0;
    this.handlers.onEvent({
      kind: 'transcript',
      text,
      isFinal,
      endsUtterance,
      startMs,
      endMs,
      words: words.map((_, i) => ({ startMs: startMs + i * step, endMs: startMs + (i + 1) * step })),
    });
  }

  /** The caller says `text` and stops: an interim, then the final with `speech_final`. */
  say(text: string, durationMs = 600): void {
    this.result(text, false, false, durationMs);
    this.result(text, true, true, durationMs);
  }

  utteranceEnd(): void {
    this.handlers.onEvent({ kind: 'utterance_end' });
  }

  fail(): void {
    this.handlers.onFailure(new Error('fake recognizer failed'));
  }
}

export class FakeStt implements SpeechToText {
  readonly streams = new Map<string, FakeSttStream>();
  failOpens = 0;

  async open(options: SttStreamOptions, handlers: SttHandlers): Promise<SttStream> {
    if (this.failOpens > 0) {
      this.failOpens -= 1;
      throw new Error('fake recognizer unavailable');
    }
    const stream = new FakeSttStream(options, handlers);
    this.streams.set(options.callSid, stream);
    return stream;
  }

  stream(callSid: string): Promise<FakeSttStream> {
    return waitUntil(() => this.streams.get(callSid), `recognition stream of ${callSid}`);
  }
}

export interface ScriptedReply {
  /** Streamed as tokens of a few characters. */
  text?: string;
  toolCall?: string;
  firstTokenMs?: number;
  tokenMs?: number;
}

export class FakeLlm implements LanguageModel {
  readonly requests: LlmRequest[] = [];
  aborted = 0;

  constructor(public script: (request: LlmRequest) => ScriptedReply = () => ({ text: 'Sure.' })) {}

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent> {
    this.requests.push(request);
    const reply = this.script(request);
    try {
      await abortableSleep(reply.firstTokenMs ?? 20, signal);
      for (const token of (reply.text ?? '').match(/.{1,6}/gs) ?? []) {
        yield { kind: 'text', text: token };
        await abortableSleep(reply.tokenMs ?? 2, signal);
      }
      if (reply.toolCall) yield { kind: 'tool_call', name: reply.toolCall, arguments: '{}' };
    } catch (err) {
      if (signal.aborted) this.aborted += 1;
      throw err;
    }
  }

  /** The last user message of each request, in order. */
  get callerLines(): string[] {
    return this.requests.map((r) => [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '');
  }
}

/** Speech at `msPerCharacter` per character of text, in 50 ms pieces, after `firstByteMs`. */
export class FakeTts implements TextToSpeech {
  readonly requests: string[] = [];

  constructor(
    public msPerCharacter = 20,
    public firstByteMs = 10,
  ) {}

  open(options: SynthesizerOptions): SpeechSynthesizer {
    const synthesize = async function* (this: FakeTts, text: string, signal: AbortSignal): AsyncIterable<Buffer> {
      this.requests.push(text);
      await abortableSleep(this.firstByteMs, signal);
      const totalBytes = Math.round((text.length * this.msPerCharacter * options.sampleRate * 2) / 1000 / 2) * 2;
      const pieceBytes = (options.sampleRate * 2) / 20;
      for (let sent = 0; sent < totalBytes; sent += pieceBytes) {
        if (signal.aborted) return;
        yield Buffer.alloc(Math.min(pieceBytes, totalBytes - sent), 0x11);
        await sleep(1);
      }
    };
    return { synthesize: synthesize.bind(this), close: () => undefined };
  }
}

/** A detector that hears a machine once the call is `machineAtMs` old, and the beep `readyAtMs` in. */
export function scriptedVoicemailDetector(machineAtMs: number, readyAtMs: number): (options: VoicemailDetectorOptions) => VoicemailDetector {
  return () => {
    let heardMs = 0;
    return {
      pushAudio: (_pcm, atMs) => void (heardMs = atMs),
      pushTranscript: () => undefined,
      noteInteraction: () => undefined,
      noteAnsweredBy: () => undefined,
      verdict: (nowMs): VoicemailVerdict => {
        const at = Math.max(nowMs, heardMs);
        if (at < machineAtMs) return { kind: 'undecided' };
        return { kind: 'machine', score: 1, reasons: ['scripted'], readyToSpeak: at >= readyAtMs };
      },
      decision: () => ({ verdict: heardMs >= machineAtMs ? 'machine' : 'undecided', score: 1, reasons: ['scripted'], decidedAtMs: machineAtMs }),
    };
  };
}

/** A detector that hears an operator announcement once the call is `atMs` old. */
export function scriptedUnreachableDetector(atMs: number): (options: VoicemailDetectorOptions) => VoicemailDetector {
  return () => {
    let heardMs = 0;
    return {
      pushAudio: (_pcm, chunkAtMs) => void (heardMs = chunkAtMs),
      pushTranscript: () => undefined,
      noteInteraction: () => undefined,
      noteAnsweredBy: () => undefined,
      verdict: (nowMs): VoicemailVerdict =>
        Math.max(nowMs, heardMs) < atMs ? { kind: 'undecided' } : { kind: 'unreachable', score: 1, reasons: ['scripted announcement'] },
      decision: () => ({ verdict: 'unreachable', score: 1, reasons: ['scripted announcement'], decidedAtMs: atMs }),
    };
  };
}

export const undecidedVoicemailDetector = (_options: VoicemailDetectorOptions): VoicemailDetector => ({
  pushAudio: () => undefined,
  pushTranscript: () => undefined,
  noteInteraction: () => undefined,
  noteAnsweredBy: () => undefined,
  verdict: () => ({ kind: 'undecided' }),
  decision: () => ({ verdict: 'undecided', score: 0, reasons: [], decidedAtMs: null }),
});

async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new Error('aborted');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
