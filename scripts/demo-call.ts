import { maskPhoneNumbers } from '../domain/phone-mask';

/**
 * The demo call the start command places once the stack is up: it makes sure a demo agent exists,
 * calls a simulated cooperative customer and follows the call through the API, printing each phase
 * (waiting for a line, dialing, ringing, answered), each transcript turn as it is heard, and the
 * outcome. Also runnable on its own:
 * `RINGLINE_KEY=… node --import tsx scripts/demo-call.ts [apiUrl] [number]`.
 */
const DEMO_AGENT = {
  id: 'agent_demo',
  name: 'Ringline demo',
  prompt: 'You are Asha, a friendly assistant from Acme Finance reminding customers about a payment due on the 30th. Be brief.',
  greeting: 'Hello! This is Asha from Acme Finance, calling about your upcoming payment.',
  goodbyeMessage: 'Thank you for your time. Goodbye!',
  voicemailMessage: 'Hello, this is Asha from Acme Finance. Please call us back about your payment. Thank you.',
  maxCallDurationSec: 120,
};

const TERMINAL = ['completed', 'voicemail', 'failed', 'cancelled'];

const PHASE_LINES: Record<string, string> = {
  scheduled: 'scheduled',
  waiting_for_line: 'waiting for a free line',
  dialing: 'dialing',
  ringing: 'ringing',
  in_progress: 'answered',
  retry_scheduled: 'attempt ended; retry scheduled',
};

/** An attempt passes these in order; a poll that finds a later one has missed the ones between. */
const ATTEMPT_PHASES = ['dialing', 'ringing', 'in_progress'];

/** The phases to print on seeing `status` after `previous`: those skipped between polls, then it. */
export function phasesReached(previous: string, status: string, answered: boolean): string[] {
  if (status === 'retry_scheduled') return [status];
  const to = status === 'completed' || (status === 'voicemail' && answered) ? ATTEMPT_PHASES.length : ATTEMPT_PHASES.indexOf(status) + 1;
  const from = ATTEMPT_PHASES.indexOf(previous) + 1;
  const skipped = to > from ? ATTEMPT_PHASES.slice(from, to) : [];
  const reached = ATTEMPT_PHASES.includes(status) ? skipped : [...skipped, status];
  return reached.filter((phase) => PHASE_LINES[phase]);
}

export interface DemoOptions {
  apiUrl: string;
  phoneNumber: string;
  /** Sent as `Authorization: Bearer …` when the API asks for a key. */
  apiKey?: string;
  say: (line: string) => void;
  timeoutMs?: number;
  pollMs?: number;
}

interface TranscriptTurn {
  speaker: string;
  text: string;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

export async function placeDemoCall({ apiUrl, phoneNumber, apiKey, say, timeoutMs = 120_000, pollMs = 400 }: DemoOptions): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const existing = await fetch(`${apiUrl}/api/v1/agents/${DEMO_AGENT.id}`, { headers });
  if (existing.status === 404) {
    const created = await fetch(`${apiUrl}/api/v1/agents`, { method: 'POST', headers, body: JSON.stringify(DEMO_AGENT) });
    if (created.status !== 201 && created.status !== 409) throw new Error(`demo agent: ${created.status} ${JSON.stringify(await json(created))}`);
  } else if (!existing.ok) {
    throw new Error(`demo agent: ${existing.status} ${JSON.stringify(await json(existing))}`);
  }

  const accepted = await fetch(`${apiUrl}/api/v1/calls/outbound`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ phoneNumber, agentId: DEMO_AGENT.id, metadata: { demo: true } }),
  });
  const body = await json(accepted);
  if (accepted.status !== 202) throw new Error(`demo call refused: ${accepted.status} ${JSON.stringify(body)}`);
  const callLogId = String(body.callLogId);
  say(`demo call ${callLogId} placed to ${maskPhoneNumbers(phoneNumber)} (follow it: ${apiUrl}/api/v1/calls/${callLogId})`);

  const deadline = Date.now() + timeoutMs;
  let lastPhase = '';
  let turnsShown = 0;
  for (;;) {
    const call = await json(await fetch(`${apiUrl}/api/v1/calls/${callLogId}`, { headers }));
    const status = String(call.status);
    const transcript = (call.transcript ?? []) as TranscriptTurn[];
    if (status !== lastPhase) for (const phase of phasesReached(lastPhase, status, transcript.length > 0)) say(`demo call: ${PHASE_LINES[phase]}`);
    lastPhase = status;
    for (const turn of transcript.slice(turnsShown)) say(`  ${turn.speaker.padEnd(6)} ${turn.text}`);
    turnsShown = Math.max(turnsShown, transcript.length);
    if (TERMINAL.includes(status)) {
      say(`demo call ended: ${status}${call.failureReason ? ` (${String(call.failureReason)})` : ''}, ${transcript.length} transcript turns`);
      return call;
    }
    if (Date.now() > deadline) throw new Error(`demo call still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

if (require.main === module) {
  const [apiUrl = 'http://127.0.0.1:3000', phoneNumber = '+919876543000'] = process.argv.slice(2);
  placeDemoCall({ apiUrl, phoneNumber, apiKey: process.env.RINGLINE_KEY, say: (line) => process.stdout.write(`${line}\n`) }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
