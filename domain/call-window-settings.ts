import type { CallingWindows, DailyWindow } from './daily-window';

/**
 * The windows one call carries in its workflow input. The legal window is the account's and holds in
 * every zone of `legalTimezones` (the callee's country's zones, narrowed by the request: see
 * domain/legal-calling-zones); business hours come with the request; peak hours apply to retries only.
 */
export interface CallWindowSettings {
  /** The zone the request's local times, business hours and peak hours are read in. */
  timezone: string;
  /**
   * Every zone the legal window must be open in at dial time. Calls accepted before the callee's
   * country decided it (recorded histories) carry none: their legal window is read in `timezone`.
   */
  legalTimezones?: string[];
  legal: { start: string; end: string };
  business?: DailyWindow | null;
  peakHours?: { start: string; end: string } | null;
}

/** What a first dial must respect. */
export function firstDialWindows(settings: CallWindowSettings): CallingWindows {
  return {
    legal: (settings.legalTimezones ?? [settings.timezone]).map((timezone) => ({ ...settings.legal, timezone })),
    business: settings.business ?? null,
  };
}

/** What a retry must respect: the same windows, and not inside peak hours when the policy asks. */
export function retryWindows(settings: CallWindowSettings): CallingWindows {
  const windows = firstDialWindows(settings);
  return settings.peakHours ? { ...windows, avoid: [{ ...settings.peakHours, timezone: settings.timezone }] } : windows;
}

/** The same windows for another callee: campaign contacts share the campaign's windows but not its zones. */
export function windowSettingsForCallee(settings: CallWindowSettings, callee: { timezone: string | null; legalTimezones?: string[] }): CallWindowSettings {
  return {
    ...settings,
    ...(callee.timezone && { timezone: callee.timezone }),
    ...(callee.legalTimezones && { legalTimezones: callee.legalTimezones }),
  };
}
