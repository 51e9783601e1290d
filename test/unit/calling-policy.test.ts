import { DateTime } from 'luxon';
import { firstDialWindows } from '../../domain/call-window-settings';
import { callingPolicyFor, checkDestination, legalCallingTimezones, type DestinationPolicy } from '../../domain/calling-policy';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { isInsideWindow, nextCallableTime } from '../../domain/daily-window';

const POLICY: DestinationPolicy = {
  allowedCountries: ['IN', 'US', 'GB', 'RU'],
  allowedNumberTypes: ['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE'],
};
const LEGAL = { start: '09:00', end: '21:00' };
const INDIAN_MOBILE = '+919812345678';
const US_NUMBER = '+12025550123';

/** Where the first dial lands for a call requested at `at` (ISO) with the request zone given. */
function firstDial(e164: string, requestZone: string | null, at: string): string {
  const check = checkDestination(e164, POLICY, requestZone);
  if (!check.ok) throw new Error(check.code);
  const placed = nextCallableTime(Date.parse(at), firstDialWindows({ timezone: requestZone ?? 'Asia/Kolkata', legal: LEGAL, legalTimezones: check.legalTimezones }));
  if (!placed.ok) throw new Error(placed.message);
  return new Date(placed.at).toISOString();
}

describe('legal window in the callee’s zone', () => {
  it.each<[string, string, string | null, string, string]>([
    // 22:30 IST is 09:00 in Los Angeles (PST): legal there, not in India, so the call waits for 09:00 IST.
    ['India from a Los Angeles request at 22:30 IST', INDIAN_MOBILE, 'America/Los_Angeles', '2026-01-12T17:00:00Z', '2026-01-13T03:30:00.000Z'],
    ['India, no zone named, 08:00 IST', INDIAN_MOBILE, null, '2026-01-12T02:30:00Z', '2026-01-12T03:30:00.000Z'],
    ['India, inside the window: unchanged', INDIAN_MOBILE, 'Asia/Kolkata', '2026-01-12T06:00:00Z', '2026-01-12T06:00:00.000Z'],
    // US zones run from UTC-5 (New York) to UTC-10 (Honolulu): 09:00 HST = 19:00 UTC opens the strictest window in winter.
    ['US, no zone: strictest (09:00 Honolulu) in winter', US_NUMBER, null, '2026-01-12T15:00:00Z', '2026-01-12T19:00:00.000Z'],
    ['US, no zone: at 21:00 New York (02:00 UTC) it is closed until the next 09:00 Honolulu', US_NUMBER, null, '2026-01-13T02:00:00Z', '2026-01-13T19:00:00.000Z'],
    ['US, own zone named: New York 09:00 is open', US_NUMBER, 'America/New_York', '2026-01-12T14:00:00Z', '2026-01-12T14:00:00.000Z'],
    ['US, own zone named: Los Angeles before 09:00 waits for 09:00 PST', US_NUMBER, 'America/Los_Angeles', '2026-01-12T14:00:00Z', '2026-01-12T17:00:00.000Z'],
    // A foreign zone narrows: 09:00 IST (03:30 UTC) is 22:30 in New York the evening before, closed there.
    ['India with a New York request zone narrows to both windows', INDIAN_MOBILE, 'America/New_York', '2026-01-12T03:30:00Z', '2026-01-12T14:00:00.000Z'],
    // DST: New York springs forward on 2026-03-08; 09:00 EDT = 13:00 UTC the day after, 14:00 UTC the day before.
    ['US own zone across spring-forward (before)', US_NUMBER, 'America/New_York', '2026-03-07T12:00:00Z', '2026-03-07T14:00:00.000Z'],
    ['US own zone across spring-forward (after)', US_NUMBER, 'America/New_York', '2026-03-09T12:00:00Z', '2026-03-09T13:00:00.000Z'],
  ])('%s', (_case, e164, zone, at, expected) => {
    expect(firstDial(e164, zone, at)).toBe(expected);
  });

  it('never widens: every instant the request-zone window allows that the country’s does not stays closed', () => {
    const check = checkDestination(INDIAN_MOBILE, POLICY, 'America/Los_Angeles');
    if (!check.ok) throw new Error(check.code);
    const windows = firstDialWindows({ timezone: 'America/Los_Angeles', legal: LEGAL, legalTimezones: check.legalTimezones });
    const ist = { ...LEGAL, timezone: 'Asia/Kolkata' };
    for (let at = Date.parse('2026-03-01T00:00:00Z'); at < Date.parse('2026-03-15T00:00:00Z'); at += 15 * 60_000) {
      const placed = nextCallableTime(at, windows);
      expect(placed.ok && isInsideWindow(placed.at, ist)).toBe(true);
    }
  });

  // Russia spans UTC+2 to UTC+12: only 07:00–09:00 UTC is 09:00–21:00 everywhere.
  it('a country spanning many zones gets the intersection of them all', () => {
    expect(firstDial('+79123456789', null, '2026-01-12T00:00:00Z')).toBe('2026-01-12T07:00:00.000Z');
    expect(firstDial('+79123456789', null, '2026-01-12T09:00:00Z')).toBe('2026-01-13T07:00:00.000Z');
    expect(firstDial('+79123456789', 'Europe/Moscow', '2026-01-12T09:00:00Z')).toBe('2026-01-12T09:00:00.000Z');
  });

  // A 09:00–12:00 window is 14:00–17:00 UTC in New York and 19:00–22:00 UTC in Honolulu: never open in both.
  it('zones that never share a legal hour have no legal instant unless one zone is named', () => {
    const morning = { start: '09:00', end: '12:00' };
    const at = DateTime.fromISO('2026-01-12T00:00:00Z').toMillis();
    const usZones = legalCallingTimezones('US', null);
    expect(nextCallableTime(at, { legal: usZones.map((timezone) => ({ ...morning, timezone })) }, 8).ok).toBe(false);
    const named = legalCallingTimezones('US', 'Pacific/Honolulu');
    expect(named).toEqual(['Pacific/Honolulu']);
    expect(nextCallableTime(at, { legal: named.map((timezone) => ({ ...morning, timezone })) }, 8).ok).toBe(true);
  });

  it('reads an alias of the country’s own zone as that zone', () => {
    expect(legalCallingTimezones('IN', 'Asia/Calcutta')).toEqual(['Asia/Calcutta']);
    expect(legalCallingTimezones('IN', null)).toEqual(['Asia/Kolkata']);
  });
});

