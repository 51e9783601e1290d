import { DateTime } from 'luxon';
import { checkDestination, type DestinationPolicy } from '../domain/calling-policy';
import { describeWindowProblem, isValidTimeZone, nextCallableTime, type DailyWindow } from '../domain/daily-window';
import { firstDialWindows, type CallWindowSettings } from '../domain/call-window-settings';
import type { Config } from '../domain/config';
import type { BusinessHoursRequest } from '../domain/api-schemas/schedules';
import { ApiError } from './api-error';

export type WindowConfig = Pick<Config, 'LEGAL_CALLING_WINDOW_START' | 'LEGAL_CALLING_WINDOW_END' | 'DEFAULT_CALLEE_TIMEZONE' | 'PEAK_HOURS_START' | 'PEAK_HOURS_END'>;

export interface WindowRequest {
  timezone?: string;
  respectBusinessHours?: boolean;
  businessHours?: BusinessHoursRequest;
  avoidPeakHours?: boolean;
}

/**
 * The windows a call carries: the account's legal window (its zones are the callee's: see calleeLegalTimezones), the request's
 * business hours (when it asks to respect them) and peak hours for retries (when its policy asks).
 * Every problem is a 400 with its own code, and nothing is started.
 */
export function callWindowSettings(config: WindowConfig, request: WindowRequest): CallWindowSettings {
  const timezone = requireTimeZone(request.timezone ?? config.DEFAULT_CALLEE_TIMEZONE, 'timezone');
  let business: DailyWindow | null = null;
  if (request.respectBusinessHours) {
    if (!request.businessHours) {
      throw new ApiError(400, 'BUSINESS_HOURS_REQUIRED', 'respectBusinessHours needs businessHours { start, end, daysOfWeek }');
    }
    business = {
      start: request.businessHours.start,
      end: request.businessHours.end,
      timezone: request.businessHours.timezone ?? timezone,
      daysOfWeek: request.businessHours.daysOfWeek ?? [0, 1, 2, 3, 4, 5, 6],
    };
    const problem = describeWindowProblem(business);
    if (problem) throw new ApiError(400, problem.code, `businessHours.${problem.field}: ${problem.message}`, { field: `businessHours.${problem.field}` });
  }
  return {
    timezone,
    legal: { start: config.LEGAL_CALLING_WINDOW_START, end: config.LEGAL_CALLING_WINDOW_END },
    business,
    peakHours: request.avoidPeakHours ? { start: config.PEAK_HOURS_START, end: config.PEAK_HOURS_END } : null,
  };
}

/**
 * The zones the callee's legal window holds in, once the number passed the organization's destination
 * policy; `requestZone` is the zone the request itself named (a default zone narrows nothing).
 */
export function calleeLegalTimezones(policy: DestinationPolicy, e164: string, requestZone: string | null): string[] {
  const check = checkDestination(e164, policy, requestZone);
  if (!check.ok) throw new ApiError(400, check.code, check.message, check.details);
  return check.legalTimezones;
}

/** A week and a day: every weekday once, and the extra day for a DST change inside that week. */
const LEGAL_OPENING_SEARCH_DAYS = 8;

/**
 * Where a first dial at `at` lands. Legal zones whose windows never overlap (a country spanning more
 * hours than the window leaves) and windows that never open together are the caller's mistake.
 */
export function placeFirstDial(settings: CallWindowSettings, at: number): { at: number; moved: boolean } {
  const windows = firstDialWindows(settings);
  const zones = windows.legal.map((window) => window.timezone);
  if (!nextCallableTime(at, { legal: windows.legal }, LEGAL_OPENING_SEARCH_DAYS).ok) {
    throw new ApiError(
      400,
      'NO_LEGAL_CALLING_WINDOW',
      `The legal calling window ${settings.legal.start}–${settings.legal.end} is never open in all of ${zones.join(', ')} at once; name the callee's own zone in \`timezone\``,
      { legalTimezones: zones },
    );
  }
  const placed = nextCallableTime(at, windows);
  if (!placed.ok) {
    throw new ApiError(400, 'NO_CALLABLE_TIME', `${placed.message} (the legal calling window is ${settings.legal.start}–${settings.legal.end} in ${zones.join(', ')})`);
  }
  return placed;
}

export function requireTimeZone(zone: string, field: string): string {
  if (!isValidTimeZone(zone)) throw new ApiError(400, 'INVALID_TIMEZONE', `${field} must be an IANA time zone such as Asia/Kolkata`, { field, value: zone });
  return zone;
}

/** An ISO date-time with an offset is absolute; without one it is wall-clock time in `timezone`. */
export function resolveDateTime(text: string, timezone: string, field: string): number {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const parsed = hasOffset ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone: timezone });
  if (!parsed.isValid) throw new ApiError(400, 'INVALID_DATE_TIME', `${field} is not a valid date-time`, { field, value: text });
  return parsed.toMillis();
}
