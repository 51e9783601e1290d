import express, { type Router } from 'express';
import { z } from 'zod';
import { loopbackOnly, sendError } from '../shared/control-endpoints';
import { faultSchema, type Fault } from './injected-faults';
import type { ReceivedSynthesis } from './text-to-speech';

/** What the control endpoints need from the rest of the simulator. */
export interface ControlApiDeps {
  stats(): Record<string, unknown>;
  received(): ReceivedSynthesis[];
  fault(): Fault | null;
  setFault(fault: Fault): void;
  clearFault(): void;
  setConcurrencyLimit(limit: number): void;
  reset(): void;
}

const limitsSchema = z.strictObject({ concurrencyLimit: z.int().positive() });

/**
 * `/sim/*`: the simulator's own knobs, outside ElevenLabs' API. No auth, so they answer loopback
 * clients only, whatever interface the simulator listens on.
 */
export function createControlApi(deps: ControlApiDeps): Router {
  const router = express.Router();
  router.use('/sim', loopbackOnly, express.json());

  router.get('/sim/stats', (_req, res) => {
    res.json(deps.stats());
  });

  router.get('/sim/requests', (_req, res) => {
    res.json({ requests: deps.received() });
  });

  router.get('/sim/faults', (_req, res) => {
    res.json({ fault: deps.fault() });
  });

  router.post('/sim/faults', (req, res) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { answer: "server_error" | "system_busy" | "too_many_concurrent_requests" | "quota_exceeded", count?: n | null }', z.treeifyError(parsed.error));
      return;
    }
    deps.setFault(parsed.data);
    res.json({ fault: deps.fault() });
  });

  router.delete('/sim/faults', (_req, res) => {
    deps.clearFault();
    res.json({ fault: null });
  });

  router.post('/sim/limits', (req, res) => {
    const parsed = limitsSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { concurrencyLimit: positive integer }', z.treeifyError(parsed.error));
      return;
    }
    deps.setConcurrencyLimit(parsed.data.concurrencyLimit);
    res.json(parsed.data);
  });

  router.post('/sim/reset', (_req, res) => {
    deps.reset();
    res.json({ reset: true });
  });

  return router;
}