describe('destination policy', () => {
  it.each<[string, string, DestinationPolicy, string | null]>([
    ['Indian mobile', INDIAN_MOBILE, POLICY, null],
    ['Indian toll-free', '+911800123456', POLICY, null],
    ['US premium-rate (900)', '+19005551234', POLICY, 'NUMBER_TYPE_NOT_ALLOWED'],
    ['UK premium-rate (09)', '+449098790000', POLICY, 'NUMBER_TYPE_NOT_ALLOWED'],
    ['UK shared-cost (0845)', '+448454647000', POLICY, 'NUMBER_TYPE_NOT_ALLOWED'],
    ['US personal number (500) not in the allow-list', '+15005550006', POLICY, 'NUMBER_TYPE_NOT_ALLOWED'],
    ['a country outside the allow-list', '+61412345678', POLICY, 'DESTINATION_COUNTRY_NOT_ALLOWED'],
    ['a non-geographic number', '+80012345678', { ...POLICY, allowedNumberTypes: [...POLICY.allowedNumberTypes] }, 'DESTINATION_COUNTRY_NOT_ALLOWED'],
    ['US allowed only when listed', US_NUMBER, { ...POLICY, allowedCountries: ['IN'] }, 'DESTINATION_COUNTRY_NOT_ALLOWED'],
  ])('%s', (_case, e164, policy, code) => {
    const check = checkDestination(e164, policy, null);
    expect(check.ok ? null : check.code).toBe(code);
  });

  it('refuses premium-rate and shared-cost by default, and takes an organization’s own settings over the defaults', () => {
    const config = parseConfig({
      ...generateSecrets(),
      ORG_CALLING_POLICIES: JSON.stringify({ org_us: { allowedCountries: ['US'], maxCallDurationSec: 900, llmModels: ['gpt-4o'] } }),
    });
    const defaults = callingPolicyFor(config, 'org_other');
    expect(defaults.allowedCountries).toEqual(['IN']);
    expect(defaults.allowedNumberTypes).not.toContain('PREMIUM_RATE');
    expect(defaults.allowedNumberTypes).not.toContain('SHARED_COST');
    expect(defaults.maxCallDurationSec).toBe(3600);
    const own = callingPolicyFor(config, 'org_us');
    expect(own).toMatchObject({ allowedCountries: ['US'], maxCallDurationSec: 900, llmModels: ['gpt-4o'] });
    expect(own.allowedNumberTypes).toEqual(defaults.allowedNumberTypes);
    expect(callingPolicyFor(config, 'constructor').allowedCountries).toEqual(['IN']);
  });
});

describe('production refuses plain public URLs', () => {
  const secrets = generateSecrets();
  const secure = {
    PUBLIC_API_URL: 'https://ringline.example',
    PUBLIC_MEDIA_WS_URL: 'wss://media.ringline.example',
    EXOTEL_BASE_URL: 'https://api.in.exotel.com',
    DEEPGRAM_BASE_URL: 'https://api.deepgram.com',
    OPENAI_BASE_URL: 'https://api.openai.com/v1',
  };
  it.each([
    ['PUBLIC_API_URL', 'http://ringline.example'],
    ['PUBLIC_MEDIA_WS_URL', 'ws://media.ringline.example'],
    ['EXOTEL_FLOW_URL', 'http://my.exotel.com/x/exoml/start_voice/1'],
    ['OPENAI_BASE_URL', 'http://10.0.0.5/v1'],
  ])('%s = %s', (variable, value) => {
    expect(() => parseConfig({ ...secrets, ...secure, NODE_ENV: 'production', [variable]: value })).toThrow(new RegExp(`${variable}: must use https`));
  });

  it('accepts https/wss, loopback in plain http, and plain URLs outside production', () => {
    expect(() => parseConfig({ ...secrets, ...secure, NODE_ENV: 'production' })).not.toThrow();
    expect(() => parseConfig({ ...secrets, ...secure, NODE_ENV: 'production', OPENAI_BASE_URL: 'http://127.0.0.1:4030/v1' })).not.toThrow();
    expect(() => parseConfig({ ...secrets, NODE_ENV: 'development', PUBLIC_API_URL: 'http://ringline.example' })).not.toThrow();
  });
});
