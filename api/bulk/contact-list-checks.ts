import { resourceIdSchema } from '../../domain/api-schemas/common';
import type { RowError } from '../../domain/contact-row';

/**
 * The checks of a contact list that need more than the row: a number already listed on an earlier
 * line, and an agent that does not exist or is inactive (asked once per distinct id). Memory grows with
 * distinct numbers, never with the list's bytes.
 */
export class ContactListChecks {
  private readonly firstLineOf = new Map<string, number>();
  private readonly agentAnswers = new Map<string, Promise<boolean>>();

  constructor(private readonly agentExists: (id: string) => Promise<boolean>) {}

  async check(line: number, phoneNumber: string | null, agentId: string | null, phoneField = 'phone_number', agentField = 'agent_id'): Promise<RowError[]> {
    const errors: RowError[] = [];
    if (phoneNumber !== null) {
      const first = this.firstLineOf.get(phoneNumber);
      if (first === undefined) this.firstLineOf.set(phoneNumber, line);
      else errors.push({ line, field: phoneField, code: 'DUPLICATE_PHONE', message: `the same phone number is already on line ${first}` });
    }
    if (agentId === null) {
      errors.push({ line, field: agentField, code: 'AGENT_MISSING', message: `${agentField} is empty and the request names no default agent` });
    } else if (!(await this.agentKnown(agentId))) {
      const message = `agent ${resourceIdSchema.safeParse(agentId).success ? agentId : 'id'} does not exist or is inactive`;
      errors.push({ line, field: agentField, code: 'AGENT_UNKNOWN', message });
    }
    return errors;
  }

  /** An id that cannot be an agent's is never looked up. */
  private agentKnown(id: string): Promise<boolean> {
    let answer = this.agentAnswers.get(id);
    if (!answer) {
      answer = resourceIdSchema.safeParse(id).success ? this.agentExists(id) : Promise.resolve(false);
      this.agentAnswers.set(id, answer);
    }
    return answer;
  }
}
