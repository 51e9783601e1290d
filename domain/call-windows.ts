import type { CallingWindows, DailyWindow } from './calling-window';

/**
 * The windows one call carries in its workflow input. The legal window is the account's and is read
 * in the callee's time zone; business hours come with the request; peak hours apply to retries only.
 */
export interface CallWindowSettings {
  /** The callee's IANA time zone. */
  timezone: string;
  legal: { start: string; end: string };
  business?: DailyWindow | null;
  peakHours?: { start: string; end: string } | null;
}

/** What a first dial must respect. */
export function firstDialWindows(settings: CallWindowSettings): CallingWindows {
  return {
    legal: { ...settings.legal, timezone: settings.timezone },
    business: settings.business ?? null,
  };
}

/** What a retry must respect: the same windows, and not inside peak hours when the policy asks. */
export function retryWindows(settings: CallWindowSettings): CallingWindows {
  const windows = firstDialWindows(settings);
  return settings.peakHours ? { ...windows, avoid: [{ ...settings.peakHours, timezone: settings.timezone }] } : windows;
}
