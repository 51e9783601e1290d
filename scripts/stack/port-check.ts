import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

/** A port the stack is about to listen on, and what it is for (shown when it is taken). */
export interface StackPort {
  port: number;
  purpose: string;
}

export interface TakenPort extends StackPort {
  holder?: { pid: number; command: string };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Socket inodes listening on `port`, from the kernel's tables (Linux). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const columns = row.trim().split(/\s+/);
      // local_address is column 1 (ADDR:PORT), st is column 3 (0A = LISTEN), inode is column 9.
      if (columns[1]?.endsWith(`:${hexPort}`) && columns[3] === '0A' && columns[9]) inodes.add(columns[9]);
    }
  }
  return inodes;
}

function holderFromProc(port: number): TakenPort['holder'] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          // The process ended while we looked.
        }
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

/** Where /proc is missing (macOS), lsof answers the same question if it is installed. */
function holderFromLsof(port: number): Promise<TakenPort['holder']> {
  return new Promise((resolve) => {
    execFile('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeout: 2_000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      const pid = /^p(\d+)$/m.exec(stdout)?.[1];
      const command = /^c(.*)$/m.exec(stdout)?.[1] ?? '';
      resolve(pid ? { pid: Number(pid), command } : undefined);
    });
  });
}

/** The ports of `wanted` that something else already listens on, with the holder where the OS tells it. */
export async function findTakenPorts(wanted: readonly StackPort[]): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const entry of wanted) {
    if (await canListen(entry.port)) continue;
    const holder = holderFromProc(entry.port) ?? (await holderFromLsof(entry.port));
    taken.push({ ...entry, holder });
  }
  return taken;
}

export function describeTakenPort({ port, purpose, holder }: TakenPort): string {
  const by = holder ? ` by pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : '';
  return `port ${port} (${purpose}) is already in use${by}`;
}
