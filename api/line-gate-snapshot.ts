import type { Client } from '@temporalio/client';
import { lookUpLineGate, type LineGateLookup } from './temporal-calls';

/**
 * The line gate's state, read at most once per `maxAgeMs` however many requests ask. A gate query is
 * a round trip through a worker; asking it on every accepted call would make the API's throughput
 * depend on the worker's load, while a queue-depth check a fraction of a second old is just as good.
 */
export class LineGateSnapshot {
  private value: { at: number; lookup: LineGateLookup } | undefined;
  private inFlight: Promise<LineGateLookup> | undefined;

  constructor(
    private readonly client: Client,
    private readonly account: string,
    private readonly timeoutMs: number,
    private readonly maxAgeMs = 500,
  ) {}

  async get(now = Date.now()): Promise<LineGateLookup> {
    if (this.value && now - this.value.at < this.maxAgeMs) return this.value.lookup;
    this.inFlight ??= lookUpLineGate(this.client, this.account, this.timeoutMs).then(
      (lookup) => {
        this.value = { at: Date.now(), lookup };
        this.inFlight = undefined;
        return lookup;
      },
      (err: unknown) => {
        this.inFlight = undefined;
        throw err;
      },
    );
    return this.inFlight;
  }
}
