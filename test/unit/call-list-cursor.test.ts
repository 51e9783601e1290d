import { decodeCallListCursor, encodeCallListCursor } from '../../domain/call-list-cursor';

describe('call list cursor', () => {
  it.each([
    ['a plain id', new Date('2026-12-05T10:00:00.123Z'), 'call_1'],
    ['a campaign call id', new Date('2026-01-01T00:00:00.000Z'), 'camp-42-7'],
    ['the epoch', new Date(0), 'a'],
  ])('round-trips %s', (_name, createdAt, callLogId) => {
    const token = encodeCallListCursor({ createdAt, callLogId });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCallListCursor(token)).toEqual({ createdAt, callLogId });
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', encode({ createdAt: 1, id: 'a' })],
    ['one element', encode([1])],
    ['three elements', encode([1, 'a', 2])],
    ['a fractional time', encode([1.5, 'a'])],
    ['a negative time', encode([-1, 'a'])],
    ['a time as text', encode(['1', 'a'])],
    ['an id with a space', encode([1, 'a b'])],
    ['an id too long', encode([1, 'a'.repeat(129)])],
    ['an id that is not text', encode([1, 2])],
    ['too long a token', 'A'.repeat(401)],
  ])('refuses %s', (_name, token) => {
    expect(decodeCallListCursor(token)).toBeNull();
  });

  it('refuses a second spelling of the same bytes (unused trailing bits set)', () => {
    const token = encodeCallListCursor({ createdAt: new Date(1), callLogId: 'ab' });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1) ?? 'A') ^ 1];
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(decodeCallListCursor(sibling)).toBeNull();
  });
});
