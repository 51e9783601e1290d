import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRecordWriter, parseLogLine } from '../stack/log-records';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where output lines go; by default formatted on stdout. The test harness passes a no-op. */
  output?: (line: string) => void;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const defaultWriter = createRecordWriter(process.stdout.isTTY ? 'pretty' : 'json', (line) => process.stdout.write(`${line}\n`), Boolean(process.stdout.isTTY));

/**
 * A child process in its own process group, so that stopping it also stops whatever it spawned
 * (tsx, go-built servers that fork).
 */
export class ManagedProcess {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<ExitStatus>;
  private stopping = false;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    const output = options.output ?? ((line: string) => defaultWriter(parseLogLine(options.name, line)));
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', output);
    }
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
      this.child.on('error', (err) => {
        output(`failed to start: ${err.message}`);
        resolve({ code: 127, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Resolves with the exit code when the process ends, whoever ended it (128 when a signal did). */
  async waitForExit(): Promise<number | null> {
    const { code, signal } = await this.exited;
    return code ?? (signal ? 128 : null);
  }

  /** How the process ended: its exit code, or the signal that ended it. */
  exitStatus(): Promise<ExitStatus> {
    return this.exited;
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      // Grandchildren of a process that already ended may still hold ports.
      this.signalGroup('SIGKILL');
      return;
    }
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Grandchildren that ignored SIGTERM must not outlive their parent.
    this.signalGroup('SIGKILL');
  }

  /** At once and synchronously, for a parent that is exiting and cannot wait. */
  killNow(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}
