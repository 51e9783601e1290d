import type { Logger } from '../../lib/logger';
import type { CallbackLogEntry, CallRecord } from './call-record';
import type { FaultInjector, WebhookFaultDecision } from './faults';
import { encodeMultipart } from './form-body';
import { HttpTimeoutError, type HttpClient } from './http-client';
import type { SimulatorTiming } from './simulator-options';
import type { SimulatorStats } from './stats';
import { buildCallbackPayload, toFormFields, type CallbackKind, type StatusCallbackPayload } from './status-callback-payload';
import { TimerSet } from '../shared/timer-set';

export interface StatusCallbackDispatcherDeps {
  http: HttpClient;
  faults: FaultInjector;
  stats: SimulatorStats;
  timing: SimulatorTiming;
  logger: Logger;
}

interface Delivery {
  call: CallRecord;
  kind: CallbackKind;
  payload: StatusCallbackPayload;
  decision: WebhookFaultDecision;
}

/**
 * Sends a call's status callbacks to its `StatusCallback` URL, used exactly as given, one POST per
 * subscribed event, each retried up to `callbackRetries` times when the receiver answers non-2xx or
 * not within `callbackTimeoutMs`. Webhook faults are decided here, once per callback. Callbacks of
 * one call are independent, as Exotel's are: a slow or retried `answered` may land after `terminal`.
 */
export class StatusCallbackDispatcher {
  private readonly timers = new TimerSet();
  /** `answered` callbacks a reorder fault holds back until their call's terminal callback is out. */
  private readonly held = new Map<string, Delivery>();
  /** Bumped by reset, so deliveries started before it give up instead of posting into the new world. */
  private epoch = 0;

  constructor(private readonly deps: StatusCallbackDispatcherDeps) {}

  notify(call: CallRecord, event: 'answered' | 'terminal'): void {
    const url = call.request.statusCallback;
    if (!url) return;
    const subscribed = call.request.statusCallbackEvents;
    const kind: CallbackKind | undefined =
      subscribed.length === 0 ? (event === 'terminal' ? 'classic' : undefined) : subscribed.includes(event) ? event : undefined;
    const sent = kind ? this.dispatch(call, kind) : Promise.resolve();
    if (event !== 'terminal') return;
    const epoch = this.epoch;
    void sent
      .then(() => {
        const held = this.held.get(call.sid);
        this.held.delete(call.sid);
        if (held && epoch === this.epoch) return this.deliverCopies(held);
        return undefined;
      })
      .catch((err: unknown) => this.deps.logger.error({ err, callSid: call.sid }, 'status callback dispatch failed'));
  }

  /** Forgets held callbacks and abandons deliveries in progress. */
  reset(): void {
    this.epoch += 1;
    this.timers.clearAll();
    this.held.clear();
  }

  /** Resolves once the callback has been delivered or given up (at once when dropped or held). */
  private async dispatch(call: CallRecord, kind: CallbackKind): Promise<void> {
    const payload = buildCallbackPayload(call, kind, new Date());
    const decision = this.deps.faults.forWebhook(kind === 'answered' ? 'answered' : 'terminal');
    const delivery: Delivery = { call, kind, payload, decision };
    if (decision.drop) {
      this.deps.stats.callbacksDropped += 1;
      this.log(delivery, { copy: 1, attempt: 0, outcome: 'dropped' });
      return;
    }
    if (decision.reorder) {
      this.held.set(call.sid, delivery);
      this.log(delivery, { copy: 1, attempt: 0, outcome: 'held' });
      return;
    }
    const epoch = this.epoch;
    await this.timers.sleep(this.deps.timing.callbackDelayMs + decision.delayMs);
    if (epoch === this.epoch) await this.deliverCopies(delivery);
  }

  private async deliverCopies(delivery: Delivery): Promise<void> {
    await this.deliver(delivery, 1);
    if (delivery.decision.duplicate) await this.deliver(delivery, 2);
  }

  private async deliver(delivery: Delivery, copy: number): Promise<void> {
    const { call } = delivery;
    const epoch = this.epoch;
    const { timing, stats, http } = this.deps;
    const { contentType, body } = await encode(call.request.statusCallbackContentType, delivery.payload);
    for (let attempt = 1; attempt <= 1 + timing.callbackRetries; attempt += 1) {
      if (epoch !== this.epoch) return;
      stats.callbacksSent += 1;
      try {
        const answer = await http.request({
          method: 'POST',
          url: call.request.statusCallback as string,
          headers: { 'content-type': contentType },
          body,
          timeoutMs: timing.callbackTimeoutMs,
        });
        if (epoch !== this.epoch) return;
        if (answer.status >= 200 && answer.status < 300) {
          stats.callbacksDelivered += 1;
          this.log(delivery, { copy, attempt, outcome: 'delivered', httpStatus: answer.status });
          return;
        }
        this.log(delivery, { copy, attempt, outcome: 'rejected', httpStatus: answer.status });
      } catch (err) {
        if (epoch !== this.epoch) return;
        const outcome = err instanceof HttpTimeoutError ? 'timeout' : 'error';
        this.log(delivery, { copy, attempt, outcome, error: err instanceof Error ? err.message : String(err) });
      }
      if (attempt <= timing.callbackRetries) await this.timers.sleep(timing.callbackRetryDelayMs);
    }
    stats.callbacksFailed += 1;
    this.deps.logger.warn({ callSid: call.sid, event: delivery.kind }, 'status callback given up after retries');
  }

  private log(delivery: Delivery, entry: Pick<CallbackLogEntry, 'copy' | 'attempt' | 'outcome' | 'httpStatus' | 'error'>): void {
    delivery.call.callbacks.push({
      event: delivery.kind,
      at: new Date().toISOString(),
      faults: delivery.decision.applied,
      payload: delivery.payload,
      ...entry,
    });
    this.deps.logger.debug({ callSid: delivery.call.sid, event: delivery.kind, ...entry }, 'status callback');
  }
}

async function encode(contentType: 'application/json' | 'multipart/form-data', payload: StatusCallbackPayload): Promise<{ contentType: string; body: Buffer }> {
  if (contentType === 'application/json') return { contentType, body: Buffer.from(JSON.stringify(payload)) };
  return encodeMultipart(toFormFields(payload));
}
