import { readFileSync } from 'node:fs';
import path from 'node:path';
import { measureFrameTonality } from '../../domain/voicemail/frame-tonality';
import { INITIAL_TONE_STATE, trackTone } from '../../domain/voicemail/tone-tracker';
import { createVoicemailDetector } from '../../media-server/voicemail/create-voicemail-detector';
import { PcmFramer } from '../../media-server/voicemail/pcm-framer';

/**
 * Runs every clip of the labelled set (test/fixtures/voicemail, made by sim/audio/make-clips.sh)
 * through the detector the way a live call feeds it, and measures precision and recall of `machine`.
 *
 * Live-like feeding, as media-server/conversation.ts does it: audio in 100 ms chunks, each handed over
 * when its last sample has arrived; transcripts as a streaming STT gives them (an interim every 500 ms
 * while the caller speaks, lagging 300 ms; the final 350 ms after the speech ends, Deepgram's median
 * from India), each stamped with the end of the speech it covers; interactions stamped with the start
 * of the speech: an answer to the bot for speech the labels mark as a reply and, harsher than the
 * session, a barge-in whenever the caller starts speaking during the bot's greeting (the first 2.5 s).
 * The verdict is asked after every chunk, so at 5 s the window closes as it does on a live call.
 */
interface Segment {
  text: string;
  startMs: number;
  endMs: number;
  reply: boolean;
}

interface Clip {
  file: string;
  label: 'machine' | 'human' | 'none';
  description: string;
  durationMs: number;
  speech: Segment[];
  beeps: { hz: number; startMs: number; endMs: number }[];
}

type Event = { atMs: number; run: (detector: ReturnType<typeof createVoicemailDetector>) => void };

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'voicemail');
const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'labels.json'), 'utf8')) as { sampleRate: number; clips: Clip[] };
const CHUNK_MS = 100;
const BOT_GREETING_MS = 2500;
const STT_INTERIM_EVERY_MS = 500;
const STT_INTERIM_LAG_MS = 300;
const STT_FINAL_LAG_MS = 350;

