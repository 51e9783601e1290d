import { z } from 'zod';

/**
 * What the simulated callee does when a number is dialled. Times are optional; when absent the
 * simulator's timing options apply (see simulator-options.ts).
 *
 * - answer: picks up and stays on the line until the bot hangs up or TimeLimit ends the call.
 * - busy / failed: the call never connects.
 * - no-answer: rings until the dial's TimeOut.
 * - invalid-number: Exotel rejects the dial request itself with 400.
 * - voicemail: a machine picks up (its greeting and beep play on the media leg).
 * - silent: picks up and says nothing.
 * - hang-up: picks up and hangs up after `hangUpAfterMs`.
 * - dnd: the number is on the DND registry; Exotel only connects transactional calls to it.
 */
export const SCENARIO_NAMES = [
  'answer',
  'busy',
  'no-answer',
  'failed',
  'invalid-number',
  'voicemail',
  'silent',
  'hang-up',
  'dnd',
] as const;

const ms = z.number().int().nonnegative();

/** Options of a callee that picks up: ring time before answering, and talk time before hanging up. */
const answering = { ringMs: ms.optional(), hangUpAfterMs: ms.optional() };

export const scenarioSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('answer'), ...answering }).strict(),
  z.object({ name: z.literal('voicemail'), ...answering }).strict(),
  z.object({ name: z.literal('silent'), ...answering }).strict(),
  z.object({ name: z.literal('hang-up'), ...answering }).strict(),
  z.object({ name: z.literal('dnd'), ...answering }).strict(),
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
  '000': { name: 'answer' },
  '001': { name: 'busy' },
  '002': { name: 'no-answer' },
  '003': { name: 'failed' },
  '004': { name: 'invalid-number' },
  '005': { name: 'voicemail' },
  '006': { name: 'silent' },
  '007': { name: 'hang-up' },
  '008': { name: 'dnd' },
};

export const DEFAULT_SCENARIO: Scenario = { name: 'answer' };

/** Scenarios in which someone (or something) picks up. */
const ANSWERING_NAMES = ['answer', 'voicemail', 'silent', 'hang-up', 'dnd'] as const;

export type AnsweringScenario = Extract<Scenario, { name: (typeof ANSWERING_NAMES)[number] }>;

export function isAnswering(scenario: Scenario): scenario is AnsweringScenario {
  return (ANSWERING_NAMES as readonly string[]).includes(scenario.name);
}
