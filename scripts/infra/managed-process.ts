import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLORS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95];
let nextColor = 0;

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where prefixed output lines go; the test harness passes a no-op to keep jest's output clean. */
  output?: (line: string) => void;
}

/**
 * A child process in its own process group, so that stopping it also stops whatever it spawned
 * (tsx, go-built servers that fork). Every output line is prefixed with the process name.
 */
export class ManagedProcess {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private stopping = false;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    const color = COLORS[nextColor++ % COLORS.length];
    const prefix = process.stdout.isTTY ? `\x1b[${color}m${options.name.padEnd(8)}\x1b[0m│ ` : `${options.name.padEnd(8)}│ `;
    const output = options.output ?? ((line: string) => process.stdout.write(`${prefix}${line}\n`));
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
      this.child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
      this.child.on('error', (err) => {
        output(`failed to start: ${err.message}`);
        resolve(127);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Resolves with the exit code when the process ends, whoever ended it. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Grandchildren that ignored SIGTERM must not outlive their parent.
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
