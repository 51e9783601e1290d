import express, { type Router } from 'express';
import { z } from 'zod';
import { loopbackOnly, sendError } from '../shared/control-endpoints';

/** What the control endpoints need from the rest of the simulator. */
export interface ControlApiDeps {
  stats(): Record<string, unknown>;
  registerScript(key: string, utterances: string[]): void;
  scripts(): string[];
  reset(): void;
}

const scriptSchema = z.object({
  key: z.string().min(1),
  utterances: z.array(z.string().trim().min(1)).min(1),
});

/**
 * `/sim/*`: the simulator's own knobs, outside Deepgram's API. No auth, so they answer loopback
 * clients only, whatever interface the simulator listens on.
 */
export function createControlApi(deps: ControlApiDeps): Router {
  const router = express.Router();
  router.use('/sim', loopbackOnly, express.json());

  router.get('/sim/stats', (_req, res) => {
    res.json(deps.stats());
  });

  router.get('/sim/scripts', (_req, res) => {
    res.json({ keys: deps.scripts() });
  });

  router.post('/sim/scripts', (req, res) => {
    const parsed = scriptSchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { key, utterances: [non-empty string, ...] }', z.treeifyError(parsed.error));
      return;
    }
    deps.registerScript(parsed.data.key, parsed.data.utterances);
    res.json(parsed.data);
  });

  router.post('/sim/reset', (_req, res) => {
    deps.reset();
    res.json({ reset: true });
  });

  return router;
}
