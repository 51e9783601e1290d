import { FRAME_MS, type FrameTonality, isTonalFrame } from './frame-tonality';

/**
 * Follows tones across frames and judges what each one is: an answering machine's beep, the special
 * information tone (SIT) before an operator announcement, or something that must never count as a
 * beep (India's 400/425 Hz ringback and busy tones, DTMF, melodies of hold music, a voice).
 *
 * A tone is a run of tonal frames (one or two narrow peaks, see frame-tonality) whose frequencies hold
 * steady or move smoothly; its shape then decides: steady, or a sweep that keeps one direction. A
 * pitch that wanders up and down is a voice or vibrato, not a machine. A tone is judged only once it has
 * ended and the line has been free of tones for a moment, because only then is it known whether it was
 * alone (a beep) or one of a sequence (SIT, a melody, a ringing cadence). Times are stream milliseconds.
 */
export interface Tone {
  startMs: number;
  endMs: number;
  /** Frequencies of the tone's one or two components at its start and at its end. */
  startHz: number[];
  endHz: number[];
  shape: 'steady' | 'sweep';
  /** Mean share of the frames' energy the tone held, 0–1. */
  share: number;
}

export interface Beep {
  startMs: number;
  endMs: number;
  /** The (lower) component's frequency at the beep's start. */
  frequencyHz: number;
  kind: 'single' | 'dual' | 'sweep';
  /** Mean share of the frames' energy the beep held, 0–1. */
  share: number;
}

/** A special information tone: three rising tones near 950, 1,400 and 1,800 Hz (ITU-T E.180). */
export interface InformationTone {
  startMs: number;
  endMs: number;
}

/**
 * A beep lasts at least this long (DESIGN 7.4: a tone holding most of the energy for ≥ 150 ms).
 * 140 ms rather than 150 ms because a 150 ms beep, measured every 20 ms, is not always seen whole.
 */
export const MIN_TONE_MS = 140;
/**
 * Below LOW_VOICE_ZONE_HZ a voice's lowest harmonics can hold most of a frame for a syllable or two
 * (160–200 ms in the evaluation set), which no 40 ms analysis can tell from a tone: a tone there must
 * last this long to count.
 */
export const LOW_VOICE_ZONE_HZ = 500;
export const MIN_LOW_TONE_MS = 250;
/** Longer than this is a dial tone or a fax, never a beep (vendors' beeps last 70 ms–1.5 s). */
export const MAX_BEEP_MS = 3000;
/** A component moves at most this much between two frames: a 300 ms sweep across 1,200 Hz still does. */
const MAX_STEP_HZ = 90;
/** A steady tone stays within this band (plus 2 % of its frequency, for drift and measurement). */
const STEADY_SPREAD_HZ = 40;
/** A sweep keeps its direction: its net movement is at least this share of the distance it travelled. */
const SWEEP_DIRECTNESS = 0.8;
/** One non-tonal frame inside a tone (a click, a burst of noise) does not end it. */
const MAX_MISSED_FRAMES = 1;
/** A tone is judged once this long has passed after it without another tone. */
export const CONFIRM_GAP_MS = 300;
/**
 * India's ringback (400 Hz × 25, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off) and busy tone (400 Hz,
 * 0.75 s on and off) sit in this band. A tone there is a beep only when it is alone: no other tone in
 * the band came within CADENCE_LOOKBACK_MS before it, nor within its confirmation gap after it. The
 * usual gap (300 ms) already outlasts ringback's 200 ms pause; only a tone as long as a busy burst
 * (BUSY_BURST_MS), or one already sounding when the stream began (a burst cut short), waits
 * LOW_CONFIRM_GAP_MS to outlast the busy tone's 750 ms pause.
 */
export const CALL_PROGRESS_BAND_HZ = { low: 360, high: 480 } as const;
export const BUSY_BURST_MS = { min: 600, max: 900 } as const;
export const LOW_CONFIRM_GAP_MS = 800;
const CADENCE_LOOKBACK_MS = 4000;
/** DTMF rows and columns; a dual tone with one of each (±2.5 %) is a key press, not a beep. */
const DTMF_LOW_HZ = [697, 770, 852, 941];
const DTMF_HIGH_HZ = [1209, 1336, 1477, 1633];
const DTMF_TOLERANCE = 0.025;
/** SIT's three tones, each within 7 % of these (carriers use 913.8/1,370.6/1,776.7 Hz or 950/1,400/1,800 Hz). */
const SIT_HZ = [950, 1400, 1800];
const SIT_TOLERANCE = 0.07;
const SIT_PART_MS = { min: 200, max: 450 } as const;

