/**
 * Voicemail detection on the labelled evaluation set (test/fixtures/voicemail-eval), in two modes:
 * - `audio`: audio only, as when speech-to-text cannot transcribe the recording;
 * - `transcripts`: with the words each clip says, fed through the Deepgram simulator's script
 *   registration and the real SDK, as a real Deepgram would transcribe them.
 * Prints one JSON line per figure (precision, recall and decision-time percentiles per class, per
 * condition and per kind of clip) and a final `SUMMARY {json}`.
 *
 *   npm run bench:voicemail [-- --mode audio|transcripts|both] [--only <substring of file names>]
 */
import pino from 'pino';
import { createDeepgramSimulator } from '../sim/deepgram/simulator';
import { clipPcm, loadEvalSet, runClip, transcribeWithDeepgramSim, type ClipRun, type TimedTranscript } from './voicemail-eval-set';
import { summarizeRuns, type ModeFigures } from './voicemail-figures';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const mode = argument('mode') ?? 'both';
  const only = argument('only');
  const set = loadEvalSet();
  const clips = set.clips.filter((clip) => !only || clip.file.includes(only));
  const modes = mode === 'both' ? ['audio', 'transcripts'] : [mode];
  const summary: Record<string, ModeFigures> = {};
  const deepgram = modes.includes('transcripts') ? createDeepgramSimulator({ exotelSimUrl: null, logger: pino({ level: 'silent' }) }) : null;
  if (deepgram) await deepgram.start(0);
  try {
    for (const current of modes) {
      const runs: ClipRun[] = [];
      for (const clip of clips) {
        const pcm = clipPcm(clip);
        const transcripts: TimedTranscript[] = current === 'transcripts' && deepgram ? await transcribeWithDeepgramSim(deepgram.baseUrl, clip, pcm, set.sampleRate) : [];
        const run = runClip(clip, pcm, set.sampleRate, transcripts);
        runs.push(run);
        if (run.verdict !== run.clip.label) {
          print({ mode: current, miss: clip.file, label: clip.label, verdict: run.verdict, score: run.score, reasons: run.reasons });
        }
      }
      const figures = summarizeRuns(runs);
      for (const line of figures.lines) print({ mode: current, ...line });
      summary[current] = figures.summary;
    }
  } finally {
    await deepgram?.stop();
  }
  process.stdout.write(`SUMMARY ${JSON.stringify({ clips: clips.length, ...summary })}\n`);
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
