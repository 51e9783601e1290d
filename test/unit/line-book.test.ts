import { applyLineBookOps, EMPTY_LINE_BOOK, lineGateStatus, servingOrder, waitingRoom, WAITING_ENTRY_TTL_MS, type LineBook, type LineBookOp } from '../../domain/line-book';

const NOW = 1_000_000;
const LEASE = 60_000;
const ask = (workflowId: string, priority: 'high' | 'medium' | 'low' = 'medium') => ({ workflowId, priority, leaseMs: LEASE });
const holder = (workflowId: string, expiresAt = NOW + LEASE) => ({ workflowId, priority: 'medium' as const, grantedAt: NOW - 1, expiresAt });
const book = (overrides: Partial<LineBook> = {}): LineBook => ({ ...EMPTY_LINE_BOOK, ...overrides });

function run(start: LineBook, ops: LineBookOp[], limit = 2) {
  return applyLineBookOps(start, ops, NOW, limit);
}

describe('take', () => {
  it.each<[string, LineBook, number, boolean]>([
    ['a free line, nobody waiting', book(), 2, true],
    ['every line held', book({ holders: [holder('a'), holder('b')] }), 2, false],
    ['a free line, but someone waits in the gate', book({ waiting: [{ workflowId: 'w', expiresAt: NOW + 1 }] }), 2, false],
    ['a free line, but the breaker closed the fast path', book({ fastPath: false }), 2, false],
    ['every line held by leases that ran out', book({ holders: [holder('a', NOW), holder('b', NOW - 5)] }), 2, true],
    ['someone waited, but the gate stopped confirming it', book({ waiting: [{ workflowId: 'w', expiresAt: NOW }] }), 2, true],
    ['the limit lowered below the lines held', book({ holders: [holder('a'), holder('b')] }), 1, false],
  ])('%s → granted %s', (_label, start, limit, granted) => {
    const { book: after, results } = run(start, [{ kind: 'take', ask: ask('c') }], limit);
    expect(results[0]).toMatchObject({ kind: 'take', granted });
    expect(after.holders.some((h) => h.workflowId === 'c')).toBe(granted);
    expect(after.waiting.some((w) => w.workflowId === 'c')).toBe(!granted);
  });

  it('repeats the grant to a call that already holds its line (a retried request), without a second line', () => {
    const { book: after, results } = run(book({ holders: [holder('a'), holder('b')] }), [{ kind: 'take', ask: ask('a') }]);
    expect(results[0]).toMatchObject({ granted: true, holdersAfter: 2 });
    expect(after.holders).toHaveLength(2);
  });

  it('lets a batch of takes in one write have no more lines than the limit', () => {
    const { book: after, results } = run(book(), ['a', 'b', 'c', 'd'].map((id) => ({ kind: 'take' as const, ask: ask(id) })));
    expect(results.map((r) => r.kind === 'take' && r.granted)).toEqual([true, true, false, false]);
    expect(after.holders.map((h) => h.workflowId)).toEqual(['a', 'b']);
    expect(after.waiting.map((w) => w.workflowId)).toEqual(['c', 'd']);
    expect(after.grantsTotal).toBe(2);
  });

  it('counts leases that ran out as reclaimed', () => {
    const { book: after } = run(book({ holders: [holder('a', NOW - 1), holder('b')] }), []);
    expect(after.holders.map((h) => h.workflowId)).toEqual(['b']);
    expect(after.reclaimedTotal).toBe(1);
  });
});

describe('grantWaiting (the gate)', () => {
  it.each<[string, LineBook, number, string[]]>([
    ['grants in the order given, up to the free lines', book({ holders: [holder('x')] }), 9, ['h1']],
    ['grants as many as are free', book(), 9, ['h1', 'm1']],
    ['a half-open breaker lets one probe through', book(), 1, ['h1']],
    ['nothing while every line is held', book({ holders: [holder('x'), holder('y')] }), 9, []],
  ])('%s', (_label, start, max, expected) => {
    const candidates = [ask('h1', 'high'), ask('m1'), ask('l1', 'low')];
    const { book: after, results } = run(start, [{ kind: 'grantWaiting', candidates, max }]);
    expect(results[0]).toMatchObject({ kind: 'grantWaiting', granted: expected });
    const stillWaiting = candidates.map((c) => c.workflowId).filter((id) => !expected.includes(id));
    expect(after.waiting.map((w) => w.workflowId)).toEqual(stillWaiting);
    expect(after.waiting.every((w) => w.expiresAt === NOW + WAITING_ENTRY_TTL_MS)).toBe(true);
  });

  it('keeps a waiting entry the gate has not heard of yet (its signal is still on the way)', () => {
    const start = book({ holders: [holder('x'), holder('y')], waiting: [{ workflowId: 'new', expiresAt: NOW + 10 }] });
    const { book: after } = run(start, [{ kind: 'grantWaiting', candidates: [ask('old')], max: 9 }]);
    expect(after.waiting.map((w) => w.workflowId).sort()).toEqual(['new', 'old']);
  });

  it('tells the gate when the first lease runs out', () => {
    const { results } = run(book({ holders: [holder('x', NOW + 500), holder('y', NOW + 100)] }), [{ kind: 'grantWaiting', candidates: [ask('a')], max: 9 }]);
    expect(results[0]).toMatchObject({ granted: [], nextExpiryAt: NOW + 100 });
  });
});

