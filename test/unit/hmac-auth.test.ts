import {
  createMediaToken,
  safeEqual,
  signControlRequest,
  signStatusCallback,
  verifyControlRequest,
  verifyMediaToken,
  verifyStatusCallback,
} from '../../lib/hmac-auth';

const secret = 'k'.repeat(32);
const now = Date.parse('2026-12-04T12:00:00Z');
const claims = { callId: 'call_a', attempt: 2, nonce: 'n'.repeat(22), expiresAt: now + 60_000 };

describe('media token', () => {
  it('verifies its own claims and gives them back', () => {
    const token = createMediaToken(secret, { ...claims, callSid: 'sid1' });
    expect(verifyMediaToken(secret, 'call_a', 2, token, now)).toEqual({ ok: true, claims: { ...claims, callSid: 'sid1' } });
  });

  it.each([
    ['another call', () => verifyMediaToken(secret, 'call_b', 2, createMediaToken(secret, claims), now), 'bad_signature'],
    ['another attempt', () => verifyMediaToken(secret, 'call_a', 3, createMediaToken(secret, claims), now), 'bad_signature'],
    ['a swapped CallSid', () => verifyMediaToken(secret, 'call_a', 2, createMediaToken(secret, { ...claims, callSid: 'sid1' }).replace('.sid1.', '.sid2.'), now), 'bad_signature'],
    ['a dropped CallSid', () => verifyMediaToken(secret, 'call_a', 2, createMediaToken(secret, { ...claims, callSid: 'sid1' }).replace('.sid1.', '..'), now), 'bad_signature'],
    ['a swapped nonce', () => verifyMediaToken(secret, 'call_a', 2, createMediaToken(secret, claims).replace(claims.nonce, 'm'.repeat(22)), now), 'bad_signature'],
    ['another secret', () => verifyMediaToken('x'.repeat(32), 'call_a', 2, createMediaToken(secret, claims), now), 'bad_signature'],
    ['its expiry passed', () => verifyMediaToken(secret, 'call_a', 2, createMediaToken(secret, claims), claims.expiresAt + 1), 'expired'],
    ['a short nonce', () => verifyMediaToken(secret, 'call_a', 2, createMediaToken(secret, { ...claims, nonce: 'short' }), now), 'malformed'],
    ['two parts', () => verifyMediaToken(secret, 'call_a', 2, 'abc.def', now), 'malformed'],
    ['empty', () => verifyMediaToken(secret, 'call_a', 2, '', now), 'malformed'],
  ])('refuses %s', (_name, check, reason) => {
    expect(check()).toEqual({ ok: false, reason });
  });
});

describe('status callback signature', () => {
  const signed = { callId: 'call_a', attempt: 1, expiresAt: now + 1_000, sig: signStatusCallback(secret, 'call_a', 1, now + 1_000) };
  it('holds until its expiry for exactly its call and attempt', () => {
    expect(verifyStatusCallback(secret, signed, now)).toEqual({ ok: true });
    expect(verifyStatusCallback(secret, signed, now + 1_001)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStatusCallback(secret, { ...signed, attempt: 2 }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyStatusCallback(secret, { ...signed, expiresAt: now + 2_000 }, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is not a media token or control signature for the same values (purpose-bound)', () => {
    expect(signStatusCallback(secret, 'call_a', 1, now)).not.toBe(signControlRequest(secret, now, 'call_a', '1'));
  });
});

describe('control request signature', () => {
  const body = '{"callId":"c"}';
  const nonce = 'z'.repeat(22);
  const signature = signControlRequest(secret, now, nonce, body);
  it('covers timestamp, nonce and body, within a minute of skew', () => {
    expect(verifyControlRequest(secret, { timestamp: now, nonce, body, signature }, now + 59_000)).toBe(true);
    expect(verifyControlRequest(secret, { timestamp: now, nonce, body, signature }, now + 61_000)).toBe(false);
    expect(verifyControlRequest(secret, { timestamp: now, nonce: 'y'.repeat(22), body, signature }, now)).toBe(false);
    expect(verifyControlRequest(secret, { timestamp: now, nonce, body: '{"callId":"d"}', signature }, now)).toBe(false);
    expect(verifyControlRequest(secret, { timestamp: now, nonce: '', body, signature: signControlRequest(secret, now, '', body) }, now)).toBe(false);
  });
});

describe('safeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
  ])('%s vs %s → %s', (a, b, equal) => {
    expect(safeEqual(a, b)).toBe(equal);
  });
});
