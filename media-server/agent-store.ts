import { Agent } from '../db/models/agent';
import type { AgentProfile } from './agent-profile';

/** An edited agent reaches new calls within this time; in between, calls start without a database read. */
const AGENT_TTL_MS = 60_000;

export type AgentLoader = (agentId: string) => Promise<AgentProfile | undefined>;

/** Agents by id, cached for a short while; concurrent calls of one agent share a single read. */
export class AgentStore {
  private readonly cache = new Map<string, { agent: Promise<AgentProfile | undefined>; expiresAt: number }>();

  constructor(
    private readonly load: AgentLoader,
    private readonly now: () => number = Date.now,
  ) {}

  get(agentId: string): Promise<AgentProfile | undefined> {
    const cached = this.cache.get(agentId);
    if (cached && cached.expiresAt > this.now()) return cached.agent;
    const agent = this.load(agentId);
    this.cache.set(agentId, { agent, expiresAt: this.now() + AGENT_TTL_MS });
    // A failed or missing read is not cached: the next call asks again.
    agent.then(
      (found) => {
        if (!found) this.cache.delete(agentId);
      },
      () => this.cache.delete(agentId),
    );
    return agent;
  }
}

export async function loadAgentFromDatabase(agentId: string): Promise<AgentProfile | undefined> {
  const doc = await Agent.findById(agentId).lean();
  if (!doc) return undefined;
  return {
    id: doc._id,
    name: doc.name,
    prompt: doc.prompt,
    greeting: doc.greeting,
    noResponsePrompt: doc.noResponsePrompt,
    goodbyeMessage: doc.goodbyeMessage,
    voicemailMessage: doc.voicemailMessage,
    // Agents stored before these fields existed have neither.
    callbackNumber: doc.callbackNumber ?? null,
    companyName: doc.companyName ?? '',
    voice: doc.voice,
    ttsProvider: doc.ttsProvider ?? 'deepgram',
    elevenLabsVoiceId: doc.elevenLabsVoiceId ?? null,
    llmModel: doc.llmModel,
    maxCallDurationSec: doc.maxCallDurationSec,
    noResponseTimeoutSec: doc.noResponseTimeoutSec,
    noResponseHangupSec: doc.noResponseHangupSec,
    voicemailDetection: doc.voicemailDetection,
    voicemailThreshold: doc.voicemailThreshold ?? null,
    voicemailTimeoutSec: doc.voicemailTimeoutSec ?? null,
    endPhrases: [...doc.endPhrases],
  };
}