describe('release and the breaker count', () => {
  it.each<[string, LineBook, LineBookOp, Partial<LineBook>, object]>([
    ['a release frees the line', book({ holders: [holder('a')] }), { kind: 'release', workflowId: 'a', dialOk: false }, { holders: [] }, { someoneWaits: false }],
    [
      'a release says when someone waits',
      book({ holders: [holder('a')], waiting: [{ workflowId: 'w', expiresAt: NOW + 1 }] }),
      { kind: 'release', workflowId: 'a', dialOk: false },
      {},
      { someoneWaits: true },
    ],
    ['a withdrawn waiter leaves the waiting list', book({ waiting: [{ workflowId: 'w', expiresAt: NOW + 1 }] }), { kind: 'release', workflowId: 'w', dialOk: false }, { waiting: [] }, { someoneWaits: false }],
    ['a good dial resets the failure count', book({ holders: [holder('a')], consecutiveFailures: 2 }), { kind: 'release', workflowId: 'a', dialOk: true }, { consecutiveFailures: 0 }, {}],
    [
      'a good dial does not close an open breaker (its probe does)',
      book({ holders: [holder('a')], consecutiveFailures: 5, fastPath: false }),
      { kind: 'release', workflowId: 'a', dialOk: true },
      { consecutiveFailures: 5 },
      {},
    ],
    ['a failure below the threshold counts', book({ consecutiveFailures: 1 }), { kind: 'dialFailed', workflowId: 'f', threshold: 3 }, { consecutiveFailures: 2, fastPath: true }, { tripped: false }],
    ['the failure at the threshold trips the breaker', book({ consecutiveFailures: 2 }), { kind: 'dialFailed', workflowId: 'f', threshold: 3 }, { consecutiveFailures: 3, fastPath: false, trippedBy: 'f' }, { tripped: true }],
    ['failures after the trip do not trip it again', book({ consecutiveFailures: 3, fastPath: false, trippedBy: 'x' }), { kind: 'dialFailed', workflowId: 'f', threshold: 3 }, { fastPath: false }, { tripped: false }],
    ['the tripping report, retried, trips it again and counts nothing', book({ consecutiveFailures: 3, fastPath: false, trippedBy: 'f' }), { kind: 'dialFailed', workflowId: 'f', threshold: 3 }, { consecutiveFailures: 3 }, { tripped: true }],
    ['a new gate confirming the open fast path keeps the count', book({ consecutiveFailures: 2 }), { kind: 'setFastPath', open: true }, { consecutiveFailures: 2, fastPath: true }, {}],
    ['the gate reopens the fast path and clears the count', book({ consecutiveFailures: 4, fastPath: false, trippedBy: 'f' }), { kind: 'setFastPath', open: true }, { consecutiveFailures: 0, fastPath: true, trippedBy: null }, {}],
    ['the gate closes the fast path, the count stays', book({ consecutiveFailures: 4 }), { kind: 'setFastPath', open: false }, { consecutiveFailures: 4, fastPath: false }, {}],
  ])('%s', (_label, start, op, expectedBook, expectedResult) => {
    const { book: after, results } = run(start, [op]);
    expect(after).toMatchObject(expectedBook);
    expect(results[0]).toMatchObject(expectedResult);
  });
});

describe('servingOrder', () => {
  it('serves high before medium before low, first come first served within one', () => {
    const waiting = [
      { workflowId: 'l0', priority: 'low' as const, seq: 0 },
      { workflowId: 'm1', priority: 'medium' as const, seq: 1 },
      { workflowId: 'h2', priority: 'high' as const, seq: 2 },
      { workflowId: 'm3', priority: 'medium' as const, seq: 3 },
      { workflowId: 'h4', priority: 'high' as const, seq: 4 },
    ];
    expect(servingOrder(waiting).map((w) => w.workflowId)).toEqual(['h2', 'h4', 'm1', 'm3', 'l0']);
  });
});

describe('waitingRoom', () => {
  it('counts the waiting calls per priority and shows the breaker with its times as ISO strings', () => {
    const waiting = [
      { workflowId: 'a', priority: 'low' as const, leaseMs: LEASE, seq: 0 },
      { workflowId: 'b', priority: 'high' as const, leaseMs: LEASE, seq: 1 },
      { workflowId: 'c', priority: 'low' as const, leaseMs: LEASE, seq: 2 },
    ];
    const room = waitingRoom(waiting, { state: 'open', openUntil: NOW, opensTotal: 3, probe: null });
    expect(room).toEqual({
      waiting: { high: 1, medium: 0, low: 2 },
      waitingTotal: 3,
      circuit: { state: 'open', openUntil: new Date(NOW).toISOString(), opensTotal: 3 },
    });
  });
});

describe('lineGateStatus', () => {
  const stored = book({ holders: [holder('a'), holder('gone', NOW - 1)], consecutiveFailures: 2, fastPath: false, grantsTotal: 7, reclaimedTotal: 1 });

  it('merges the live lines from the book with the gate\'s waiting room and breaker', () => {
    const room = { waiting: { high: 1, medium: 0, low: 2 }, waitingTotal: 3, circuit: { state: 'half_open' as const, openUntil: null, opensTotal: 2 } };
    expect(lineGateStatus('acct', stored, room, NOW, 5)).toMatchObject({
      account: 'acct',
      limit: 5,
      active: [{ workflowId: 'a' }],
      waitingTotal: 3,
      grantsTotal: 7,
      reclaimedTotal: 2,
      circuit: { state: 'half_open', consecutiveFailures: 2, opensTotal: 2 },
    });
  });

  it('reads a closed fast path as an open breaker when the gate does not answer', () => {
    expect(lineGateStatus('acct', stored, undefined, NOW, 5)).toMatchObject({ waitingTotal: 0, circuit: { state: 'open', consecutiveFailures: 2 } });
  });
});
