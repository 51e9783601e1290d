import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../scripts/infra/free-port';
import { DEFAULT_LOCAL_POSTGRES_URL, dropDatabase, postgresReachable } from '../../scripts/infra/local-postgres';
import { ROOT_DIR } from '../../scripts/infra/paths';
import { waitUntil } from '../../scripts/infra/wait-until';
import { localDatabaseName } from '../../scripts/stack/stack-layout';
import { isProcessAlive, type ProcessStatus } from '../../scripts/stack/stack-status';

/**
 * The README's start command as a new user runs it: `./ringline start` on a data directory that does
 * not exist yet (tools come from the checkout's .tools), its demo call followed to `completed`, then
 * crashes of its processes, then Ctrl-C. Every port is moved to a free one, so the test runs beside a
 * developer's own stack. The stack's output is kept in OUTPUT_FILE (in the temp directory).
 */
jest.setTimeout(8 * 60_000);

const PORT_VARIABLES = ['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'FERRETDB_PORT', 'FERRETDB_DEBUG_PORT', 'EXOTEL_SIM_PORT', 'DEEPGRAM_SIM_PORT', 'OPENAI_SIM_PORT', 'ELEVENLABS_SIM_PORT', 'API_PORT', 'MEDIA_PORT', 'CODEC_SERVER_PORT', 'WORKER_METRICS_PORT', 'WORKER_SDK_METRICS_PORT', 'EXOTEL_WORKER_METRICS_PORT', 'EXOTEL_WORKER_SDK_METRICS_PORT'] as const;
/** Variables that would point the stack at other servers; a new user has none of them. */
const FOREIGN_VARIABLES = /^(TEMPORAL_ADDRESS|TEMPORAL_UI_URL|MONGODB_URI|EXOTEL_BASE_URL|DEEPGRAM_BASE_URL|OPENAI_BASE_URL|PUBLIC_API_URL|PUBLIC_MEDIA_WS_URL|MEDIA_CONTROL_URL|RINGLINE_DATA_DIR|LOG_LEVEL.*|NODE_ENV)$/;

interface StackRun {
  child: ChildProcess;
  records: Record<string, unknown>[];
  nonJsonLines: string[];
  exited: Promise<number | null>;
}

async function portEnvironment(): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  for (const name of PORT_VARIABLES) ports[name] = String(await freePort());
  return ports;
}

function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !FOREIGN_VARIABLES.test(name)));
  return { ...env, ...extra };
}

/** The stack's whole output, for reading after a failure. */
const OUTPUT_FILE = path.join(os.tmpdir(), 'ringline-start-command-test.log');

function startStack(env: NodeJS.ProcessEnv, args: string[] = []): StackRun {
  const child = spawn(path.join(ROOT_DIR, 'ringline'), ['start', ...args], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: Record<string, unknown>[] = [];
  const nonJsonLines: string[] = [];
  writeFileSync(OUTPUT_FILE, '');
  createInterface({ input: child.stdout! }).on('line', (line) => {
    appendFileSync(OUTPUT_FILE, `${line}\n`);
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      nonJsonLines.push(line);
    }
  });
  // setup.sh's progress goes to stderr, so that stdout stays one JSON object a line.
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, records, nonJsonLines, exited };
}

const messages = (run: StackRun, process = 'ringline') => run.records.filter((r) => r.process === process).map((r) => String(r.msg));

function status(env: NodeJS.ProcessEnv): { code: number | null; processes: ProcessStatus[] } {
  const result = spawnSync(path.join(ROOT_DIR, 'ringline'), ['status', '--json'], { cwd: ROOT_DIR, env, encoding: 'utf8' });
  return { code: result.status, processes: JSON.parse(result.stdout) as ProcessStatus[] };
}


