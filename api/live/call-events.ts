import type { Client } from '@temporalio/client';
import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/attempt-address';
import type { CallEndEvent, CallPhaseEvent, CallTurnEvent } from '../../domain/api-schemas/live-events';
import { isTerminalStatus, type CallStatus } from '../../domain/call-status';
import { turnEventId, turnsAfter, type TurnPosition } from '../../domain/turn-event-id';
import { lookUpLiveCall } from '../temporal-calls';
import type { EventStream } from './event-stream';
import type { WatchedState } from './shared-watch';

/** What one read of a call yields: where it stands, every transcript turn so far, and its end once it has one. */
export interface CallState extends WatchedState {
  phase: CallPhaseEvent;
  turns: CallTurnEvent[];
  end: CallEndEvent | null;
}

export interface CallSubject {
  orgId: string;
  callId: string;
  /** The public id of the call (its first attempt's CallLog id). */
  callLogId: string;
}

interface StoredTurn {
  turn: number;
  speaker: string;
  text: string;
  startedAt: Date;
  endedAt?: Date | null;
  interrupted?: boolean | null;
}

interface StoredAttempt {
  attempt: number;
  status: string;
  failureReason?: string | null;
  finalStatus?: string | null;
  finalFailureReason?: string | null;
  transcript?: StoredTurn[];
}

const ATTEMPT_FIELDS = { attempt: 1, status: 1, failureReason: 1, finalStatus: 1, finalFailureReason: 1, transcript: 1 } as const;

function turnsOf(row: StoredAttempt): CallTurnEvent[] {
  return (row.transcript ?? []).map((turn) => ({
    attempt: row.attempt,
    turn: turn.turn,
    speaker: turn.speaker as CallTurnEvent['speaker'],
    text: turn.text,
    startedAt: turn.startedAt.toISOString(),
    endedAt: turn.endedAt ? turn.endedAt.toISOString() : null,
    interrupted: turn.interrupted ?? false,
  }));
}

/** Turns already held, with the ones of `rows` not among them, in spoken order. */
function mergeTurns(held: readonly CallTurnEvent[], rows: readonly StoredAttempt[]): CallTurnEvent[] {
  const last: TurnPosition | null = held.length > 0 ? held[held.length - 1] : null;
  return [...held, ...turnsAfter(rows.flatMap(turnsOf), last)];
}

/**
 * Reads a call for its event stream. While the workflow runs, its status query gives the phase and
 * only the attempts from the one of the last turn held to the current one are read, each by id. Once
 * the workflow has closed, every attempt row of the call is read, which is where the outcome is; the
 * same read serves while the workflow does not answer, for new turns.
 */
export async function readCallState(temporal: Client, queryTimeoutMs: number, subject: CallSubject, previous: CallState | undefined): Promise<CallState> {
  const held = previous?.turns ?? [];
  const live = await lookUpLiveCall(temporal, subject.callId, queryTimeoutMs);
  if (live.state === 'running' && live.status) {
    const status = live.status;
    const from = held.length > 0 ? held[held.length - 1].attempt : 1;
    const ids = [];
    for (let attempt = from; attempt <= status.attempt; attempt += 1) ids.push(attemptCallLogId(subject.callId, attempt));
    const rows = await Promise.all(ids.map((_id) => CallLog.findOne({ _id, orgId: subject.orgId }, ATTEMPT_FIELDS).lean<StoredAttempt>()));
    return {
      phase: {
        callLogId: subject.callLogId,
        status: status.phase,
        attempt: Math.max(1, status.attempt),
        waitReason: status.waitReason,
        nextAttemptAt: status.nextAttemptAt,
        failureReason: status.finalReason,
        live: true,
      },
      turns: mergeTurns(held, rows.filter((row): row is StoredAttempt => row !== null)),
      end: null,
      finished: false,
    };
  }
  const rows = (await CallLog.find({ orgId: subject.orgId, callId: subject.callId }, ATTEMPT_FIELDS).lean<StoredAttempt[]>()).sort((a, b) => a.attempt - b.attempt);
  const first = rows.find((row) => row.attempt === 1) ?? rows[0];
  const latest = rows[rows.length - 1];
  if (!first || !latest) throw new Error(`call ${subject.callId} has no records`);
  const status = (first.finalStatus ?? latest.status) as CallStatus;
  const failureReason = first.finalFailureReason ?? latest.failureReason ?? null;
  const phase: CallPhaseEvent = {
    callLogId: subject.callLogId,
    status,
    attempt: latest.attempt,
    waitReason: null,
    nextAttemptAt: null,
    failureReason,
    live: false,
  };
  // A closed workflow has written its outcome; without a workflow to ask, a terminal status in the records is the end.
  const finished = live.state === 'closed' || (isTerminalStatus(status) && live.state !== 'running');
  // A running workflow that did not answer in time (or Temporal away) is ahead of its records: its last answer stands.
  const lagging = !finished && previous?.phase.live === true && (live.state === 'running' || live.state === 'unavailable');
  return {
    phase: lagging ? previous.phase : phase,
    turns: mergeTurns(held, rows),
    end: finished ? { callLogId: subject.callLogId, status, failureReason, attempts: latest.attempt } : null,
    finished,
  };
}

/**
 * One stream's view of the shared call state: the phase whenever it changes, each turn after the
 * client's last one once (its id is the `Last-Event-ID` to resume from), and `end` last.
 */
export function callStreamListener(stream: EventStream, resumeAfter: TurnPosition | null): (state: CallState) => void {
  let sentPhase = '';
  let cursor = resumeAfter;
  return (state) => {
    const phase = JSON.stringify(state.phase);
    if (phase !== sentPhase) {
      sentPhase = phase;
      stream.send({ event: 'phase', data: state.phase });
    }
    for (const turn of turnsAfter(state.turns, cursor)) {
      stream.send({ event: 'turn', id: turnEventId(turn), data: turn });
      cursor = turn;
    }
    if (state.end) {
      stream.send({ event: 'end', data: state.end });
      stream.close();
    }
  };
}
