import type { ExitStatus, ManagedProcess } from '../infra/managed-process';
import { parseLogLine, stackRecord, type LogRecord } from './log-records';
import { decideRestart, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy';
import type { ProcessStatus } from './stack-status';

/** A process the supervisor keeps running: how to start it, and what it answers on. */
export interface SupervisedProcess {
  name: string;
  /** Infrastructure stops after Ringline's own processes, so nothing loses its server mid-shutdown. */
  tier: 'infrastructure' | 'ringline';
  address?: string;
  start(output: (line: string) => void): ManagedProcess;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** Every output line of every process, and the supervisor's own notes, as records. */
  emit(record: LogRecord): void;
  /** Called after any change of state, for the status file. */
  onChange(): void;
  /** A process crashed too often: the caller stops the stack. */
  onGiveUp(name: string, crashes: number, lastLines: string[]): void;
}

const KEPT_LINES = 20;

interface Entry {
  spec: SupervisedProcess;
  process?: ManagedProcess;
  state: ProcessStatus['state'];
  restarts: number;
  startedAt: string | null;
  crashTimes: number[];
  restartTimer?: NodeJS.Timeout;
  lastLines: string[];
}

export function describeExit({ code, signal }: ExitStatus): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Keeps the local stack's processes running, the way foreman or docker compose would: a process that
 * exits on its own is started again after a backoff, without touching the others; one that keeps
 * crashing stops the stack with its last lines shown.
 */
export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly policy: RestartPolicy;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
  }

  start(spec: SupervisedProcess): void {
    if (this.entries.has(spec.name)) throw new Error(`process ${spec.name} is already supervised`);
    const entry: Entry = { spec, state: 'starting', restarts: 0, startedAt: null, crashTimes: [], lastLines: [] };
    this.entries.set(spec.name, entry);
    this.launch(entry);
  }

  pid(name: string): number | undefined {
    return this.entries.get(name)?.process?.pid;
  }

  snapshot(): ProcessStatus[] {
    return [...this.entries.values()].map((entry) => ({
      name: entry.spec.name,
      pid: entry.state === 'running' || entry.state === 'stopping' ? (entry.process?.pid ?? null) : null,
      state: entry.state,
      restarts: entry.restarts,
      startedAt: entry.startedAt,
      address: entry.spec.address ?? null,
    }));
  }

  /** Stops Ringline's processes, then the infrastructure; pending restarts are called off. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const entry of this.entries.values()) clearTimeout(entry.restartTimer);
    for (const tier of ['ringline', 'infrastructure'] as const) {
      const entries = [...this.entries.values()].filter((entry) => entry.spec.tier === tier);
      for (const entry of entries) if (entry.state !== 'crashed') entry.state = 'stopping';
      this.options.onChange();
      await Promise.all(entries.map(async (entry) => {
        await entry.process?.stop();
        if (entry.state !== 'crashed') entry.state = 'stopped';
      }));
    }
    this.options.onChange();
  }

  /**
   * For the supervisor's own exit when it cannot stop things in order (an uncaught error, a lost
   * terminal): no process of the stack may outlive it.
   */
  killAllNow(): void {
    this.stopping = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.restartTimer);
      entry.process?.killNow();
    }
  }

  private launch(entry: Entry): void {
    const { name } = entry.spec;
    const child = entry.spec.start((line) => {
      entry.lastLines.push(line);
      if (entry.lastLines.length > KEPT_LINES) entry.lastLines.shift();
      this.options.emit(parseLogLine(name, line));
    });
    entry.process = child;
    entry.state = 'running';
    entry.startedAt = new Date().toISOString();
    this.options.onChange();
    void child.exitStatus().then((status) => this.exited(entry, child, status));
  }

  private exited(entry: Entry, child: ManagedProcess, status: ExitStatus): void {
    if (this.stopping || child.isStopping || entry.process !== child) return;
    const { name } = entry.spec;
    const now = Date.now();
    entry.crashTimes.push(now);
    const decision = decideRestart(entry.crashTimes, now, this.policy);
    if (decision.action === 'give_up') {
      entry.state = 'crashed';
      this.options.emit(stackRecord('ringline', `${name} ${describeExit(status)}: ${decision.crashes} crashes within ${this.policy.crashWindowMs / 1000} s, giving up`, 'error'));
      this.options.onChange();
      this.options.onGiveUp(name, decision.crashes, [...entry.lastLines]);
      return;
    }
    entry.state = 'restarting';
    this.options.emit(
      stackRecord('ringline', `${name} ${describeExit(status)}; restarting in ${decision.delayMs / 1000} s`, 'warn', { restarts: entry.restarts + 1 }),
    );
    this.options.onChange();
    entry.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      entry.restarts += 1;
      this.launch(entry);
    }, decision.delayMs);
  }
}
