/**
 * Ringline's own processes in the local stack, started in this order once Temporal and the database
 * answer. Adding a process is one line here.
 */
export interface StackProcess {
  name: string;
  entry: string;
}

export const STACK_PROCESSES: StackProcess[] = [
  { name: 'exotel', entry: 'sim/exotel/main.ts' },
  { name: 'deepgram', entry: 'sim/deepgram/main.ts' },
  { name: 'openai', entry: 'sim/openai/main.ts' },
  { name: 'api', entry: 'api/main.ts' },
  { name: 'worker', entry: 'workers/main.ts' },
  { name: 'w-exotel', entry: 'workers/exotel.ts' },
  { name: 'media', entry: 'media-server/main.ts' },
];
