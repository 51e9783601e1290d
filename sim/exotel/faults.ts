import { z } from 'zod';
import type { Random } from './prng';

/**
 * Injected misbehaviour, set through `POST /sim/faults` or the `faults` option. Every rule may be
 * limited to the next `count` times it applies and may apply with a `probability` (default 1, drawn
 * from the simulator's seeded generator); a rule without `count` stays until replaced or reset.
 *
 * Webhook rules: `drop` (never sent), `duplicate` (sent twice), `delay` (sent `delayMs` later),
 * `reorder` (an `answered` callback is held back and sent after the call's terminal one).
 * API rules: `status` (answer 429 or 5xx without doing anything), `hang` (no answer for `ms`, then
 * the connection is cut; with `process: true` the request is carried out and answered `ms` late,
 * the "did my dial go through?" case).
 */
const limits = {
  count: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
};
const webhookEvent = z.enum(['answered', 'terminal']).optional();
const apiEndpoint = z.enum(['connect', 'call-details', 'number-metadata']).optional();

export const webhookFaultSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('drop'), event: webhookEvent, ...limits }).strict(),
  z.object({ action: z.literal('duplicate'), event: webhookEvent, ...limits }).strict(),
  z.object({ action: z.literal('delay'), delayMs: z.number().int().nonnegative(), event: webhookEvent, ...limits }).strict(),
  z.object({ action: z.literal('reorder'), ...limits }).strict(),
]);

export const apiFaultSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('status'),
      status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
      endpoint: apiEndpoint,
      ...limits,
    })
    .strict(),
  z
    .object({
      action: z.literal('hang'),
      ms: z.number().int().positive(),
      process: z.boolean().default(false),
      endpoint: apiEndpoint,
      ...limits,
    })
    .strict(),
]);

export const faultSetSchema = z
  .object({
    webhooks: z.array(webhookFaultSchema).default([]),
    api: z.array(apiFaultSchema).default([]),
  })
  .strict();

export type WebhookFault = z.infer<typeof webhookFaultSchema>;
export type ApiFault = z.infer<typeof apiFaultSchema>;
export type FaultSet = z.infer<typeof faultSetSchema>;
export type FaultSetInput = z.input<typeof faultSetSchema>;
export type WebhookEventName = 'answered' | 'terminal';
export type ApiEndpointName = NonNullable<z.infer<typeof apiEndpoint>>;

/** What the injector decided for one callback. */
export interface WebhookFaultDecision {
  drop: boolean;
  duplicate: boolean;
  delayMs: number;
  reorder: boolean;
  /** Actions that fired, for the call's callback log. */
  applied: string[];
}

export class FaultInjector {
  private webhookRules: WebhookFault[] = [];
  private apiRules: ApiFault[] = [];

  constructor(
    private readonly random: Random,
    faults: FaultSetInput = {},
  ) {
    this.replace(faults);
  }

  /** Replaces every rule; the input is validated here, so callers may pass untrusted JSON. */
  replace(faults: FaultSetInput): void {
    const parsed = faultSetSchema.parse(faults);
    this.webhookRules = parsed.webhooks;
    this.apiRules = parsed.api;
  }

  current(): FaultSet {
    return { webhooks: this.webhookRules.map((rule) => ({ ...rule })), api: this.apiRules.map((rule) => ({ ...rule })) };
  }

  forWebhook(event: WebhookEventName): WebhookFaultDecision {
    const decision: WebhookFaultDecision = { drop: false, duplicate: false, delayMs: 0, reorder: false, applied: [] };
    for (const rule of [...this.webhookRules]) {
      const matches = rule.action === 'reorder' ? event === 'answered' : rule.event === undefined || rule.event === event;
      if (!matches || !this.fires(rule)) continue;
      this.consume(this.webhookRules, rule);
      decision.applied.push(rule.action === 'delay' ? `delay ${rule.delayMs}ms` : rule.action);
      if (rule.action === 'drop') {
        decision.drop = true;
        break;
      }
      if (rule.action === 'duplicate') decision.duplicate = true;
      if (rule.action === 'delay') decision.delayMs += rule.delayMs;
      if (rule.action === 'reorder') decision.reorder = true;
    }
    return decision;
  }

  /** The first API rule that fires for a request to `endpoint`, if any. */
  forApi(endpoint: ApiEndpointName): ApiFault | undefined {
    for (const rule of [...this.apiRules]) {
      if (rule.endpoint !== undefined && rule.endpoint !== endpoint) continue;
      if (!this.fires(rule)) continue;
      this.consume(this.apiRules, rule);
      return rule;
    }
    return undefined;
  }

  private fires(rule: { probability?: number }): boolean {
    return rule.probability === undefined || rule.probability >= 1 || this.random() < rule.probability;
  }

  /** Counts one use of a limited rule and removes it when used up. */
  private consume<T extends { count?: number }>(rules: T[], rule: T): void {
    if (rule.count === undefined) return;
    rule.count -= 1;
    if (rule.count === 0) rules.splice(rules.indexOf(rule), 1);
  }
}
