import { createHmac } from 'node:crypto';
import { callEventKey, callEventTypeOf } from '../../domain/outcome-webhooks';
import { outcomeWebhookSignature } from '../../lib/hmac-auth';
import { generatePayloadKeysSetting } from '../../lib/payload-codec';
import { SecretSealer } from '../../lib/sealed-secret';

describe('callEventTypeOf', () => {
  it.each([
    ['completed', 'call.completed'],
    ['failed', 'call.failed'],
    ['voicemail', 'call.voicemail'],
    ['cancelled', 'call.cancelled'],
  ] as const)('%s → %s', (status, type) => {
    expect(callEventTypeOf(status)).toBe(type);
  });
});

describe('callEventKey', () => {
  it('is the same for the same outcome and differs between attempts and types', () => {
    const key = callEventKey({ callId: 'c1', attempt: 1, type: 'call.retry_scheduled' });
    expect(callEventKey({ callId: 'c1', attempt: 1, type: 'call.retry_scheduled' })).toBe(key);
    expect(callEventKey({ callId: 'c1', attempt: 2, type: 'call.retry_scheduled' })).not.toBe(key);
    expect(callEventKey({ callId: 'c1', attempt: 1, type: 'call.failed' })).not.toBe(key);
  });
});

describe('outcomeWebhookSignature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const body = '{"id":"evt_1"}';
    const header = outcomeWebhookSignature('whsec_test', body, 1_767_000_000_123);
    const expected = createHmac('sha256', 'whsec_test').update(`1767000000.${body}`).digest('hex');
    expect(header).toBe(`t=1767000000,v1=${expected}`);
  });
});

describe('SecretSealer', () => {
  it('seals a secret so that it does not show, and opens it after the keyring gains a new key', async () => {
    const oldKeys = generatePayloadKeysSetting('k1');
    const sealed = await new SecretSealer({ PAYLOAD_KEYS: oldKeys }).seal('whsec_abc');
    expect(sealed.keyId).toBe('k1');
    expect(Buffer.from(sealed.sealed, 'base64').toString('latin1')).not.toContain('whsec_abc');
    const rotated = new SecretSealer({ PAYLOAD_KEYS: `${oldKeys},${generatePayloadKeysSetting('k2')}`, PAYLOAD_KEY_ID: 'k2' });
    expect(await rotated.open(sealed)).toBe('whsec_abc');
    expect((await rotated.seal('whsec_abc')).keyId).toBe('k2');
  });
});