interface ToneRun {
  startMs: number;
  /** End of the last tonal frame. */
  endMs: number;
  /** Per tonal frame: its components' frequencies, ascending. */
  track: number[][];
  shares: number[];
  missedFrames: number;
}

export interface ToneTrackerState {
  run: ToneRun | null;
  /** Tones that ended and are not judged yet: one, or a sequence, each following the last within its confirmation gap. */
  sequence: readonly Tone[];
  /** Every tone judged so far, for the cadence rule (only the last few seconds matter). */
  recent: readonly Tone[];
  beeps: readonly Beep[];
  informationTones: readonly InformationTone[];
  /** End of the latest frame seen. */
  nowMs: number;
  /** Start of the first frame seen: a tone starting there may have begun before the stream. */
  firstFrameMs: number | null;
}

export const INITIAL_TONE_STATE: ToneTrackerState = { run: null, sequence: [], recent: [], beeps: [], informationTones: [], nowMs: 0, firstFrameMs: null };

/** Feeds one frame's measurement (the window ending at `startMs + FRAME_MS`) into the tracker. */
export function trackTone(state: ToneTrackerState, startMs: number, tonality: FrameTonality): ToneTrackerState {
  const nowMs = startMs + FRAME_MS;
  let next: ToneTrackerState = { ...state, nowMs, firstFrameMs: state.firstFrameMs ?? startMs };
  const { run } = state;
  if (isTonalFrame(tonality)) {
    const hz = tonality.tones.map((tone) => tone.hz);
    const share = tonality.tones.reduce((sum, tone) => sum + tone.share, 0);
    const last = run?.track[run.track.length - 1];
    if (run && last && last.length !== hz.length && run.missedFrames < MAX_MISSED_FRAMES && overlaps(last, hz)) {
      // One component more or less for a frame: where one tone gives way to the next (SIT), or a dual
      // tone's weaker half lost in noise. Bridged like a missed frame; what follows decides.
      next.run = { ...run, missedFrames: run.missedFrames + 1 };
    } else if (run && last && last.length === hz.length && hz.every((f, i) => Math.abs(f - last[i]) <= MAX_STEP_HZ)) {
      next.run = { ...run, endMs: nowMs, track: [...run.track, hz], shares: [...run.shares, share], missedFrames: 0 };
    } else {
      if (run) next = endRun(next, run);
      next.run = { startMs, endMs: nowMs, track: [hz], shares: [share], missedFrames: 0 };
    }
  } else if (run) {
    next = run.missedFrames < MAX_MISSED_FRAMES ? { ...next, run: { ...run, missedFrames: run.missedFrames + 1 } } : endRun({ ...next, run: null }, run);
  }
  return next.run === null ? judgeIfQuiet(next) : next;
}

function overlaps(previous: number[], current: number[]): boolean {
  return previous.some((a) => current.some((b) => Math.abs(a - b) <= MAX_STEP_HZ));
}

function endRun(state: ToneTrackerState, run: ToneRun): ToneTrackerState {
  const tone = toneOf(run);
  return tone ? { ...state, run: null, sequence: [...state.sequence, tone] } : { ...state, run: null };
}

/** The run as a tone, or null when it is too short or its pitch wanders (a voice, vibrato). */
function toneOf(run: ToneRun): Tone | null {
  if (run.endMs - run.startMs < MIN_TONE_MS) return null;
  const { track } = run;
  const width = track[0].length;
  let shape: Tone['shape'] | null = 'steady';
  for (let c = 0; c < width; c += 1) {
    const path = track.map((hz) => hz[c]);
    const spread = Math.max(...path) - Math.min(...path);
    if (spread <= STEADY_SPREAD_HZ + 0.02 * path[0]) continue;
    let travelled = 0;
    for (let i = 1; i < path.length; i += 1) travelled += Math.abs(path[i] - path[i - 1]);
    const net = Math.abs(path[path.length - 1] - path[0]);
    if (net >= SWEEP_DIRECTNESS * travelled) shape = 'sweep';
    else shape = null;
  }
  if (shape === null) return null;
  return {
    startMs: run.startMs,
    endMs: run.endMs,
    startHz: track[0],
    endHz: track[track.length - 1],
    shape,
    share: run.shares.reduce((sum, share) => sum + share, 0) / run.shares.length,
  };
}

