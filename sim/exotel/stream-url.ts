/**
 * What Exotel reads from a Voicebot/AgentStream WebSocket URL: the `sample-rate` query parameter
 * (8000 by default) and up to three custom parameters that reappear in `start.custom_parameters`.
 */
export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 24000] as const;
export type SampleRate = (typeof SUPPORTED_SAMPLE_RATES)[number];

export const MAX_STREAM_URL_LENGTH = 600;
export const MAX_CUSTOM_PARAMETERS = 3;
export const MAX_CUSTOM_PARAMETER_LENGTH = 256;

const SAMPLE_RATE_PARAMETER = 'sample-rate';

export interface StreamUrlInfo {
  url: string;
  sampleRate: SampleRate;
  customParameters: Record<string, string>;
}

/** Parses a WebSocket URL, or returns the reason Exotel would refuse it. */
export function parseStreamUrl(raw: string): StreamUrlInfo | { problem: string } {
  if (raw.length >= MAX_STREAM_URL_LENGTH) return { problem: `must be shorter than ${MAX_STREAM_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return { problem: 'must be a ws:// or wss:// URL' };

  const rateParam = url.searchParams.get(SAMPLE_RATE_PARAMETER);
  const sampleRate = rateParam === null ? 8000 : Number(rateParam);
  if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    return { problem: `sample-rate must be one of ${SUPPORTED_SAMPLE_RATES.join(', ')}` };
  }

  const customParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name === SAMPLE_RATE_PARAMETER) continue;
    if (value.length > MAX_CUSTOM_PARAMETER_LENGTH) {
      return { problem: `custom parameter ${name} is longer than ${MAX_CUSTOM_PARAMETER_LENGTH} characters` };
    }
    customParameters[name] = value;
  }
  if (Object.keys(customParameters).length > MAX_CUSTOM_PARAMETERS) {
    return { problem: `carries more than ${MAX_CUSTOM_PARAMETERS} custom parameters` };
  }
  return { url: raw, sampleRate: sampleRate as SampleRate, customParameters };
}
