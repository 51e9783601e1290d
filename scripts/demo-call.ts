/**
 * The demo call the start command places once the stack is up: it makes sure a demo agent exists,
 * calls a simulated cooperative customer, follows the call through the API and prints its outcome
 * and transcript. Also runnable on its own: `node --import tsx scripts/demo-call.ts [apiUrl] [number]`.
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

export interface DemoOptions {
  apiUrl: string;
  phoneNumber: string;
  say: (line: string) => void;
  timeoutMs?: number;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

export async function placeDemoCall({ apiUrl, phoneNumber, say, timeoutMs = 120_000 }: DemoOptions): Promise<Record<string, unknown>> {
  const created = await fetch(`${apiUrl}/api/v1/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_AGENT),
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`demo agent: ${created.status} ${JSON.stringify(await json(created))}`);

  const accepted = await fetch(`${apiUrl}/api/v1/calls/outbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber, agentId: DEMO_AGENT.id, metadata: { demo: true } }),
  });
  const body = await json(accepted);
  if (accepted.status !== 202) throw new Error(`demo call refused: ${accepted.status} ${JSON.stringify(body)}`);
  const callLogId = String(body.callLogId);
  say(`demo call ${callLogId} placed to ${phoneNumber} (follow it: ${apiUrl}/api/v1/calls/${callLogId})`);

  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const call = await json(await fetch(`${apiUrl}/api/v1/calls/${callLogId}`));
    const status = String(call.status);
    if (status !== last) say(`demo call is ${status}`);
    last = status;
    if (['completed', 'voicemail', 'failed', 'cancelled'].includes(status)) {
      const transcript = (call.transcript ?? []) as { speaker: string; text: string }[];
      for (const turn of transcript) say(`  ${turn.speaker.padEnd(6)} ${turn.text}`);
      say(`demo call ended: ${status}${call.failureReason ? ` (${String(call.failureReason)})` : ''}`);
      return call;
    }
    if (Date.now() > deadline) throw new Error(`demo call still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (require.main === module) {
  const [apiUrl = 'http://127.0.0.1:3000', phoneNumber = '+919876543000'] = process.argv.slice(2);
  placeDemoCall({ apiUrl, phoneNumber, say: (line) => process.stdout.write(`${line}\n`) }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