/** A steady single tone in the call-progress band, long enough to be a burst of ringback or busy tone. */
function inCallProgressBand(tone: Tone): boolean {
  return (
    tone.startHz.length === 1 &&
    tone.shape === 'steady' &&
    tone.startHz[0] >= CALL_PROGRESS_BAND_HZ.low &&
    tone.startHz[0] <= CALL_PROGRESS_BAND_HZ.high &&
    tone.endMs - tone.startMs >= MIN_LOW_TONE_MS
  );
}

/** How long after its last tone a sequence must stay quiet before it is judged. */
export function confirmGapMs(sequence: readonly Tone[], firstFrameMs: number | null = null): number {
  const last = sequence[sequence.length - 1];
  if (!last || !inCallProgressBand(last)) return CONFIRM_GAP_MS;
  const lengthMs = last.endMs - last.startMs;
  const mayBeBusyBurst = lengthMs >= BUSY_BURST_MS.min && lengthMs <= BUSY_BURST_MS.max;
  const cutShort = firstFrameMs !== null && last.startMs <= firstFrameMs + FRAME_MS;
  return mayBeBusyBurst || cutShort ? LOW_CONFIRM_GAP_MS : CONFIRM_GAP_MS;
}

function judgeIfQuiet(state: ToneTrackerState): ToneTrackerState {
  const { sequence } = state;
  if (sequence.length === 0) return state;
  if (state.nowMs - sequence[sequence.length - 1].endMs < confirmGapMs(sequence, state.firstFrameMs)) return state;
  const judged = judgeSequence(sequence, state.recent);
  const recent = [...state.recent, ...sequence].filter((tone) => tone.endMs >= state.nowMs - CADENCE_LOOKBACK_MS);
  return {
    ...state,
    sequence: [],
    recent,
    beeps: judged.beep ? [...state.beeps, judged.beep] : state.beeps,
    informationTones: judged.sit ? [...state.informationTones, judged.sit] : state.informationTones,
  };
}

function judgeSequence(sequence: readonly Tone[], recent: readonly Tone[]): { beep?: Beep; sit?: InformationTone } {
  if (isInformationTone(sequence)) return { sit: { startMs: sequence[0].startMs, endMs: sequence[sequence.length - 1].endMs } };
  // Three or more tones in a row are a melody (hold music) or a cadence; a beep stands alone, or doubled.
  if (sequence.length > 2) return {};
  const tone = sequence[sequence.length - 1];
  if (tone.endMs - tone.startMs > MAX_BEEP_MS) return {};
  if (isDtmf(tone)) return {};
  if (Math.max(...tone.startHz, ...tone.endHz) < LOW_VOICE_ZONE_HZ && tone.endMs - tone.startMs < MIN_LOW_TONE_MS) return {};
  if (inCallProgressBand(tone) && [...recent, ...sequence.slice(0, -1)].some((other) => inCallProgressBand(other) && other.endMs >= tone.startMs - CADENCE_LOOKBACK_MS)) {
    return {};
  }
  const kind: Beep['kind'] = tone.shape === 'sweep' ? 'sweep' : tone.startHz.length === 2 ? 'dual' : 'single';
  return { beep: { startMs: tone.startMs, endMs: tone.endMs, frequencyHz: tone.startHz[0], kind, share: Math.round(tone.share * 100) / 100 } };
}

function isDtmf(tone: Tone): boolean {
  if (tone.startHz.length !== 2) return false;
  const near = (hz: number, table: number[]): boolean => table.some((reference) => Math.abs(hz - reference) <= DTMF_TOLERANCE * reference);
  return near(tone.startHz[0], DTMF_LOW_HZ) && near(tone.startHz[1], DTMF_HIGH_HZ);
}

function isInformationTone(sequence: readonly Tone[]): boolean {
  if (sequence.length !== 3) return false;
  return sequence.every((tone, i) => {
    const lengthMs = tone.endMs - tone.startMs;
    const hz = tone.startHz[0];
    return tone.startHz.length === 1 && Math.abs(hz - SIT_HZ[i]) <= SIT_TOLERANCE * SIT_HZ[i] && lengthMs >= SIT_PART_MS.min - FRAME_MS && lengthMs <= SIT_PART_MS.max + FRAME_MS;
  });
}

/** Whether a tone is sounding, or has just ended and is not judged yet: it may be a beep. */
export function toneSounding(state: ToneTrackerState): boolean {
  return state.run !== null || state.sequence.length > 0;
}
