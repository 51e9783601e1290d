import { loadClip as loadClipFromDisk } from '../audio/clip-library';
import { CALLEE_SCRIPTS, type CalleeScriptName, type CalleeStep } from '../audio/scripts';
import type { CalleeAudioSource } from './callee-audio';

/** What the callee can tell of the bot: its loudspeaker (bot-audio-playback.ts). */
export interface BotLoudspeaker {
  bytesPlayed(): number;
  queuedMs(): number;
}

/** One chunk of the callee's side of the call. */
export interface CalleeTurn {
  /** The chunk's audio: the line with the callee's voice mixed in. */
  pcm: Buffer;
  /** Keys released within the chunk, to report as `dtmf` events. */
  dtmf: { digit: string; durationMs: number }[];
  /** The callee hung up within the chunk. */
  hangUp: boolean;
}

/** A step as it happened, on the stream's timeline (ms since the stream started, like `media.timestamp`). */
export interface CalleeStepLog {
  kind: CalleeStep['kind'];
  /** The spoken text, the sound's description or the key. */
  what: string;
  startMs: number;
  endMs: number | null;
}

export interface ScriptedCalleeOptions {
  script: CalleeScriptName;
  sampleRate: number;
  chunkMs: number;
  /** The line beneath the voice (silence unless the simulator was given other `calleeAudio`). */
  line: CalleeAudioSource;
  bot: BotLoudspeaker;
  loadClip?: (name: string, sampleRate: number) => Int16Array;
}

interface ActiveStep {
  step: CalleeStep;
  startSample: number;
  endSample: number;
  samples: Int16Array | undefined;
  log: CalleeStepLog;
}

/**
 * A simulated callee playing its script (sim/audio/scripts.ts) on the media leg, one chunk at a time,
 * taking turns with the bot the way a person does: it listens to what the bot's audio does on its
 * loudspeaker, waits for the bot to finish plus a think pause, or talks over it when the script says so.
 *
 * Time is the stream's own: chunk n covers [n × chunkMs, (n + 1) × chunkMs), as the media leg sends
 * them, so the callee needs no clock and runs the same in tests. What it learns of the bot it learns
 * once per chunk, so its reactions are accurate to one chunk (100 ms), as fine as a person's.
 */
export class ScriptedCallee {
  private readonly steps: readonly CalleeStep[];
  private readonly samplesPerMs: number;
  private readonly bytesPerMs: number;
  private readonly loadClip: (name: string, sampleRate: number) => Int16Array;
  private chunkIndex = 0;
  private nextStep = 0;
  private active: ActiveStep | undefined;
  private hungUp = false;
  /** End of the previous step (the answer, before the first). Cues count from here. */
  private previousEndMs = 0;
  private bytesPlayedSeen = 0;
  /** Bot audio played since the previous step ended, and how much of it in the latest chunk. */
  private botHeardMs = 0;
  private botHeardInChunkMs = 0;
  /** When the bot's audio last stopped; undefined while it plays or before it has played. */
  private botQuietSinceMs: number | undefined;
  private readonly history: CalleeStepLog[] = [];

  constructor(private readonly options: ScriptedCalleeOptions) {
    this.steps = CALLEE_SCRIPTS[options.script];
    this.samplesPerMs = options.sampleRate / 1000;
    this.bytesPerMs = this.samplesPerMs * 2;
    this.loadClip = options.loadClip ?? loadClipFromDisk;
  }

  nextChunk(): CalleeTurn {
    const { chunkMs } = this.options;
    const windowStartMs = this.chunkIndex * chunkMs;
    const windowEndMs = windowStartMs + chunkMs;
    this.chunkIndex += 1;
    // A copy: the line may hand out one shared buffer (silence), and the voice is mixed into it.
    const turn: CalleeTurn = { pcm: Buffer.from(this.options.line.nextChunk()), dtmf: [], hangUp: false };
    this.listen(windowStartMs, windowEndMs);
    let cursorMs = windowStartMs;
    while (!this.hungUp && cursorMs < windowEndMs) {
      if (!this.active) {
        const dueMs = this.nextStepDueMs(windowStartMs);
        if (dueMs === undefined || dueMs >= windowEndMs) break;
        this.begin(Math.max(dueMs, cursorMs), turn);
        continue;
      }
      const active = this.active;
      const windowEndSample = this.toSample(windowEndMs);
      const untilSample = Math.min(active.endSample, windowEndSample);
      if (active.samples) this.mix(turn.pcm, this.toSample(windowStartMs), Math.max(this.toSample(cursorMs), active.startSample), untilSample, active);
      cursorMs = untilSample / this.samplesPerMs;
      if (active.endSample <= windowEndSample) this.finish(active, turn);
    }
    return turn;
  }

