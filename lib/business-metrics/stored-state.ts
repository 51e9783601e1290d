import { Gauge, type Metric } from 'prom-client';
import { CALL_PHASES } from '../../domain/call-status';
import { withoutExpired } from '../../domain/line-book';
import { CallLog } from '../../db/models/call-log';
import { Campaign } from '../../db/models/campaign';
import { LineBookRecord } from '../../db/models/line-book';
import { readLineBook } from '../../db/line-book-store';
import type { CampaignStatus } from '../../domain/campaign-types';
import type { Logger } from '../logger';

/**
 * Figures that live in the database rather than in one process's events: the line gate (lines in use,
 * calls waiting, the breaker), calls per phase and how long the longest-unchanged one has sat there,
 * and the progress of campaigns that have not ended. Read when Prometheus scrapes, at most once per
 * STORED_STATE_MAX_AGE_MS whatever the number of scrapers, because counting open calls reads every one
 * of them on FerretDB. Every general worker reports the same values: aggregate them with max().
 */
export const STORED_STATE_MAX_AGE_MS = 10_000;

/** Campaigns still under way; a finished campaign's figures stop being reported. */
const LIVE_CAMPAIGN_STATUSES: CampaignStatus[] = ['scheduled', 'running', 'paused', 'cancelling'];
const CAMPAIGN_FIGURES = ['total', 'dispatched', 'finished', 'inFlight', 'waiting'] as const;

interface StoredState {
  gates: { account: string; active: number; waiting: number; breakerOpen: boolean; consecutiveFailures: number }[];
  phases: { phase: string; calls: number; oldestUpdatedAt: Date | null }[];
  campaigns: { campaignId: string; status: string; figures: Record<(typeof CAMPAIGN_FIGURES)[number], number> }[];
}

async function readStoredState(now: number): Promise<StoredState> {
  const [accounts, phaseRows, campaigns] = await Promise.all([
    LineBookRecord.find({}, { _id: 1 }).lean(),
    // FerretDB's $group has $sum but not $min: the oldest row of each phase is a query of its own.
    CallLog.aggregate<{ _id: string; calls: number }>([{ $match: { status: { $in: [...CALL_PHASES] } } }, { $group: { _id: '$status', calls: { $sum: 1 } } }]),
    Campaign.find({ status: { $in: LIVE_CAMPAIGN_STATUSES } }, { status: 1, progress: 1 }).lean(),
  ]);
  const calls = new Map(phaseRows.map((row) => [row._id, row.calls]));
  const [gates, phases] = await Promise.all([
    Promise.all(
      accounts.map(async ({ _id: account }) => {
        const book = withoutExpired(await readLineBook(account), now);
        return { account, active: book.holders.length, waiting: book.waiting.length, breakerOpen: !book.fastPath, consecutiveFailures: book.consecutiveFailures };
      }),
    ),
    // Every phase is reported, an empty one as 0, so that an alert on it sees the phase come back to 0.
    Promise.all(
      CALL_PHASES.map(async (phase) => {
        const oldest = calls.get(phase) ? await CallLog.findOne({ status: phase }, { updatedAt: 1 }).sort({ updatedAt: 1 }).lean() : null;
        return { phase, calls: calls.get(phase) ?? 0, oldestUpdatedAt: oldest?.updatedAt ?? null };
      }),
    ),
  ]);
  return {
    gates,
    phases,
    campaigns: campaigns.map((c) => ({
      campaignId: c._id,
      status: c.status,
      figures: Object.fromEntries(CAMPAIGN_FIGURES.map((figure) => [figure, c.progress?.[figure] ?? 0])) as StoredState['campaigns'][number]['figures'],
    })),
  };
}

/** The gauges, each filled from one shared read; a read that fails leaves them empty and is logged. */
export function createStoredStateMetrics(logger: Logger, clock: () => number = Date.now): Metric[] {
  let cached: { at: number; state: Promise<StoredState | null> } | null = null;
  const current = (): Promise<StoredState | null> => {
    const now = clock();
    if (!cached || now - cached.at >= STORED_STATE_MAX_AGE_MS) {
      cached = {
        at: now,
        state: readStoredState(now).catch((err: unknown) => {
          logger.warn({ err }, 'metrics: the database figures could not be read');
          return null;
        }),
      };
    }
    return cached.state;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (gauge: Gauge, state: StoredState, now: number) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [],
      async collect() {
        this.reset();
        const state = await current();
        if (state) fill(this, state, clock());
      },
    });

  return [
    gauge('ringline_line_gate_active_calls', 'Lines held by calls now (line book), by Exotel account', ['account'], (g, s) => {
      for (const gate of s.gates) g.set({ account: gate.account }, gate.active);
    }),
    gauge('ringline_line_gate_waiting_calls', 'Calls queued in the line gate for a line, by Exotel account', ['account'], (g, s) => {
      for (const gate of s.gates) g.set({ account: gate.account }, gate.waiting);
    }),
    gauge('ringline_line_gate_breaker_open', "1 while the account's circuit breaker holds dials back (open or half-open), else 0", ['account'], (g, s) => {
      for (const gate of s.gates) g.set({ account: gate.account }, gate.breakerOpen ? 1 : 0);
    }),
    gauge('ringline_line_gate_consecutive_dial_failures', 'Dial requests that failed in a row (the breaker opens at EXOTEL_CIRCUIT_FAILURES)', ['account'], (g, s) => {
      for (const gate of s.gates) g.set({ account: gate.account }, gate.consecutiveFailures);
    }),
    gauge('ringline_calls_in_phase', "Call attempts whose record is in a live phase (scheduled, waiting_for_line, dialing, ringing, in_progress, retry_scheduled)", ['phase'], (g, s) => {
      for (const phase of s.phases) g.set({ phase: phase.phase }, phase.calls);
    }),
    gauge('ringline_calls_in_phase_oldest_unchanged_seconds', 'Seconds since the least recently written attempt record in each live phase was last written (0 when the phase is empty)', ['phase'], (g, s, now) => {
      for (const phase of s.phases) g.set({ phase: phase.phase }, phase.oldestUpdatedAt ? Math.max(0, (now - new Date(phase.oldestUpdatedAt).getTime()) / 1000) : 0);
    }),
    gauge('ringline_campaign_contacts', 'Contacts of campaigns that have not ended, by campaign, campaign status and figure (total, dispatched, finished, inFlight, waiting)', ['campaign_id', 'status', 'figure'], (g, s) => {
      for (const c of s.campaigns) for (const [figure, value] of Object.entries(c.figures)) g.set({ campaign_id: c.campaignId, status: c.status, figure }, value);
    }),
  ];
}
