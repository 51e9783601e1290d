import type { ExotelSimulator } from '../../sim/exotel/simulator';

/** What GET /bulk/batches/:id answers, as far as the campaign tests read it. */
export interface BatchView {
  batchId: string;
  status: string;
  progress: {
    total: number;
    dispatched: number;
    processed: number;
    successful: number;
    failed: number;
    voicemail: number;
    cancelled: number;
    inProgress: number;
    pending: number;
  };
}

/** `intervalMs`: each look queries the campaign workflow, so a long wait looks less often. */
export async function waitForBatch(api: { apiUrl: string; apiKey: string }, batchId: string, done: (batch: BatchView) => boolean, timeoutMs: number, intervalMs = 200): Promise<BatchView> {
  const deadline = Date.now() + timeoutMs;
  let last: BatchView | undefined;
  for (;;) {
    const response = await fetch(`${api.apiUrl}/api/v1/bulk/batches/${batchId}`, { headers: { authorization: `Bearer ${api.apiKey}` } });
    if (response.ok) {
      last = (await response.json()) as BatchView;
      if (done(last)) return last;
    }
    if (Date.now() > deadline) throw new Error(`batch ${batchId} did not get there in ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Dials the simulator received per call of the batch (CustomField `<batchId>-<n>:<attempt>`). */
export async function batchDials(sim: ExotelSimulator, batchId: string): Promise<Record<string, number>> {
  const response = await fetch(`${sim.baseUrl}/sim/stats`);
  const { dialsByCustomField } = (await response.json()) as { dialsByCustomField: Record<string, number> };
  return Object.fromEntries(Object.entries(dialsByCustomField).filter(([field]) => field.startsWith(`${batchId}-`)));
}

export interface SimCallSpan {
  customField: string;
  createdAt: number;
  endedAt: number | null;
}

export async function simCallsOf(sim: ExotelSimulator, batchId: string): Promise<SimCallSpan[]> {
  const response = await fetch(`${sim.baseUrl}/sim/calls`);
  const { calls } = (await response.json()) as { calls: { customField: string | null; createdAt: string; endedAt: string | null }[] };
  return calls
    .filter((call) => call.customField?.startsWith(`${batchId}-`))
    .map((call) => ({
      customField: call.customField!,
      createdAt: Date.parse(call.createdAt),
      endedAt: call.endedAt ? Date.parse(call.endedAt) : null,
    }));
}

/** The most calls live at one moment: a sweep over start (+1) and end (−1) events. */
export function maxOverlap(spans: SimCallSpan[]): number {
  const events = spans.flatMap((span) => [
    { at: span.createdAt, delta: 1 },
    { at: span.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  // At equal times an end comes before a start: a line freed and taken at once was never double-booked.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let live = 0;
  let peak = 0;
  for (const event of events) {
    live += event.delta;
    peak = Math.max(peak, live);
  }
  return peak;
}