  /** The steps so far, for the simulator's call view. */
  log(): CalleeStepLog[] {
    return this.history.map((entry) => ({ ...entry }));
  }

  /** Follows the bot's audio on the loudspeaker over the chunk that just ended. */
  private listen(windowStartMs: number, windowEndMs: number): void {
    const played = this.options.bot.bytesPlayed();
    const heardMs = (played - this.bytesPlayedSeen) / this.bytesPerMs;
    this.bytesPlayedSeen = played;
    this.botHeardMs += heardMs;
    this.botHeardInChunkMs = heardMs;
    if (this.options.bot.queuedMs() > 0) this.botQuietSinceMs = undefined;
    // Audio that ran out within the chunk had, nearly always, been playing since the chunk began.
    else if (heardMs > 0) this.botQuietSinceMs = Math.min(windowEndMs, windowStartMs + heardMs);
  }

  /** When the next step is due, if that is known yet. */
  private nextStepDueMs(windowStartMs: number): number | undefined {
    const step = this.steps[this.nextStep];
    if (!step) return undefined;
    const { cue } = step;
    const botDoneAtMs = this.botHeardMs > 0 ? this.botQuietSinceMs : undefined;
    switch (cue.after) {
      case 'answer':
        return cue.delayMs;
      case 'previous':
        return this.previousEndMs + cue.pauseMs;
      case 'bot-turn':
        if (botDoneAtMs !== undefined) return botDoneAtMs + cue.pauseMs;
        if (cue.unpromptedAfterMs !== undefined && this.botHeardMs === 0) return this.previousEndMs + cue.unpromptedAfterMs;
        return undefined;
      case 'bot-audio': {
        if (this.botHeardMs >= cue.playedMs) {
          // The bot crossed `playedMs` within this chunk (the step would have started earlier otherwise).
          const heardBeforeChunkMs = this.botHeardMs - this.botHeardInChunkMs;
          return windowStartMs + Math.max(0, cue.playedMs - heardBeforeChunkMs);
        }
        return botDoneAtMs === undefined ? undefined : botDoneAtMs + cue.pauseMs;
      }
    }
  }

  private begin(startMs: number, turn: CalleeTurn): void {
    const step = this.steps[this.nextStep];
    this.nextStep += 1;
    const startSample = this.toSample(startMs);
    const log: CalleeStepLog = { kind: step.kind, what: describe(step), startMs, endMs: null };
    this.history.push(log);
    if (step.kind === 'hang-up') {
      log.endMs = startMs;
      this.hungUp = true;
      turn.hangUp = true;
      return;
    }
    const samples = step.kind === 'dtmf' ? undefined : this.loadClip(step.clip, this.options.sampleRate);
    const lengthSamples = step.kind === 'dtmf' ? this.toSample(step.durationMs) : (samples as Int16Array).length;
    this.active = { step, startSample, endSample: startSample + lengthSamples, samples, log };
  }

  private finish(active: ActiveStep, turn: CalleeTurn): void {
    const endMs = active.endSample / this.samplesPerMs;
    active.log.endMs = endMs;
    if (active.step.kind === 'dtmf') turn.dtmf.push({ digit: active.step.digit, durationMs: active.step.durationMs });
    this.active = undefined;
    this.previousEndMs = endMs;
    this.botHeardMs = 0;
    this.botHeardInChunkMs = 0;
    this.botQuietSinceMs = undefined;
  }

  /** Adds the step's samples [fromSample, untilSample) into the chunk starting at windowStartSample. */
  private mix(pcm: Buffer, windowStartSample: number, fromSample: number, untilSample: number, active: ActiveStep): void {
    const samples = active.samples as Int16Array;
    // A line source that hands out short chunks gets the voice cut, not a write past its end.
    const lastSample = Math.min(untilSample, windowStartSample + Math.floor(pcm.length / 2));
    for (let sample = fromSample; sample < lastSample; sample += 1) {
      const offset = (sample - windowStartSample) * 2;
      const mixed = pcm.readInt16LE(offset) + samples[sample - active.startSample];
      pcm.writeInt16LE(Math.max(-32768, Math.min(32767, mixed)), offset);
    }
  }

  private toSample(ms: number): number {
    return Math.round(ms * this.samplesPerMs);
  }
}

function describe(step: CalleeStep): string {
  switch (step.kind) {
    case 'say':
      return step.text;
    case 'sound':
      return step.description;
    case 'dtmf':
      return step.digit;
    case 'hang-up':
      return 'hangs up';
  }
}