function sttAndSessionEvents(clip: Clip): Event[] {
  const events: Event[] = [];
  for (const segment of clip.speech) {
    const words = segment.text.split(/\s+/);
    const spokenMs = segment.endMs - segment.startMs;
    for (let arrivesMs = segment.startMs + STT_INTERIM_LAG_MS; arrivesMs < segment.endMs; arrivesMs += STT_INTERIM_EVERY_MS) {
      const coversUntilMs = arrivesMs - STT_INTERIM_LAG_MS;
      const partial = words.slice(0, Math.max(1, Math.floor((words.length * (coversUntilMs - segment.startMs)) / spokenMs))).join(' ');
      events.push({ atMs: arrivesMs, run: (detector) => detector.pushTranscript(partial, false, coversUntilMs) });
    }
    events.push({ atMs: segment.endMs + STT_FINAL_LAG_MS, run: (detector) => detector.pushTranscript(segment.text, true, segment.endMs) });
    if (segment.reply) events.push({ atMs: segment.endMs + STT_FINAL_LAG_MS, run: (detector) => detector.noteInteraction(segment.startMs) });
    else if (segment.startMs < BOT_GREETING_MS) events.push({ atMs: segment.startMs + STT_INTERIM_LAG_MS, run: (detector) => detector.noteInteraction(segment.startMs) });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

interface Outcome {
  clip: Clip;
  machine: boolean;
  machineAtMs: number | null;
  readyAtMs: number | null;
  detail: string;
}

function runClip(clip: Clip): Outcome {
  const pcm = readFileSync(path.join(FIXTURES, clip.file));
  const detector = createVoicemailDetector({ sampleRate: labels.sampleRate });
  const events = sttAndSessionEvents(clip);
  const chunkBytes = (labels.sampleRate * 2 * CHUNK_MS) / 1000;
  let machineAtMs: number | null = null;
  let readyAtMs: number | null = null;
  let verdict = detector.verdict(0);
  for (let offset = 0, atMs = 0; offset < pcm.length; offset += chunkBytes, atMs += CHUNK_MS) {
    detector.pushAudio(pcm.subarray(offset, offset + chunkBytes), atMs);
    const nowMs = atMs + CHUNK_MS;
    while (events.length > 0 && events[0].atMs <= nowMs) (events.shift() as Event).run(detector);
    verdict = detector.verdict(nowMs);
    if (verdict.kind === 'machine') {
      machineAtMs ??= nowMs;
      if (verdict.readyToSpeak) readyAtMs ??= nowMs;
    }
  }
  const detail = verdict.kind === 'machine' ? `machine ${verdict.score} [${verdict.reasons.join('; ')}]` : verdict.kind;
  return { clip, machine: verdict.kind === 'machine', machineAtMs, readyAtMs, detail };
}

describe('voicemail detection on the labelled clip set', () => {
  const outcomes = labels.clips.map(runClip);

  it('reaches the precision and recall it is held to, and reports them', () => {
    const truePositives = outcomes.filter((o) => o.machine && o.clip.label === 'machine').length;
    const falsePositives = outcomes.filter((o) => o.machine && o.clip.label !== 'machine').length;
    const falseNegatives = outcomes.filter((o) => !o.machine && o.clip.label === 'machine').length;
    const precision = truePositives / Math.max(1, truePositives + falsePositives);
    const recall = truePositives / Math.max(1, truePositives + falseNegatives);
    const lines = outcomes.map(
      (o) =>
        `  ${o.clip.file.padEnd(34)} ${o.clip.label.padEnd(7)} → ${o.detail}` +
        (o.machineAtMs !== null ? ` at ${o.machineAtMs} ms` : '') +
        (o.readyAtMs !== null ? `, ready at ${o.readyAtMs} ms` : ''),
    );
    process.stdout.write(
      `voicemail detection: ${outcomes.length} clips, precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)} ` +
        `(tp ${truePositives}, fp ${falsePositives}, fn ${falseNegatives})\n${lines.join('\n')}\n`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });

  it('decides within the 5 s window, and is ready to speak only once the machine records', () => {
    for (const { clip, machineAtMs, readyAtMs } of outcomes) {
      if (machineAtMs === null) continue;
      expect(machineAtMs).toBeLessThanOrEqual(5000 + CHUNK_MS);
      const lastSpeechEndMs = Math.max(0, ...clip.speech.map((segment) => segment.endMs));
      const beep = clip.beeps.at(-1);
      if (beep) {
        // Right after the beep (it is over two frames after its end), never before it.
        expect(readyAtMs).toBeGreaterThanOrEqual(beep.endMs);
        expect(readyAtMs).toBeLessThanOrEqual(beep.endMs + 40 + CHUNK_MS);
      } else {
        // 800 ms of silence after the greeting (2.5 s if it had promised a beep).
        expect(readyAtMs).toBeGreaterThanOrEqual(lastSpeechEndMs + 800);
        expect(readyAtMs).toBeLessThanOrEqual(lastSpeechEndMs + 2500 + CHUNK_MS);
      }
    }
  });

  it('finds every labelled beep with the Goertzel bank, where it is, and no tone anywhere else', () => {
    for (const clip of labels.clips) {
      let tone = INITIAL_TONE_STATE;
      for (const frame of new PcmFramer(labels.sampleRate).push(readFileSync(path.join(FIXTURES, clip.file)), 0)) {
        tone = trackTone(tone, frame.startMs, measureFrameTonality(frame.samples, labels.sampleRate));
      }
      const found = tone.beeps.map(({ startMs, endMs, frequencyHz }) => ({ startMs, endMs, frequencyHz }));
      expect({ clip: clip.file, beeps: found.length }).toEqual({ clip: clip.file, beeps: clip.beeps.length });
      clip.beeps.forEach((labelled, index) => {
        expect(found[index].frequencyHz).toBe(labelled.hz);
        expect(Math.abs(found[index].startMs - labelled.startMs)).toBeLessThanOrEqual(20);
        expect(Math.abs(found[index].endMs - labelled.endMs)).toBeLessThanOrEqual(20);
      });
    }
  });
});
