import type { ToolDefinition } from './chat-message';

/**
 * The model ends the call by calling this function. The agent's own goodbye message is spoken
 * after it, so the model is told not to say goodbye itself (the caller would hear it twice).
 */
export const END_CALL_TOOL: ToolDefinition = {
  name: 'end_call',
  description:
    'End the phone call. Call it when the conversation is finished or the caller asks to end it. ' +
    'A goodbye is spoken for you after this call: do not say goodbye yourself.',
  parameters: {
    type: 'object',
    properties: { reason: { type: 'string', description: 'Why the call ends, in a few words.' } },
    additionalProperties: false,
  },
};
