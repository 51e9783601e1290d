/**
 * Ringline's own processes in the local stack, started in this order once Temporal and the database
 * answer (the simulators come first, from the stack's layout). Adding a process is one line here.
 */
export interface StackProcess {
  name: string;
  entry: string;
}

export const STACK_PROCESSES: StackProcess[] = [
  { name: 'api', entry: 'api/main.ts' },
  { name: 'worker', entry: 'workers/main.ts' },
  { name: 'worker-exotel', entry: 'workers/exotel.ts' },
  { name: 'media', entry: 'media-server/main.ts' },
  { name: 'codec-server', entry: 'codec-server/main.ts' },
];
