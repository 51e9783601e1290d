import {
  attemptCallLogId,
  attemptKey,
  mediaStreamPath,
  parseAttemptKey,
  parseMediaStreamPath,
  readAttemptQuery,
  retryAttemptKey,
  setAttemptQuery,
  type AttemptAddress,
} from '../../domain/attempt-address';

const addresses: AttemptAddress[] = [
  { callId: 'call_abc', attempt: 1 },
  { callId: 'call_abc', attempt: 12 },
  { callId: 'series_x-3', attempt: 2 },
  { callId: 'camp_1:contact_7', attempt: 3 },
];

describe.each(addresses)('attempt $attempt of $callId', (address) => {
  it('round-trips through its key', () => {
    expect(parseAttemptKey(attemptKey(address.callId, address.attempt))).toEqual(address);
  });

  it('round-trips through a StatusCallback query', () => {
    const params = new URLSearchParams({ exp: '1' });
    setAttemptQuery(params, address);
    expect(readAttemptQuery(Object.fromEntries(params))).toEqual(address);
  });

  it('round-trips through its media WebSocket path', () => {
    expect(parseMediaStreamPath(mediaStreamPath(address))).toEqual({ ok: true, address });
  });
});

describe('CallLog ids', () => {
  it.each([
    ['call_abc', 1, 'call_abc'],
    ['call_abc', 2, 'call_abc-2'],
    ['series_x-3', 4, 'series_x-3-4'],
  ])('%s attempt %d is %s', (callId, attempt, id) => {
    expect(attemptCallLogId(callId, attempt)).toBe(id);
  });

  it('keys a retry by its first attempt', () => {
    expect(retryAttemptKey('call_abc', 3)).toEqual({ originalCallLogId: 'call_abc', attemptNumber: 3 });
  });
});

describe('refused encodings', () => {
  it.each(['', 'call_abc', ':1', 'call_abc:0', 'call_abc:-1', 'call_abc:1.5', 'call_abc:x', 'call_abc:1e3'])('key %j', (value) => {
    expect(parseAttemptKey(value)).toBeUndefined();
  });

  it.each([
    [{ call: 'call_abc' }],
    [{ call: 'call_abc', attempt: '0' }],
    [{ call: 'call_abc', attempt: ['1', '2'] }],
    [{ call: 'call abc', attempt: '1' }],
    [{ call: 'c'.repeat(129), attempt: '1' }],
    [{ attempt: '1' }],
  ])('query %j', (query) => {
    expect(readAttemptQuery(query)).toBeUndefined();
  });

  it.each([
    ['/ws/exotel/voice/call_abc', 'not_media_path'],
    ['/ws/exotel/voice/call_abc/1/extra', 'not_media_path'],
    ['/ws/exotel/voice/call_abc/x', 'not_media_path'],
    ['/ws/exotel/voice/%E0%A4%A/1', 'malformed'],
    ['/ws/exotel/voice/call_abc/0', 'malformed'],
  ])('media path %s is %s', (path, reason) => {
    expect(parseMediaStreamPath(path)).toEqual({ ok: false, reason });
  });
});
