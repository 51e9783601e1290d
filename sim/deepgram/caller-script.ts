import { z } from 'zod';
import type { JsonGetter } from './http-get-json';
import type { ScriptBook } from './script-book';

/**
 * What the caller of one live stream says, line by line. The stream's standard `tag` parameter
 * carries the script key; the first tag that resolves wins, in this order: a script registered with
 * `POST /sim/scripts`, then the `script` of the Exotel simulator's call with that sid, then generic
 * words. Lines beyond the script's end get generic words too, so unknown audio still yields
 * plausible text.
 */
export type ScriptSource = 'registered' | 'exotel' | 'generic';

export interface CallerScript {
  source: ScriptSource;
  key: string | null;
  line(index: number): string;
}

const GENERIC_LINES = ['hello', 'yes', 'okay', 'sure', 'yes please', 'okay thank you'];

const exotelCallSchema = z.object({ script: z.array(z.string()) });

export interface ScriptLookup {
  book: ScriptBook;
  getter: JsonGetter;
  exotelSimUrl: string | null;
  timeoutMs: number;
}

export async function resolveCallerScript(tags: string[], lookup: ScriptLookup): Promise<CallerScript> {
  for (const tag of tags) {
    const registered = lookup.book.get(tag);
    if (registered) return scripted('registered', tag, registered);
  }
  if (lookup.exotelSimUrl !== null) {
    for (const tag of tags) {
      const call = exotelCallSchema.safeParse(
        await lookup.getter.get(`${lookup.exotelSimUrl.replace(/\/$/, '')}/sim/calls/${encodeURIComponent(tag)}`, lookup.timeoutMs),
      );
      if (call.success) return scripted('exotel', tag, call.data.script);
    }
  }
  return { source: 'generic', key: null, line: genericLine };
}

function scripted(source: ScriptSource, key: string, lines: string[]): CallerScript {
  return { source, key, line: (index) => lines[index] ?? genericLine(index) };
}

function genericLine(index: number): string {
  return GENERIC_LINES[index % GENERIC_LINES.length];
}
