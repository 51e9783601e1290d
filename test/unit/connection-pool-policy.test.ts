import { llmPingDue, pickWarm, planPool, type PooledConnectionView, type PooledState } from '../../domain/connection-pool-policy';

const NOW = 1_000_000;
const REFRESH = 60_000;

/** `ready:5000` is a connection ready for 5 s; ids follow the order given. */
function pool(...entries: string[]): PooledConnectionView[] {
  return entries.map((entry, index) => {
    const [state, age] = entry.split(':');
    return { id: index + 1, state: state as PooledState, since: NOW - Number(age) };
  });
}

describe('planPool', () => {
  it.each<[string, PooledConnectionView[], number, { open: number; discard: [number, string][] }]>([
    ['an empty pool opens its size', pool(), 3, { open: 3, discard: [] }],
    ['a full pool of fresh connections does nothing', pool('ready:1000', 'ready:2000'), 2, { open: 0, discard: [] }],
    ['connections still opening count toward the size', pool('opening:100', 'ready:2000'), 2, { open: 0, discard: [] }],
    ['a dead connection is discarded and replaced', pool('ready:1000', 'dead:2000'), 2, { open: 1, discard: [[2, 'dead']] }],
    ['a connection ready for the refresh interval is replaced', pool('ready:60000', 'ready:59999'), 2, { open: 1, discard: [[1, 'expired']] }],
    ['an opening connection never expires, however long it takes', pool('opening:120000'), 1, { open: 0, discard: [] }],
    ['a smaller size gives up the oldest ready connections first', pool('ready:1000', 'ready:5000', 'ready:3000'), 1, { open: 0, discard: [[2, 'surplus'], [3, 'surplus']] }],
    ['size 0 gives up every ready connection but lets an opening one finish', pool('ready:1000', 'opening:10'), 0, { open: 0, discard: [[1, 'surplus']] }],
    ['dead, expired and missing at once', pool('dead:10', 'ready:70000', 'ready:10'), 3, { open: 2, discard: [[1, 'dead'], [2, 'expired']] }],
  ])('%s', (_case, connections, size, expected) => {
    const plan = planPool(connections, size, REFRESH, NOW);
    expect({ open: plan.open, discard: plan.discard.map((d) => [d.id, d.reason]) }).toEqual(expected);
  });
});

describe('pickWarm', () => {
  it.each<[string, PooledConnectionView[], number | undefined]>([
    ['nothing in the pool: the call opens its own', pool(), undefined],
    ['only connections still opening: the call does not wait for them', pool('opening:10', 'opening:500'), undefined],
    ['a dead connection is never handed out', pool('dead:10'), undefined],
    ['an expired connection is never handed out', pool('ready:60000'), undefined],
    ['the oldest ready connection goes first', pool('ready:1000', 'ready:30000', 'ready:5000'), 2],
    ['dead and expired ones are passed over for a live one', pool('dead:50000', 'ready:61000', 'ready:20'), 3],
  ])('%s', (_case, connections, expected) => {
    expect(pickWarm(connections, REFRESH, NOW)).toBe(expected);
  });
});

describe('llmPingDue', () => {
  it.each<[string, number | undefined, boolean]>([
    ['no request yet', undefined, true],
    ['a request just went over the connection', NOW - 10, false],
    ['idle for just under the keep-alive interval', NOW - 2_999, false],
    ['idle for the keep-alive interval', NOW - 3_000, true],
  ])('%s', (_case, lastRequestAt, due) => {
    expect(llmPingDue(lastRequestAt, 3_000, NOW)).toBe(due);
  });
});
