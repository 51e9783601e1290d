import { z } from 'zod';
import type { HttpClient } from './http-client';

/**
 * Flow mode: the Voicebot applet's dynamic URL is asked, with a GET, where this call's WebSocket is.
 * The simulator passes the call the way Exotel's flows pass call data to applets (`CallSid`,
 * `CallFrom`, `CallTo`, `CustomField` as query parameters) and expects `{"url": "ws(s)://…"}` back.
 */
const voicebotAnswerSchema = z.object({ url: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL') });

export interface VoicebotLookup {
  callSid: string;
  callFrom: string;
  callTo: string;
  customField: string | undefined;
}

export async function resolveVoicebotUrl(
  http: HttpClient,
  voicebotUrl: string,
  call: VoicebotLookup,
  timeoutMs: number,
): Promise<string> {
  const url = new URL(voicebotUrl);
  url.searchParams.set('CallSid', call.callSid);
  url.searchParams.set('CallFrom', call.callFrom);
  url.searchParams.set('CallTo', call.callTo);
  url.searchParams.set('CustomField', call.customField ?? '');
  const answer = await http.request({ method: 'GET', url: url.toString(), timeoutMs, headers: { accept: 'application/json' } });
  if (answer.status < 200 || answer.status >= 300) throw new Error(`Voicebot URL answered HTTP ${answer.status}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new Error('Voicebot URL did not answer JSON');
  }
  const parsed = voicebotAnswerSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Voicebot URL answer is not {"url": "ws(s)://…"}: ${parsed.error.message}`);
  return parsed.data.url;
}
