import { defaultVoicemailTemplate } from '../../domain/conversation/default-voicemail';
import { renderPhrase, type AgentProfile } from '../../media-server/agent-profile';
import { agentProfile } from '../helpers/agent-profile';

const agent = agentProfile({
  id: 'agent_vm',
  prompt: 'You remind customers of payments.',
  greeting: 'Hello {customerName}.',
  noResponsePrompt: 'Are you there?',
  goodbyeMessage: 'Goodbye.',
  callbackNumber: '+919876543210',
  companyName: 'Acme Finance',
  voicemailDetection: true,
});

describe('defaultVoicemailTemplate', () => {
  it.each([
    ['both fields', 'Acme Finance', '+919876543210', 'Hi {customerName}, this is {agentName} from {companyName}. Sorry we missed you. Please call us back at {callbackNumber}. Thank you.'],
    ['no callback number', 'Acme Finance', null, 'Hi {customerName}, this is {agentName} from {companyName}. Sorry we missed you. Thank you.'],
    ['no company', '', '+919876543210', 'Hi {customerName}, this is {agentName}. Sorry we missed you. Please call us back at {callbackNumber}. Thank you.'],
    ['a blank company', '   ', null, 'Hi {customerName}, this is {agentName}. Sorry we missed you. Thank you.'],
  ])('%s', (_case, companyName, callbackNumber, template) => {
    expect(defaultVoicemailTemplate({ companyName, callbackNumber })).toBe(template);
  });
});

describe('the voicemail message a call speaks', () => {
  it.each<[string, Partial<AgentProfile>, Record<string, unknown>, string]>([
    ['the default, filled in', {}, { customerName: 'Ravi' }, 'Hi Ravi, this is Asha from Acme Finance. Sorry we missed you. Please call us back at 0 9 8 7 6 5, 4 3 2 1 0. Thank you.'],
    ['the default for a call without a name', {}, {}, 'Hi, this is Asha from Acme Finance. Sorry we missed you. Please call us back at 0 9 8 7 6 5, 4 3 2 1 0. Thank you.'],
    ['the default of an agent without company or number', { companyName: '', callbackNumber: null }, { customerName: 'Ravi' }, 'Hi Ravi, this is Asha. Sorry we missed you. Thank you.'],
    ['metadata cannot replace the agent\'s company or number', {}, { customerName: 'Ravi', companyName: 'Evil Corp', callbackNumber: '1 2 3' }, 'Hi Ravi, this is Asha from Acme Finance. Sorry we missed you. Please call us back at 0 9 8 7 6 5, 4 3 2 1 0. Thank you.'],
    ['the agent\'s own message wins', { voicemailMessage: 'Please call {companyName} on {callbackNumber}.' }, {}, 'Please call Acme Finance on 0 9 8 7 6 5, 4 3 2 1 0.'],
  ])('%s', (_case, fields, metadata, spoken) => {
    expect(renderPhrase({ ...agent, ...fields }, 'voicemail', metadata)).toBe(spoken);
  });
});
