import { z } from 'zod';
import { CALLEE_SCRIPT_NAMES, type CalleeScriptName } from '../audio/scripts';

/**
 * What the simulated callee does when a number is dialled. Times are optional; when absent the
 * simulator's timing options apply (see simulator-options.ts).
 *
 * Callees who pick up talk from a script (sim/audio/scripts.ts): each answering scenario has a default
 * one, and `script` picks another (e.g. `{"name":"answer","script":"interrupter"}`).
 *
 * - answer: picks up and stays on the line until the bot hangs up or TimeLimit ends the call.
 * - busy / failed: the call never connects.
 * - no-answer: rings until the dial's TimeOut.
 * - invalid-number: Exotel rejects the dial request itself with 400.
 * - voicemail: a machine picks up (its greeting and beep play on the media leg).
 * - announcement: the network answers with an operator announcement (switched off, out of reach),
 *   with or without the special information tone before it; the callee is never reached.
 * - silent: picks up and says nothing.
 * - hang-up: picks up and hangs up mid-sentence of the bot (its script), or after `hangUpAfterMs` at the latest.
 * - dnd: the number is on the DND registry; Exotel only connects transactional calls to it.
 */
export const SCENARIO_NAMES = [
  'answer',
  'busy',
  'no-answer',
  'failed',
  'invalid-number',
  'voicemail',
  'announcement',
  'silent',
  'hang-up',
  'dnd',
] as const;

const ms = z.number().int().nonnegative();

/** Exotel's AMD verdicts (its support article on AMD): what `Legs[].AnsweredBy` carries when the account has AMD on. */
export const ANSWERED_BY_VALUES = ['HUMAN', 'MACHINE', 'NOT_SURE'] as const;
export type AnsweredBy = (typeof ANSWERED_BY_VALUES)[number];

/**
 * Options of a callee that picks up: ring time before answering, talk time before hanging up, what the
 * account's AMD says of it (`answeredBy`; absent: AMD off), and what it says. A silent callee has no
 * script to choose.
 */
const answering = { ringMs: ms.optional(), hangUpAfterMs: ms.optional(), answeredBy: z.enum(ANSWERED_BY_VALUES).optional() };
const talking = { ...answering, script: z.enum(CALLEE_SCRIPT_NAMES).optional() };

export const scenarioSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('answer'), ...talking }).strict(),
  z.object({ name: z.literal('voicemail'), ...talking }).strict(),
  z.object({ name: z.literal('announcement'), ...talking }).strict(),
  z.object({ name: z.literal('silent'), ...answering }).strict(),
  z.object({ name: z.literal('hang-up'), ...talking }).strict(),
  z.object({ name: z.literal('dnd'), ...talking }).strict(),
  z.object({ name: z.literal('busy'), ringMs: ms.optional() }).strict(),
  z.object({ name: z.literal('no-answer') }).strict(),
  z.object({ name: z.literal('failed') }).strict(),
  z.object({ name: z.literal('invalid-number') }).strict(),
]);

export type Scenario = z.infer<typeof scenarioSchema>;

/** A scenario by its bare name (`"busy"`) or as an object with parameters (`{"name":"hang-up","hangUpAfterMs":2000}`). */
export const scenarioInputSchema = z.union([
  z.enum(SCENARIO_NAMES).transform((name) => scenarioSchema.parse({ name })),
  scenarioSchema,
]);

/** The built-in table, keyed by the dialled number's last three digits; any other ending answers. */
export const BUILT_IN_SCENARIOS: Readonly<Partial<Record<string, Scenario>>> = {
  '000': { name: 'answer', script: 'cooperative' },
  '001': { name: 'busy' },
  '002': { name: 'no-answer' },
  '003': { name: 'failed' },
  '004': { name: 'invalid-number' },
  '005': { name: 'voicemail' },
  '006': { name: 'silent' },
  '007': { name: 'hang-up' },
  '008': { name: 'dnd' },
  '009': { name: 'answer', script: 'interrupter' },
  '010': { name: 'answer', script: 'dtmf' },
  '011': { name: 'voicemail', script: 'voicemail-no-beep' },
  '012': { name: 'announcement', script: 'announcement-switched-off' },
  '013': { name: 'announcement', script: 'announcement-hindi-unreachable' },
};

export const DEFAULT_SCENARIO: Scenario = { name: 'answer' };

/** Scenarios in which someone (or something) picks up. */
const ANSWERING_NAMES = ['answer', 'voicemail', 'announcement', 'silent', 'hang-up', 'dnd'] as const;

export type AnsweringScenario = Extract<Scenario, { name: (typeof ANSWERING_NAMES)[number] }>;

export function isAnswering(scenario: Scenario): scenario is AnsweringScenario {
  return (ANSWERING_NAMES as readonly string[]).includes(scenario.name);
}

const DEFAULT_SCRIPTS: Record<AnsweringScenario['name'], CalleeScriptName> = {
  answer: 'cooperative',
  voicemail: 'voicemail',
  announcement: 'announcement-switched-off',
  silent: 'silent',
  'hang-up': 'hang-up-mid-sentence',
  dnd: 'cooperative',
};

/** The script a callee who picks up talks from: the scenario's own choice, or its default. */
export function calleeScriptOf(scenario: AnsweringScenario): CalleeScriptName {
  return ('script' in scenario ? scenario.script : undefined) ?? DEFAULT_SCRIPTS[scenario.name];
}
