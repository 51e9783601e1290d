import type { ChatMessage } from './chat-message';

/**
 * What the model is shown: the system prompt, the call's data message (when there is one), then the turns in order. The bot's turns hold only what
 * the caller actually heard (an interrupted reply is cut to its played sentences), so the model never
 * believes it said something the caller did not hear. Consecutive turns of one speaker (a caller who
 * spoke twice before the bot answered) are joined, as chat models expect alternating roles.
 */
export class ConversationHistory {
  private readonly turns: ChatMessage[] = [];
  private changes = 0;

  constructor(
    private readonly systemPrompt: string,
    private readonly callData: ChatMessage | null = null,
  ) {}

  /** Changes with every turn added: a request built on an older revision is out of date. */
  get revision(): number {
    return this.changes;
  }

  addCaller(text: string): void {
    this.add('user', text);
  }

  addBot(text: string): void {
    this.add('assistant', text);
  }

  /** The messages for a reply; `pendingCallerText` is a caller turn not yet committed (a speculative request). */
  messages(pendingCallerText?: string): ChatMessage[] {
    const turns = [...this.turns];
    if (pendingCallerText !== undefined) appendTurn(turns, 'user', pendingCallerText);
    return [{ role: 'system', content: this.systemPrompt }, ...(this.callData ? [this.callData] : []), ...turns];
  }

  private add(role: 'user' | 'assistant', text: string): void {
    if (appendTurn(this.turns, role, text)) this.changes += 1;
  }
}

function appendTurn(turns: ChatMessage[], role: 'user' | 'assistant', text: string): boolean {
  const content = text.trim();
  if (content === '') return false;
  const last = turns[turns.length - 1];
  if (last?.role === role) turns[turns.length - 1] = { role, content: `${last.content} ${content}` };
  else turns.push({ role, content });
  return true;
}
