import { ManagedProcess } from '../../scripts/infra/managed-process';
import { waitUntil } from '../../scripts/infra/wait-until';
import type { LogRecord } from '../../scripts/stack/log-records';
import type { RestartPolicy } from '../../scripts/stack/restart-policy';
import { isProcessAlive } from '../../scripts/stack/stack-status';
import { Supervisor, type SupervisedProcess } from '../../scripts/stack/supervisor';

/** Short delays so the test sees the policy at work in a second or two; the real one is 1 s → 30 s. */
const FAST: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 800, crashLimit: 3, crashWindowMs: 10_000 };

function nodeProcess(name: string, script: string, tier: SupervisedProcess['tier'] = 'ringline'): SupervisedProcess {
  return { name, tier, start: (output) => new ManagedProcess({ name, command: process.execPath, args: ['-e', script], output }) };
}

const LONG_RUNNING = 'console.log("up"); setInterval(() => {}, 1000);';


describe('Supervisor', () => {
  let supervisor: Supervisor | undefined;
  let records: LogRecord[];
  let gaveUp: { name: string; crashes: number; lastLines: string[] }[];

  function createSupervisor(policy = FAST): Supervisor {
    records = [];
    gaveUp = [];
    supervisor = new Supervisor({
      policy,
      emit: (record) => records.push(record),
      onChange: () => undefined,
      onGiveUp: (name, crashes, lastLines) => gaveUp.push({ name, crashes, lastLines }),
    });
    return supervisor;
  }

  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
  });

  it('restarts a SIGKILLed process after the backoff, and leaves the others alone', async () => {
    const s = createSupervisor();
    s.start(nodeProcess('victim', LONG_RUNNING));
    s.start(nodeProcess('bystander', LONG_RUNNING));
    await waitUntil('both up', async () => records.filter((r) => r.msg === 'up').length === 2, { timeoutMs: 10_000, intervalMs: 20 });
    const victimPid = s.pid('victim')!;
    const bystanderPid = s.pid('bystander')!;

    const killedAt = Date.now();
    process.kill(victimPid, 'SIGKILL');
    await waitUntil('victim restarted', async () => s.pid('victim') !== victimPid && records.filter((r) => r.msg === 'up').length === 3, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(FAST.initialDelayMs);
    expect(records.find((r) => r.process === 'ringline' && r.level === 'warn')?.msg).toBe('victim was killed by SIGKILL; restarting in 0.1 s');
    expect(s.pid('bystander')).toBe(bystanderPid);
    expect(isProcessAlive(bystanderPid)).toBe(true);
    expect(s.snapshot()).toEqual([
      expect.objectContaining({ name: 'victim', state: 'running', restarts: 1, pid: s.pid('victim') }),
      expect.objectContaining({ name: 'bystander', state: 'running', restarts: 0, pid: bystanderPid }),
    ]);
  });

  it('waits longer after each crash, and gives up at the crash limit with the last lines', async () => {
    const s = createSupervisor();
    const started: number[] = [];
    s.start({
      name: 'crasher',
      tier: 'ringline',
      start: (output) => {
        started.push(Date.now());
        return new ManagedProcess({ name: 'crasher', command: process.execPath, args: ['-e', 'console.log("start " + process.pid); console.error("fatal: no config"); process.exit(3)'], output });
      },
    });
    await waitUntil('give up', async () => gaveUp.length === 1, { timeoutMs: 10_000, intervalMs: 20 });
    expect(gaveUp[0]).toEqual({ name: 'crasher', crashes: 3, lastLines: expect.arrayContaining(['fatal: no config']) });
    expect(gaveUp[0]!.lastLines.filter((line) => line.startsWith('start '))).toHaveLength(3);
    expect(started).toHaveLength(3);
    const gaps = started.slice(1).map((at, i) => at - started[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(s.snapshot()[0]).toMatchObject({ name: 'crasher', state: 'crashed', pid: null, restarts: 2 });
    expect(records.filter((r) => r.process === 'ringline').map((r) => r.msg)).toEqual([
      'crasher exited with code 3; restarting in 0.1 s',
      'crasher exited with code 3; restarting in 0.2 s',
      'crasher exited with code 3: 3 crashes within 10 s, giving up',
    ]);
  });

  it('kills every process at once when the supervisor itself must exit', async () => {
    const s = createSupervisor();
    s.start(nodeProcess('stubborn', 'console.log("up"); process.on("SIGTERM", () => {}); setInterval(() => {}, 1000);', 'infrastructure'));
    s.start(nodeProcess('app', LONG_RUNNING));
    await waitUntil('both up', async () => records.filter((r) => r.msg === 'up').length === 2, { timeoutMs: 10_000, intervalMs: 20 });
    const pids = [s.pid('stubborn')!, s.pid('app')!];
    s.killAllNow();
    await waitUntil('both gone', async () => pids.every((pid) => !isProcessAlive(pid)), { timeoutMs: 2_000, intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(records.some((r) => r.msg.includes('restarting'))).toBe(false);
  });

  it('stops every process, Ringline before infrastructure, and restarts none of them', async () => {
    const s = createSupervisor();
    const stoppedAt: Record<string, number> = {};
    const trap = (delayMs: number) =>
      `console.log("up"); process.on("SIGTERM", () => setTimeout(() => process.exit(0), ${delayMs})); setInterval(() => {}, 1000);`;
    s.start(nodeProcess('infra', trap(0), 'infrastructure'));
    s.start(nodeProcess('app', trap(300)));
    await waitUntil('both up', async () => records.filter((r) => r.msg === 'up').length === 2, { timeoutMs: 10_000, intervalMs: 20 });
    const pids = { infra: s.pid('infra')!, app: s.pid('app')! };
    const watcher = setInterval(() => {
      for (const [name, pid] of Object.entries(pids)) if (!(name in stoppedAt) && !isProcessAlive(pid)) stoppedAt[name] = Date.now();
    }, 5);
    await s.stopAll();
    clearInterval(watcher);
    for (const [name, pid] of Object.entries(pids)) if (!(name in stoppedAt) && !isProcessAlive(pid)) stoppedAt[name] = Date.now();
    expect(isProcessAlive(pids.infra)).toBe(false);
    expect(isProcessAlive(pids.app)).toBe(false);
    expect(stoppedAt.app!).toBeLessThanOrEqual(stoppedAt.infra!);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.snapshot().map((p) => p.state)).toEqual(['stopped', 'stopped']);
    expect(records.some((r) => r.msg.includes('restarting'))).toBe(false);
  });
});
