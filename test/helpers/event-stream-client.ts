/** One server-sent event as a client parses it off the wire. */
export interface ReceivedEvent {
  event: string;
  id?: string;
  data: unknown;
  /** When the client parsed it (ms since the epoch). */
  receivedAt: number;
}

/**
 * A text/event-stream reader over fetch, parsing the wire format itself (as a browser's EventSource
 * does), so tests see exactly what the API sent: events, comments and the `retry:` hint, in order.
 */
export class EventStreamClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  retryMs: number | undefined;
  /** Resolves when the server ends the stream or the client aborts it. */
  readonly ended: Promise<void>;
  private readonly controller: AbortController;
  private waiters: (() => void)[] = [];

  private constructor(body: ReadableStream<Uint8Array>, controller: AbortController) {
    this.controller = controller;
    this.ended = this.read(body);
  }

  /** Opens the stream; a refusal comes back as its status and JSON body instead. */
  static async open(url: string, headers: Record<string, string>): Promise<{ status: number; client?: EventStreamClient; body?: unknown; contentType: string | null }> {
    const controller = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const contentType = res.headers.get('content-type');
    if (!res.ok || !res.body) return { status: res.status, body: await res.json().catch(() => null), contentType };
    return { status: res.status, client: new EventStreamClient(res.body, controller), contentType };
  }

  abort(): void {
    this.controller.abort();
  }

  /** Waits until `condition` holds over what has arrived (checked on every arrival), or fails after `timeoutMs`. */
  async until(condition: (events: ReceivedEvent[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake();
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      this.wake();
    }
  }

  private parseBlock(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retryMs = Number(value);
    }
    if (data.length > 0) this.events.push({ event, ...(id !== undefined && { id }), data: JSON.parse(data.join('\n')), receivedAt: Date.now() });
  }
}
