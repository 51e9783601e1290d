import { percentile } from './figures';
import type { ClipLabel, ClipRun } from './voicemail-eval-set';

/**
 * The figures issue #15 holds voicemail detection to, from a set of clip runs: precision and recall of
 * `machine` and `unreachable`, the share of people misjudged, decision times per class (people: from
 * their first word; machines and announcements: from the answer), and how soon after a beep the
 * message could start. Broken down by condition (clean, SNR) and by kind of clip.
 */
export interface ModeFigures {
  machine: { precision: number; recall: number; recallBeepGreetings: number };
  unreachable: { precision: number; recall: number };
  human: { misjudged: number; declaredWithin2500MsOfFirstWord: number };
  decisionMs: Record<ClipLabel, { p50: number; p90: number; max: number }>;
  messageAfterBeepEndMs: { p50: number; p95: number; max: number };
  /** Machines without a beep: from the end of the greeting's last word. */
  messageAfterGreetingEndMs: { p50: number; p95: number; max: number };
  /** Messages started and then given again because the machine's side sounded (per machine detected). */
  messageRestarts: { machines: number; restarted: number; total: number };
}

const round = (value: number, digits = 3): number => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : NaN);

function precisionRecall(runs: ClipRun[], label: ClipLabel): { precision: number; recall: number; tp: number; fp: number; fn: number } {
  const tp = runs.filter((run) => run.verdict === label && run.clip.label === label).length;
  const fp = runs.filter((run) => run.verdict === label && run.clip.label !== label).length;
  const fn = runs.filter((run) => run.verdict !== label && run.clip.label === label).length;
  return { precision: round(tp / Math.max(1, tp + fp)), recall: round(tp / Math.max(1, tp + fn)), tp, fp, fn };
}

function decisionMs(run: ClipRun): number | null {
  if (run.clip.label === 'human') {
    const firstWordMs = run.clip.speech[0]?.startMs ?? 0;
    return run.humanAtMs === null ? null : run.humanAtMs - firstWordMs;
  }
  return run.verdict === run.clip.label ? run.decidedAtMs : null;
}

function times(values: number[]): { p50: number; p90: number; max: number } {
  return { p50: percentile(values, 50), p90: percentile(values, 90), max: values.length ? Math.max(...values) : NaN };
}

const spread = (values: number[]): { p50: number; p95: number; max: number } => ({ p50: percentile(values, 50), p95: percentile(values, 95), max: values.length ? Math.max(...values) : NaN });

const endsInBeep = (run: ClipRun): boolean => run.clip.label === 'machine' && run.clip.tones.some((tone) => tone.kind === 'beep');

export function summarizeRuns(runs: ClipRun[]): { lines: Record<string, unknown>[]; summary: ModeFigures } {
  const lines: Record<string, unknown>[] = [];
  const groups: [string, string, ClipRun[]][] = [['all', 'all', runs]];
  for (const key of ['condition', 'kind'] as const) {
    for (const value of [...new Set(runs.map((run) => run.clip[key]))].sort()) groups.push([key, value, runs.filter((run) => run.clip[key] === value)]);
  }
  for (const [by, value, group] of groups) {
    const line: Record<string, unknown> = { figure: 'accuracy', by, value, clips: group.length };
    for (const label of ['machine', 'unreachable'] as const) if (group.some((run) => run.clip.label === label || run.verdict === label)) line[label] = precisionRecall(group, label);
    const humans = group.filter((run) => run.clip.label === 'human');
    if (humans.length > 0) line.humansMisjudged = humans.filter((run) => run.verdict !== 'human').length;
    lines.push(line);
  }
  const decision = {} as ModeFigures['decisionMs'];
  for (const label of ['human', 'machine', 'unreachable'] as const) {
    const values = runs.filter((run) => run.clip.label === label).map(decisionMs).filter((ms): ms is number => ms !== null);
    decision[label] = times(values);
    lines.push({ figure: 'decision_ms', class: label, clips: values.length, ...decision[label] });
  }
  const afterBeep = runs
    .filter((run) => endsInBeep(run) && run.verdict === 'machine' && run.readyAtMs !== null)
    .map((run) => (run.readyAtMs as number) - Math.max(...run.clip.tones.filter((tone) => tone.kind === 'beep').map((tone) => tone.endMs)));
  const messageAfterBeepEndMs = spread(afterBeep);
  lines.push({ figure: 'message_after_beep_end_ms', clips: afterBeep.length, ...messageAfterBeepEndMs });
  const afterGreeting = runs
    .filter((run) => run.clip.label === 'machine' && !endsInBeep(run) && run.clip.speech.length > 0 && run.verdict === 'machine' && run.readyAtMs !== null)
    .map((run) => (run.readyAtMs as number) - Math.max(...run.clip.speech.map((segment) => segment.endMs)));
  const messageAfterGreetingEndMs = spread(afterGreeting);
  lines.push({ figure: 'message_after_greeting_end_ms', clips: afterGreeting.length, ...messageAfterGreetingEndMs });
  const machinesDetected = runs.filter((run) => run.verdict === 'machine' && run.readyAtMs !== null);
  const messageRestarts = {
    machines: machinesDetected.length,
    restarted: machinesDetected.filter((run) => run.restarts > 0).length,
    total: machinesDetected.reduce((sum, run) => sum + run.restarts, 0),
  };
  lines.push({ figure: 'message_restarts', ...messageRestarts });
  const humans = runs.filter((run) => run.clip.label === 'human');
  const beepGreetings = runs.filter(endsInBeep);
  const machine = precisionRecall(runs, 'machine');
  const unreachable = precisionRecall(runs, 'unreachable');
  return {
    lines,
    summary: {
      machine: { precision: machine.precision, recall: machine.recall, recallBeepGreetings: round(beepGreetings.filter((run) => run.verdict === 'machine').length / Math.max(1, beepGreetings.length)) },
      unreachable: { precision: unreachable.precision, recall: unreachable.recall },
      human: {
        misjudged: round(humans.filter((run) => run.verdict !== 'human').length / Math.max(1, humans.length)),
        declaredWithin2500MsOfFirstWord: round(humans.filter((run) => { const ms = decisionMs(run); return ms !== null && ms <= 2500; }).length / Math.max(1, humans.length)),
      },
      decisionMs: decision,
      messageAfterBeepEndMs,
      messageAfterGreetingEndMs,
      messageRestarts,
    },
  };
}
