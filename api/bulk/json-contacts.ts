import type { BulkCallsRequest } from '../../domain/api-schemas/campaigns';
import { checkContactRow, type ContactRules } from '../../domain/contact-row';
import type { ContactCheck } from '../campaigns';
import { ContactListChecks } from './contact-list-checks';

type BulkCall = BulkCallsRequest['calls'][number];

/**
 * The bulk JSON body's calls, checked like CSV rows (same codes, same variable rules) so both routes
 * refuse the same things; `line` is the call's position in `calls`, counted from 1.
 */
export async function* checkBulkCalls(
  calls: BulkCall[],
  options: { rules: ContactRules; defaultAgentId: string | null; agentExists: (id: string) => Promise<boolean> },
): AsyncGenerator<ContactCheck> {
  const list = new ContactListChecks(options.agentExists);
  for (const [index, call] of calls.entries()) {
    const line = index + 1;
    const row: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...call.metadata, ...call.variables })) row[name] = String(value);
    row.phone_number = call.phoneNumber;
    if (call.agentId !== undefined) row.agent_id = call.agentId;
    if (call.scheduledFor !== undefined) row.scheduled_time = call.scheduledFor;
    if (call.timezone !== undefined) row.timezone = call.timezone;
    if (call.priority !== undefined) row.priority = call.priority;
    const checked = checkContactRow(row, line, options.rules);
    const errors = checked.ok ? [] : [...checked.errors];
    const phoneNumber = checked.ok ? checked.contact.phoneNumber : null;
    const agentId = (checked.ok ? checked.contact.agentId : call.agentId) ?? options.defaultAgentId;
    errors.push(...(await list.check(line, phoneNumber, agentId, 'phoneNumber', 'agentId')));
    if (errors.length > 0 || !checked.ok || agentId === null) yield { ok: false, errors };
    else yield { ok: true, contact: { ...checked.contact, agentId } };
  }
}
