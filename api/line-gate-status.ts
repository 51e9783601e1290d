import type { Client } from '@temporalio/client';
import { readLineBook } from '../db/line-book-store';
import { lineGateStatus } from '../domain/line-book';
import type { LineGateStatus } from '../domain/line-gate-types';
import { lookUpLineGate, type LineGateLookup } from './temporal-calls';

/**
 * An account's lines: the live ones from the line book, the waiting room and the breaker from the
 * gate workflow. A gate that never started (nobody has had to wait) or does not answer still leaves
 * the book's figures; `gate` says which it was, and `unavailable` carries the error for the log.
 */
export async function readLineGateStatus(
  client: Client,
  account: string,
  limit: number,
  timeoutMs: number,
): Promise<{ gate: LineGateLookup; status: LineGateStatus }> {
  const [gate, book] = await Promise.all([lookUpLineGate(client, account, timeoutMs), readLineBook(account)]);
  const room = gate.state === 'running' ? gate.status : undefined;
  return { gate, status: lineGateStatus(account, book, room, Date.now(), limit) };
}
