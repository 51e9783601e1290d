import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { parsePayloadKeyring } from '../../domain/payload-keyring';
import { AesGcmPayloadCodec } from '../../lib/payload-codec';
import { callWorkflowId } from '../../workflows/messages';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { testInfra } from '../helpers/test-infra';

/** A real call's history, read raw from the dev server: nothing personal in clear, all of it there for the key holder. */
describe('Temporal histories hold no personal data in clear', () => {
  let stack: CallStack;
  beforeAll(async () => {
    stack = await startCallStack({ label: 'payload-enc' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('seals the number, the contact name and metadata values', async () => {
    const phone = `+9198${String(process.pid % 100000).padStart(5, '0')}000`;
    const secret = { customerName: 'Meenakshi Sundaram', accountRef: 'ACCT-7731-QX' };
    const callId = await stack.startCall(phone, { metadata: secret });
    const handle = stack.env.client.workflow.getHandle(callWorkflowId(callId));
    await handle.result();
    const history = await handle.fetchHistory();
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    for (const clear of [phone, phone.slice(3), phone.slice(1), secret.customerName, secret.accountRef]) expect(raw).not.toContain(clear);

    const codec = new AesGcmPayloadCodec(parsePayloadKeyring(testInfra().payloadKeys));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [input] = await codec.decode(started?.input?.payloads ?? []);
    const decoded = JSON.stringify(defaultPayloadConverter.fromPayload(input));
    expect(decoded).toContain(phone);
    expect(decoded).toContain(secret.customerName);
    expect(decoded).toContain(secret.accountRef);
  });
});
