/** What the default voicemail message is made from: the agent's own fields, not the call's metadata. */
export interface VoicemailIdentity {
  companyName: string;
  callbackNumber: string | null;
}

/**
 * The seed's voicemail template, for an agent whose `voicemailMessage` is empty: who is calling, for
 * which company, and the number to call back, as placeholders that renderTemplate fills from the
 * agent and the call (`{customerName}` from the call's metadata, dropped when the call has none). A
 * clause whose field the agent lacks is left out, so a voicemail never says "from" or "at" with
 * nothing after it.
 */
export function defaultVoicemailTemplate(identity: VoicemailIdentity): string {
  const caller = identity.companyName.trim() === '' ? 'this is {agentName}' : 'this is {agentName} from {companyName}';
  const callBack = identity.callbackNumber ? ' Please call us back at {callbackNumber}.' : '';
  return `Hi {customerName}, ${caller}. Sorry we missed you.${callBack} Thank you.`;
}
