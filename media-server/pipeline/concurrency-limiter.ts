/**
 * Requests in flight to one provider from this media server, up to `limit`: a request that finds no
 * room is not queued (a caller waiting on a voice would hear the wait) but told so at once, to go
 * elsewhere. Keeping under the plan's limit here spares ElevenLabs a request it would refuse with 429.
 */
export class ConcurrencyLimiter {
  private used = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a concurrency limit must be a positive integer, not ${limit}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** A place and the function that gives it back (calling it twice gives back once), or undefined when every place is taken. */
  tryAcquire(): (() => void) | undefined {
    if (this.used >= this.limit) return undefined;
    this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= 1;
    };
  }
}
