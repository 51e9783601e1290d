import express, { type Router } from 'express';
import { z } from 'zod';
import { programmedReplySchema, type ProgrammedReply } from './programmed-replies';
import { loopbackOnly, sendError } from '../shared/control-endpoints';
import type { ReceivedRequest } from './received-requests';

/** What the control endpoints need from the rest of the simulator. */
export interface ControlApiDeps {
  stats(): Record<string, unknown>;
  addReply(reply: ProgrammedReply): void;
  replies(): ProgrammedReply[];
  received(): ReceivedRequest[];
  reset(): void;
}

/**
 * `/sim/*`: the simulator's own knobs, outside OpenAI's API. No auth, so they answer loopback
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

  router.get('/sim/replies', (_req, res) => {
    res.json({ replies: deps.replies() });
  });

  router.post('/sim/replies', (req, res) => {
    const parsed = programmedReplySchema.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'expected { match, reply: "text" | { tool, arguments } }', z.treeifyError(parsed.error));
      return;
    }
    deps.addReply(parsed.data);
    res.json(parsed.data);
  });

  router.post('/sim/reset', (_req, res) => {
    deps.reset();
    res.json({ reset: true });
  });

  return router;
}
