import express, { type Router } from 'express';
import { z } from 'zod';
import { faultSetSchema, type FaultSet, type FaultSetInput } from './faults';
import { normalizePhoneNumber } from './phone-number';
import { scenarioInputSchema, type Scenario } from './scenarios';
import type { CallSnapshot } from './simulated-call';
import { loopbackOnly, sendError } from '../shared/control-endpoints';

/** What the control endpoints need from the rest of the simulator. */
export interface ControlApiDeps {
  stats(): Record<string, unknown>;
  calls(): CallSnapshot[];
  call(sid: string): CallSnapshot | undefined;
  calleeHangsUp(sid: string): boolean | undefined;
  programScenarios(e164: string, scenarios: Scenario[]): void;
  programmedScenarios(): Record<string, Scenario[]>;
  faults(): FaultSet;
  replaceFaults(faults: FaultSetInput): void;
  reset(): void;
}

const programScenariosSchema = z.object({
  number: z.string().min(1),
  scenarios: z.array(scenarioInputSchema).min(1),
});

/**
 * `/sim/*`: the simulator's own knobs and windows, outside Exotel's API. No auth, so they answer
 * loopback clients only, whatever interface the simulator listens on.
 */
export function createControlApi(deps: ControlApiDeps): Router {
  const router = express.Router();
  router.use('/sim', loopbackOnly, express.json());

  router.get('/sim/stats', (_req, res) => {
    res.json(deps.stats());
  });

  router.get('/sim/calls', (_req, res) => {
    res.json({
      calls: deps.calls().map(({ sid, status, scenario, endReason, createdAt, endedAt, request }) => ({
        sid,
        status,
        scenario: scenario.name,
        endReason,
        createdAt,
        endedAt,
        from: request.params.From,
        customField: request.params.CustomField ?? null,
      })),
    });
  });

  router.get('/sim/calls/:sid', (req, res) => {
    const call = deps.call(req.params.sid);
    if (call) res.json(call);
    else sendError(res, 404, 'not_found', `no call ${req.params.sid}`);
  });

  router.post('/sim/calls/:sid/hang-up', (req, res) => {
    const done = deps.calleeHangsUp(req.params.sid);
    if (done === undefined) sendError(res, 404, 'not_found', `no call ${req.params.sid}`);
    else if (!done) sendError(res, 409, 'not_in_progress', 'only a call in progress can be hung up');
    else res.json(deps.call(req.params.sid));
  });

  router.get('/sim/scenarios', (_req, res) => {
    res.json({ programmed: deps.programmedScenarios() });
  });

  router.post('/sim/scenarios', (req, res) => {
    const parsed = programScenariosSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { number, scenarios: [name | { name, ...parameters }] }', z.treeifyError(parsed.error));
      return;
    }
    const e164 = normalizePhoneNumber(parsed.data.number);
    if (!e164) {
      sendError(res, 400, 'invalid_number', `${parsed.data.number} is not a plausible phone number`);
      return;
    }
    deps.programScenarios(e164, parsed.data.scenarios);
    res.json({ number: e164, scenarios: parsed.data.scenarios });
  });

  router.get('/sim/faults', (_req, res) => {
    res.json(deps.faults());
  });

  router.post('/sim/faults', (req, res) => {
    const parsed = faultSetSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { webhooks: [rule], api: [rule] }', z.treeifyError(parsed.error));
      return;
    }
    deps.replaceFaults(parsed.data);
    res.json(deps.faults());
  });

  router.post('/sim/reset', (_req, res) => {
    deps.reset();
    res.json({ reset: true });
  });

  return router;
}
