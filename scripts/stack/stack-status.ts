import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One process of the running stack, as `./ringline status --json` prints it. */
export interface ProcessStatus {
  name: string;
  pid: number | null;
  state: 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'crashed';
  restarts: number;
  startedAt: string | null;
  address: string | null;
}

/** What the start command keeps in its data directory while it runs, for `./ringline status`. */
export interface StackStatus {
  supervisorPid: number;
  startedAt: string;
  processes: ProcessStatus[];
}

export function stackStatusPath(dataDir: string): string {
  return path.join(dataDir, 'stack.json');
}

/** Written whole and renamed into place, so a reader never sees half a file. */
export function writeStackStatus(dataDir: string, status: StackStatus): void {
  const file = stackStatusPath(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(temp, file);
}

export function removeStackStatus(dataDir: string): void {
  rmSync(stackStatusPath(dataDir), { force: true });
}

/** True while a process with `pid` exists (one we may not signal counts too). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type StackStatusReading =
  | { running: true; status: StackStatus }
  | { running: false; reason: 'never_started' | 'stopped_uncleanly'; status?: StackStatus };

/** The running stack's status, or why there is none: no file, or a file its writer left behind. */
export function readStackStatus(dataDir: string): StackStatusReading {
  let status: StackStatus;
  try {
    status = JSON.parse(readFileSync(stackStatusPath(dataDir), 'utf8')) as StackStatus;
  } catch {
    return { running: false, reason: 'never_started' };
  }
  if (!isProcessAlive(status.supervisorPid)) return { running: false, reason: 'stopped_uncleanly', status };
  return { running: true, status };
}

function since(iso: string | null, now: number): string {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The human table: one row a process. */
export function formatStatusTable(status: StackStatus, now = Date.now()): string {
  const header = ['process', 'pid', 'state', 'restarts', 'up', 'address'];
  const rows = status.processes.map((p) => [p.name, p.pid === null ? '–' : String(p.pid), p.state, String(p.restarts), p.state === 'running' ? since(p.startedAt, now) : '–', p.address ?? '–']);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`Ringline is running (supervisor pid ${status.supervisorPid}, up ${since(status.startedAt, now)})`, line(header), ...rows.map(line)].join('\n');
}
