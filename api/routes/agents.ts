import { Router } from 'express';
import { allow, principalOf } from '../access/route-access';
import { Agent } from '../../db/models/agent';
import { agentIdParamsSchema, createAgentSchema, listAgentsQuerySchema, updateAgentSchema } from '../../domain/api-schemas/agents';
import { agentSettingsRefusal, callingPolicyFor, type CallingPolicyConfig } from '../../domain/calling-policy';
import type { Config } from '../../domain/config';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../../domain/phone-number';
import { ApiError } from '../api-error';
import { randomAgentId } from '../identifiers';

type StoredAgent = { _id: string; __v?: number; orgId?: string } & Record<string, unknown>;

/**
 * Upserts store no nulls on FerretDB (docs/database.md), so the nullable settings may be absent: they
 * are null; agents stored before a field existed answer its default, as the media server reads them.
 */
function toAgentResponse({ _id, __v: _version, orgId: _orgId, ...fields }: StoredAgent) {
  return {
    id: _id,
    ...fields,
    voicemailThreshold: fields.voicemailThreshold ?? null,
    voicemailTimeoutSec: fields.voicemailTimeoutSec ?? null,
    callbackNumber: fields.callbackNumber ?? null,
    companyName: fields.companyName ?? '',
    ttsProvider: fields.ttsProvider ?? 'deepgram',
    elevenLabsVoiceId: fields.elevenLabsVoiceId ?? null,
  };
}

const notFound = (agentId: string) => new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${agentId} does not exist`);

/** Agents are deactivated, never deleted: past calls keep pointing at the agent that spoke them. */
export function agentsRouter(config: CallingPolicyConfig & Pick<Config, 'DEFAULT_COUNTRY'>): Router {
  const router = Router();
  /** The callback number is stored in E.164 like every number Ringline keeps; null clears it. */
  const withCallbackNumberNormalized = <Fields extends { callbackNumber?: string | null }>(fields: Fields): Fields => {
    if (fields.callbackNumber === undefined || fields.callbackNumber === null) return fields;
    const phone = normalizePhoneNumber(fields.callbackNumber, config.DEFAULT_COUNTRY);
    if (!phone.ok) throw new ApiError(400, 'INVALID_PHONE_NUMBER', `callbackNumber: ${describePhoneNumberProblem(phone.reason)}`, { field: 'callbackNumber', reason: phone.reason });
    return { ...fields, callbackNumber: phone.e164 };
  };
  /** The model and call length an agent asks for must be within its organization's policy; nothing is written otherwise. */
  const requireAllowedSettings = (orgId: string, agent: { llmModel?: string; maxCallDurationSec?: number }) => {
    const refusal = agentSettingsRefusal(callingPolicyFor(config, orgId), agent);
    if (refusal) throw new ApiError(400, refusal.code, refusal.message, refusal.details);
  };

  router.post('/agents', allow('agents.write'), async (req, res) => {
    const { id, ...parsed } = createAgentSchema.parse(req.body);
    const fields = withCallbackNumberNormalized(parsed);
    requireAllowedSettings(principalOf(res).orgId, fields);
    try {
      const created = await Agent.create({ _id: id ?? randomAgentId(), ...fields, orgId: principalOf(res).orgId });
      res.status(201).json(toAgentResponse(created.toObject() as StoredAgent));
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ApiError(409, 'AGENT_ALREADY_EXISTS', `Agent ${id} already exists`);
      throw err;
    }
  });

  router.get('/agents', allow('agents.read'), async (req, res) => {
    const { page, limit, active } = listAgentsQuerySchema.parse(req.query);
    const filter = { orgId: principalOf(res).orgId, ...(active !== undefined && { active }) };
    const [agents, total] = await Promise.all([
      Agent.find(filter).sort({ createdAt: -1, _id: 1 }).skip((page - 1) * limit).limit(limit).lean<StoredAgent[]>(),
      Agent.countDocuments(filter),
    ]);
    res.json({ data: agents.map(toAgentResponse), page, limit, total });
  });

  router.get('/agents/:agentId', allow('agents.read'), async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const agent = await Agent.findOne({ _id: agentId, orgId: principalOf(res).orgId }).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  router.patch('/agents/:agentId', allow('agents.write'), async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const update = withCallbackNumberNormalized(updateAgentSchema.parse(req.body));
    requireAllowedSettings(principalOf(res).orgId, update);
    const agent = await Agent.findOneAndUpdate({ _id: agentId, orgId: principalOf(res).orgId }, { $set: update }, { returnDocument: 'after', runValidators: true }).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  router.delete('/agents/:agentId', allow('agents.write'), async (req, res) => {
    const { agentId } = agentIdParamsSchema.parse(req.params);
    const agent = await Agent.findOneAndUpdate({ _id: agentId, orgId: principalOf(res).orgId }, { $set: { active: false } }, { returnDocument: 'after' }).lean<StoredAgent>();
    if (!agent) throw notFound(agentId);
    res.json(toAgentResponse(agent));
  });

  return router;
}
