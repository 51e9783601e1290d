import { Router } from 'express';
import { Agent } from '../../db/models/agent';
import { agentIdParamsSchema, createAgentSchema, listAgentsQuerySchema, updateAgentSchema } from '../../domain/api-schemas/agents';
import { ApiError } from '../api-error';
import { randomAgentId } from '../identifiers';

type StoredAgent = { _id: string; __v?: number } & Record<string, unknown>;

function toAgentResponse({ _id, __v: _version, ...fields }: StoredAgent) {
  return { id: _id, ...fields };
}

const notFound = (agentId: string) => new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${agentId} does not exist`);

/** Agents are deactivated, never deleted: past calls keep pointing at the agent that spoke them. */
export function agentsRouter(): Router {
  const router = Router();

  router.post('/agents', async (req, res) => {
    const { id, ...fields } = createAgentSchema.parse(req.body);
    try {
      const created = await Agent.create({ _id: id ?? randomAgentId(), ...fields });
      res.status(201).json(toAgentResponse(created.toObject() as StoredAgent));
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ApiError(409, 'AGENT_ALREADY_EXISTS', `Agent ${id} already exists`);
      throw err;
    }
  });

  router.get('/agents', async (req, res) => {
    const { page, limit, active } = listAgentsQuerySchema.parse(req.query);
    const filter = active === undefined ? {} : { active };
    const [agents, total] = await Promise.all([
      Agent.find(filter).sort({ createdAt: -1, _id: 1 }).skip((page - 1) * limit).limit(limit).lean<StoredAgent[]>(),
      Agent.countDocuments(filter),
    ]);
    res.json({ data: agents.map(toAgentResponse), page, limit, total });
  });

  router.get('/agents/:agentId', async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const agent = await Agent.findById(agentId).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  router.patch('/agents/:agentId', async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const update = updateAgentSchema.parse(req.body);
    const agent = await Agent.findByIdAndUpdate(agentId, { $set: update }, { returnDocument: 'after', runValidators: true }).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  router.delete('/agents/:agentId', async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const agent = await Agent.findByIdAndUpdate(agentId, { $set: { active: false } }, { returnDocument: 'after' }).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  return router;
}
