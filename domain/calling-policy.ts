import { getCountry, getTimezone } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Config } from './config';

/**
 * Who may be dialed and how: the destination's country and number type against an organization's
 * allow-lists, and the zones the legal calling window must hold in for that destination. Pure (no I/O,
 * no clock); the API and the campaign import decide with it before anything is written. Not for
 * workflows: the zone table is resolved here once and the call carries the result.
 */

/** libphonenumber's number types; a valid number whose type it cannot tell is `UNKNOWN`. */
export const NUMBER_TYPES = [
  'MOBILE',
  'FIXED_LINE',
  'FIXED_LINE_OR_MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
  'UNKNOWN',
] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export interface DestinationPolicy {
  /** ISO 3166 alpha-2 codes, upper case. */
  allowedCountries: readonly string[];
  allowedNumberTypes: readonly NumberType[];
}

/** An organization's whole calling policy: its ORG_CALLING_POLICIES entry over the CALLING_* defaults. */
export interface CallingPolicy extends DestinationPolicy {
  llmModels: readonly string[];
  maxCallDurationSec: number;
}

export type CallingPolicyConfig = Pick<
  Config,
  'CALLING_ALLOWED_COUNTRIES' | 'CALLING_ALLOWED_NUMBER_TYPES' | 'CALLING_LLM_MODELS' | 'CALLING_MAX_CALL_DURATION_SEC' | 'ORG_CALLING_POLICIES'
>;

export function callingPolicyFor(config: CallingPolicyConfig, orgId: string): CallingPolicy {
  const own = Object.hasOwn(config.ORG_CALLING_POLICIES, orgId) ? config.ORG_CALLING_POLICIES[orgId] : undefined;
  return {
    allowedCountries: own?.allowedCountries ?? config.CALLING_ALLOWED_COUNTRIES,
    allowedNumberTypes: own?.allowedNumberTypes ?? config.CALLING_ALLOWED_NUMBER_TYPES,
    llmModels: own?.llmModels ?? config.CALLING_LLM_MODELS,
    maxCallDurationSec: own?.maxCallDurationSec ?? config.CALLING_MAX_CALL_DURATION_SEC,
  };
}

export type DestinationRefusalCode = 'DESTINATION_COUNTRY_NOT_ALLOWED' | 'NUMBER_TYPE_NOT_ALLOWED' | 'NO_LEGAL_CALLING_ZONE';

export type DestinationCheck =
  | { ok: true; country: string; numberType: NumberType; legalTimezones: string[] }
  | { ok: false; code: DestinationRefusalCode; message: string; details: Record<string, unknown> };

/** The country's current IANA zones (aliases left out: they name the same rules twice). */
export function countryTimezones(country: string): string[] {
  return getCountry(country as Parameters<typeof getCountry>[0])?.timezones ?? [];
}

function zoneBelongsTo(zone: string, country: string): boolean {
  return (getTimezone(zone)?.countries as readonly string[] | undefined)?.includes(country) ?? false;
}

/**
 * The zones the legal window must be open in for a callee in `country`. A request naming one of the
 * country's own zones picks that zone; otherwise every zone of the country counts (the strictest:
 * their intersection). A request zone from elsewhere is added, so it can only narrow the window.
 */
export function legalCallingTimezones(country: string, requestZone: string | null): string[] {
  const zones = countryTimezones(country);
  if (requestZone === null) return zones;
  if (zoneBelongsTo(requestZone, country)) return [requestZone];
  return zones.length === 0 ? [] : [...zones, requestZone];
}

/** Checks an E.164 number against the policy and resolves the zones of its legal window. */
export function checkDestination(e164: string, policy: DestinationPolicy, requestZone: string | null): DestinationCheck {
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed?.country ?? null;
  if (country === null || !policy.allowedCountries.includes(country)) {
    return {
      ok: false,
      code: 'DESTINATION_COUNTRY_NOT_ALLOWED',
      message: country === null ? 'The number belongs to no country (a non-geographic number); such numbers are not dialed' : `Calls to ${country} are not allowed for this organization`,
      details: { country, allowedCountries: policy.allowedCountries },
    };
  }
  const numberType: NumberType = parsed?.getType() ?? 'UNKNOWN';
  if (!policy.allowedNumberTypes.includes(numberType)) {
    return {
      ok: false,
      code: 'NUMBER_TYPE_NOT_ALLOWED',
      message: `${numberType.toLowerCase().replace(/_/g, '-')} numbers are not allowed for this organization`,
      details: { numberType, allowedNumberTypes: policy.allowedNumberTypes },
    };
  }
  const legalTimezones = legalCallingTimezones(country, requestZone);
  if (legalTimezones.length === 0) {
    return { ok: false, code: 'NO_LEGAL_CALLING_ZONE', message: `No time zone is known for ${country}`, details: { country } };
  }
  return { ok: true, country, numberType, legalTimezones };
}

export type AgentSettingRefusal = { code: 'LLM_MODEL_NOT_ALLOWED' | 'CALL_DURATION_OVER_LIMIT'; message: string; details: Record<string, unknown> };

/** What an agent asks for against its organization's policy; null when it may have it. */
export function agentSettingsRefusal(policy: CallingPolicy, agent: { llmModel?: string; maxCallDurationSec?: number }): AgentSettingRefusal | null {
  if (agent.llmModel !== undefined && !policy.llmModels.includes(agent.llmModel)) {
    return { code: 'LLM_MODEL_NOT_ALLOWED', message: `llmModel "${agent.llmModel}" is not one of ${policy.llmModels.join(', ')}`, details: { allowed: policy.llmModels } };
  }
  if (agent.maxCallDurationSec !== undefined && agent.maxCallDurationSec > policy.maxCallDurationSec) {
    return {
      code: 'CALL_DURATION_OVER_LIMIT',
      message: `maxCallDurationSec ${agent.maxCallDurationSec} is over the organization's limit of ${policy.maxCallDurationSec}`,
      details: { maxCallDurationSec: policy.maxCallDurationSec },
    };
  }
  return null;
}
