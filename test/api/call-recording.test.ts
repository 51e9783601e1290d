import { startCallStack, type CallStack } from '../helpers/call-stack';

/**
 * Recordings against the real stack: a call placed through the API with `record: true` asks the Exotel
 * simulator to record, and the URL of its final status callback is stored and served; without it there
 * is no recording, and the route says so with its own code.
 */

let stack: CallStack;
let numberSeq = 0;

function number(): string {
  numberSeq += 1;
  return `+9197${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}123`;
}

beforeAll(async () => {
  stack = await startCallStack({ label: 'recordings' });
});

afterAll(async () => {
  await stack?.stop();
});

async function placeAndFinish(body: Record<string, unknown>): Promise<string> {
  const res = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber: number(), agentId: stack.agentId, ringTimeoutSec: 5, ...body });
  expect(res.status).toBe(202);
  const callLogId = res.body.callLogId as string;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await stack.api().get(`/api/v1/calls/${callLogId}`);
    if (view.body.status === 'completed') return callLogId;
    if (Date.now() > deadline) throw new Error(`call ${callLogId} did not complete: ${JSON.stringify(view.body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The dial request the simulator received for a call (its CustomField names the call). */
async function dialParams(callLogId: string): Promise<Record<string, string>> {
  const { calls } = (await (await fetch(`${stack.sim.baseUrl}/sim/calls`)).json()) as { calls: { sid: string; customField: string | null }[] };
  const dialed = calls.find((call) => call.customField?.startsWith(`${callLogId}:`));
  if (!dialed) throw new Error(`the simulator has no dial of ${callLogId}`);
  const call = (await (await fetch(`${stack.sim.baseUrl}/sim/calls/${dialed.sid}`)).json()) as { request: { params: Record<string, string> } };
  return call.request.params;
}

describe('call recordings', () => {
  it('asks Exotel to record both sides when the call says so, and serves the stored recording URL', async () => {
    const callLogId = await placeAndFinish({ record: true });
    expect(await dialParams(callLogId)).toMatchObject({ Record: 'true', RecordingChannels: 'dual' });

    const res = await stack.api().get(`/api/v1/calls/${callLogId}/recording`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ callLogId, recordingUrl: expect.stringMatching(new RegExp(`^${stack.sim.baseUrl}/recordings/`)) });

    const audio = await fetch(res.body.recordingUrl as string);
    expect(audio.status).toBe(200);
    const wav = Buffer.from(await audio.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
  });

  it('does not record by default, and answers 404 RECORDING_NOT_FOUND for a call without one', async () => {
    const callLogId = await placeAndFinish({});
    expect(await dialParams(callLogId)).not.toHaveProperty('Record');

    const res = await stack.api().get(`/api/v1/calls/${callLogId}/recording`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('RECORDING_NOT_FOUND');
  });

  it('answers 404 CALL_NOT_FOUND for an unknown call, and 400 for a malformed id', async () => {
    const unknown = await stack.api().get('/api/v1/calls/call_doesnotexist0000/recording');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CALL_NOT_FOUND');
    const malformed = await stack.api().get('/api/v1/calls/%20bad%20/recording');
    expect(malformed.status).toBe(400);
  });
});