function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('./ringline start, as a new user runs it', () => {
  let env: NodeJS.ProcessEnv;
  let ports: Record<string, string>;
  let dataDir: string;
  let run: StackRun;
  let api: string;

  const pidOf = (name: string) => status(env).processes.find((p) => p.name === name)?.pid ?? undefined;

  /** The admin key the start command made on first start and keeps for the demo. */
  const authorization = () => ({ authorization: `Bearer ${readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim()}` });

  async function placeCall(phoneNumber: string): Promise<string> {
    const accepted = await json(`${api}/api/v1/calls/outbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization() },
      body: JSON.stringify({ phoneNumber, agentId: 'agent_demo' }),
    });
    expect(accepted.status).toBe(202);
    return String(accepted.body.callLogId);
  }

  const callStatus = async (callLogId: string) => (await json(`${api}/api/v1/calls/${callLogId}`, { headers: authorization() })).body;

  const waitForCallEnd = (callLogId: string) =>
    waitUntil('the call to end', async () => ['completed', 'failed', 'voicemail', 'cancelled'].includes(String((await callStatus(callLogId)).status)), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });

  async function dialsOf(callLogId: string): Promise<number> {
    const { body } = await json(`http://127.0.0.1:${ports.EXOTEL_SIM_PORT}/sim/calls`);
    return (body.calls as { customField: string | null }[]).filter((c) => c.customField?.startsWith(`${callLogId}:`)).length;
  }

  beforeAll(async () => {
    ports = await portEnvironment();
    dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-start-')), 'data');
    env = cleanEnvironment({ ...ports, RINGLINE_DATA_DIR: dataDir });
    api = `http://127.0.0.1:${ports.API_PORT}`;
  });

  afterAll(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
    if (await postgresReachable(DEFAULT_LOCAL_POSTGRES_URL)) await dropDatabase(DEFAULT_LOCAL_POSTGRES_URL, localDatabaseName(dataDir));
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('starts on a data directory that does not exist yet, and the demo call completes with its transcript', async () => {
    expect(existsSync(dataDir)).toBe(false);
    run = startStack(env);
    await waitUntil('the demo call to end', async () => messages(run).some((m) => m.startsWith('demo call ended:')) || run.child.exitCode !== null, {
      timeoutMs: 5 * 60_000,
      intervalMs: 250,
    });
    const said = messages(run);
    expect(said.find((m) => m.startsWith('demo call ended:'))).toMatch(/^demo call ended: completed, \d+ transcript turns$/);
    expect(said).toEqual(expect.arrayContaining(['demo call: dialing', 'demo call: ringing', 'demo call: answered']));
    const turns = said.filter((m) => /^ {2}(bot|caller) /.test(m));
    expect(turns.length).toBeGreaterThanOrEqual(2);
    expect(turns[0]).toMatch(/^ {2}bot +Hello! This is Asha/);
    expect(run.nonJsonLines).toEqual([]);
    // The admin key is shown once, on the first start, and it is the one kept for the demo.
    const key = readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
    expect(said).toContain(`  ${key}`);
    expect((await fetch(`${api}/api/v1/calls/outbound`, { method: 'POST' })).status).toBe(401);
    // Status polling stays out of the info-level output.
    expect(run.records.filter((r) => r.process === 'api' && r.msg === 'request' && r.method === 'GET' && Number(r.status) < 400)).toEqual([]);
  });

  it('lists every process in `./ringline status --json`', () => {
    const { code, processes } = status(env);
    expect(code).toBe(0);
    expect(processes.map((p) => p.name)).toEqual(['temporal', 'database', 'sim-exotel', 'sim-deepgram', 'sim-openai', 'sim-elevenlabs', 'api', 'worker', 'worker-exotel', 'media', 'codec-server']);
    for (const p of processes) {
      expect(p).toMatchObject({ state: 'running', restarts: 0, pid: expect.any(Number), startedAt: expect.any(String) });
      expect(isProcessAlive(p.pid!)).toBe(true);
    }
    expect(processes.find((p) => p.name === 'api')?.address).toBe(api);
  });

  it('restarts a worker SIGKILLed during a live call, and the call finishes on its first attempt, dialed once', async () => {
    const callLogId = await placeCall('+919876543000');
    await waitUntil('the call to be answered', async () => (await callStatus(callLogId)).status === 'in_progress', { timeoutMs: 60_000 });
    const killed = pidOf('worker')!;
    process.kill(killed, 'SIGKILL');
    await waitUntil('the worker to be restarted', async () => {
      const worker = status(env).processes.find((p) => p.name === 'worker');
      return worker?.state === 'running' && worker.pid !== killed && worker.restarts === 1;
    }, { timeoutMs: 30_000 });
    await waitForCallEnd(callLogId);
    const call = await callStatus(callLogId);
    expect(call.status).toBe('completed');
    expect(call.attempts).toHaveLength(1);
    expect(await dialsOf(callLogId)).toBe(1);
    expect(messages(run)).toContain('worker was killed by SIGKILL; restarting in 1 s');
    expect(status(env).processes.filter((p) => p.name !== 'worker').every((p) => p.state === 'running' && p.restarts === 0)).toBe(true);
  });

  it('restarts a SIGKILLed media server, and the stack keeps taking calls', async () => {
    const killed = pidOf('media')!;
    process.kill(killed, 'SIGKILL');
    await waitUntil('the media server to be restarted', async () => {
      const media = status(env).processes.find((p) => p.name === 'media');
      return media?.state === 'running' && media.pid !== killed && media.restarts === 1;
    }, { timeoutMs: 30_000 });
    await waitUntil('the restarted media server to answer', async () => (await fetch(`http://127.0.0.1:${ports.MEDIA_PORT}/health`)).ok, { timeoutMs: 30_000 });
    const callLogId = await placeCall('+919876543100');
    await waitForCallEnd(callLogId);
    const call = await callStatus(callLogId);
    expect(call.status).toBe('completed');
    expect(call.attempts).toHaveLength(1);
    expect(run.child.exitCode).toBeNull();
  });

  it('stops every process on Ctrl-C and frees every port', async () => {
    const pids = status(env).processes.map((p) => p.pid!);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(messages(run).at(-1)).toBe('all processes stopped');
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    for (const port of Object.values(ports)) expect(await portIsFree(Number(port))).toBe(true);
    const after = status(env);
    expect(after).toEqual({ code: 3, processes: [] });
  });
});

describe('./ringline start when a port is taken', () => {
  it('says which port, what it is for and who holds it, exits 1 and leaves nothing running', async () => {
    const ports = await portEnvironment();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(Number(ports.API_PORT), '127.0.0.1', resolve));
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-start-')), 'data');
    try {
      const run = startStack(cleanEnvironment({ ...ports, RINGLINE_DATA_DIR: dataDir }), ['--no-demo']);
      expect(await run.exited).toBe(1);
      const errors = run.records.filter((r) => r.level === 'error').map((r) => String(r.msg));
      expect(errors[0]).toBe(`port ${ports.API_PORT} (API, API_PORT) is already in use by pid ${process.pid} (${errors[0]!.match(/\((\S+)\)$/)?.[1]})`);
      expect(errors[0]).toContain(`by pid ${process.pid}`);
      for (const [name, port] of Object.entries(ports)) if (name !== 'API_PORT') expect(await portIsFree(Number(port))).toBe(true);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      holder.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});
