import { decideRestart, DEFAULT_RESTART_POLICY } from '../../scripts/stack/restart-policy';

const s = 1_000;

describe('decideRestart', () => {
  test.each([
    ['first crash', [0], 0, { action: 'restart', delayMs: 1_000 }],
    ['second crash within a minute', [0, 2 * s], 2 * s, { action: 'restart', delayMs: 2_000 }],
    ['third', [0, 2 * s, 5 * s], 5 * s, { action: 'restart', delayMs: 4_000 }],
    ['fourth', [0, 2 * s, 5 * s, 10 * s], 10 * s, { action: 'restart', delayMs: 8_000 }],
    ['fifth within a minute gives up', [0, 2 * s, 5 * s, 10 * s, 19 * s], 19 * s, { action: 'give_up', crashes: 5 }],
    ['fifth crash, the first one a minute old', [0, 20 * s, 30 * s, 40 * s, 60 * s], 60 * s, { action: 'restart', delayMs: 8_000 }],
    ['a crash after a quiet minute starts over', [0, 2 * s, 5 * s, 10 * s, 200 * s], 200 * s, { action: 'restart', delayMs: 1_000 }],
  ] as const)('%s', (_name, crashes, now, expected) => {
    expect(decideRestart(crashes, now)).toEqual(expected);
  });

  test('the delay never passes the cap', () => {
    const policy = { ...DEFAULT_RESTART_POLICY, crashLimit: 100, crashWindowMs: 10 * 60 * s };
    const crashes = Array.from({ length: 10 }, (_, i) => i * s);
    expect(decideRestart(crashes, 10 * s, policy)).toEqual({ action: 'restart', delayMs: 30_000 });
  });
});
