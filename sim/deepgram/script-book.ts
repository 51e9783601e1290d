/**
 * Scripts registered through `POST /sim/scripts`: what the caller of a stream says, line by line,
 * found by the stream's `tag`. They win over the Exotel simulator's.
 */
export class ScriptBook {
  private readonly scripts = new Map<string, string[]>();

  register(key: string, utterances: string[]): void {
    this.scripts.set(key, [...utterances]);
  }

  get(key: string): string[] | undefined {
    return this.scripts.get(key);
  }

  keys(): string[] {
    return [...this.scripts.keys()];
  }

  reset(): void {
    this.scripts.clear();
  }
}
