import { spawn } from 'node:child_process';
import path from 'node:path';
import { simulatorOptionsFromEnv, timingVariable } from '../../sim/exotel/env-options';
import {
  BotServer,
  CALLER_ID,
  CallbackReceiver,
  basicAuth,
  dial,
  dialOk,
  request,
  simPost,
  sleep,
  startSimulator,
  waitFor,
  waitForStatus,
} from './exotel-helpers';

const HANDLE_TYPES = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'];

function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (HANDLE_TYPES.includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('Exotel simulator lifecycle', () => {
  it('stop() in the middle of everything leaves no timer, socket or server behind', async () => {
    const before = openHandles();
    const bot = new BotServer();
    const botUrl = await bot.start();
    const receiver = new CallbackReceiver();
    const receiverUrl = await receiver.start();
    receiver.answerAfterMs = () => 10_000;
    const simulator = await startSimulator({ callbackTimeoutMs: 30_000 });
    try {
      const call = await dialOk(simulator, {
        From: '+919845012000',
        CallerId: CALLER_ID,
        StreamUrl: `${botUrl}/ws`,
        StreamType: 'bidirectional',
        TimeLimit: '3600',
        StatusCallback: `${receiverUrl}/hook`,
        'StatusCallbackEvents[0]': 'answered',
        'StatusCallbackEvents[1]': 'terminal',
      });
      await waitForStatus(simulator, call.Sid, 'in-progress');
      await waitFor(() => bot.connections[0]?.messages.some((message) => message.event === 'media'), 'media streaming');
      await waitFor(() => receiver.received.length === 1, 'a callback waiting for its answer');
      await dialOk(simulator, { From: '+919845012002', CallerId: CALLER_ID, StreamUrl: `${botUrl}/ws`, StreamType: 'bidirectional' });
      await simPost(simulator, '/sim/faults', { api: [{ action: 'hang', ms: 60_000 }] });
      const hanging = dial(simulator, { From: '+919845012000', CallerId: CALLER_ID }).then(
        () => 'answered',
        (err: unknown) => String(err),
      );
      await sleep(50);
      await simulator.stop();
      expect(await hanging).toMatch(/socket hang up|ECONNRESET/);
    } finally {
      await simulator.stop();
      await bot.stop();
      await receiver.stop();
    }
    await sleep(50);
    const after = openHandles();
    for (const type of HANDLE_TYPES) expect(after[type] ?? 0).toBeLessThanOrEqual(before[type] ?? 0);
  });

  it('can be started again after stop, and refuses a second start', async () => {
    const simulator = await startSimulator();
    await expect(simulator.start(0)).rejects.toThrow(/already started/);
    await simulator.stop();
    await simulator.start(0);
    expect((await request('GET', `${simulator.baseUrl}/sim/stats`)).status).toBe(200);
    await simulator.stop();
  });
});

describe('Exotel simulator configuration from the environment', () => {
  it('names each timing variable after its option', () => {
    expect(timingVariable('ringMs')).toBe('EXOTEL_SIM_RING_MS');
    expect(timingVariable('defaultRingTimeoutSeconds')).toBe('EXOTEL_SIM_DEFAULT_RING_TIMEOUT_SECONDS');
  });

  it('reads defaults, credentials and timings', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({
      port: 4010,
      options: {
        host: '127.0.0.1',
        accountSid: 'ringline-sim',
        apiKey: 'sim-key',
        apiToken: 'sim-token',
        rateLimitPerMinute: 200,
        voicebotUrl: undefined,
        seed: 1,
      },
    });
    const { port, options } = simulatorOptionsFromEnv({
      EXOTEL_SIM_PORT: '4999',
      EXOTEL_ACCOUNT_SID: 'acme',
      EXOTEL_SIM_RING_MS: '50',
      EXOTEL_SIM_CALLBACK_TIMEOUT_MS: '',
      EXOTEL_SIM_VOICEBOT_URL: 'http://127.0.0.1:3000/api/v1/exotel/voicebot-url',
    });
    expect(port).toBe(4999);
    expect(options).toMatchObject({ accountSid: 'acme', ringMs: 50, voicebotUrl: 'http://127.0.0.1:3000/api/v1/exotel/voicebot-url' });
    expect(options).not.toHaveProperty('callbackTimeoutMs');
    expect(() => simulatorOptionsFromEnv({ EXOTEL_SIM_RING_MS: 'soon' })).toThrow(/EXOTEL_SIM_RING_MS/);
  });

  it('runs as a process with node --import tsx, logs JSON and stops on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/exotel/main.ts'], {
      cwd: root,
      env: { ...process.env, EXOTEL_SIM_PORT: '0', EXOTEL_SIM_QUEUED_MS: '5000', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listening = await waitFor(() => lines.find((line) => line.msg === 'Exotel simulator listening'), 'listening log line', 20_000);
      expect(listening).toMatchObject({ level: 'info', name: 'exotel-sim', accountSid: 'ringline-sim' });
      const base = `http://127.0.0.1:${String(listening.port)}`;
      const answer = await request('POST', `${base}/v1/Accounts/ringline-sim/Calls/connect.json`, {
        headers: { authorization: basicAuth('sim-key', 'sim-token'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ From: '+919845012000', CallerId: CALLER_ID, StreamUrl: 'ws://127.0.0.1:9/ws', StreamType: 'bidirectional' }).toString(),
      });
      expect(answer.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['call placed', 'stopping', 'Exotel simulator stopped']));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
