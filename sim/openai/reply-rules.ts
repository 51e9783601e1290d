import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from './chat-request';
import type { ProgrammedReply } from './programmed-replies';
import { contentWords } from './text-features';

/**
 * The simulated model's answer, decided only by the conversation (same input, same output).
 * Rules, first match wins, on the last user message unless said otherwise:
 * 1. programmed: a `POST /sim/replies` entry whose `match` it contains (a tool reply only if offered);
 * 2. after-tool: the last message is a tool result → a closing line ("Goodbye" after `end_call`);
 * 3. goodbye: "bye", "goodbye", "that's all", "no thanks", "no thank you" → a call of `end_call`
 *    when the request offers it (and `tool_choice` is not "none"), else a spoken goodbye;
 * 4. dtmf: "[DTMF 5]" markers → "You pressed 5." and an acknowledgement;
 * 5. reference: passages between `<reference …>` and `</reference>` in an earlier message, one of
 *    whose sentences shares content words with what was said → that sentence, word for word (the
 *    simulated model answering from the context it was given);
 * 6. question: a "?" → two or three short sentences acknowledging it;
 * 7. statement: anything else → one or two polite sentences quoting a few of the user's words;
 * 8. greeting: no user message yet → a greeting.
 */
export type ReplyRule = 'programmed' | 'after-tool' | 'goodbye' | 'dtmf' | 'reference' | 'question' | 'statement' | 'greeting';

export type Reply = { kind: 'text'; rule: ReplyRule; text: string } | { kind: 'tool'; rule: ReplyRule; name: string; arguments: string };

const END_CALL = 'end_call';
const GOODBYE = /\b(?:good)?bye\b|\bthat'?s all\b|\bthat is all\b|\bno,? thanks\b|\bno,? thank you\b/;
const DTMF = /\[DTMF\s*([0-9*#])\]/gi;
const SPOKEN_GOODBYE = 'Thank you for your time. Goodbye!';

const QUESTION_OPENERS = ["That's a good question.", 'Thanks for asking.', 'Sure, I can help with that.'];
const QUESTION_MIDDLES = ['Let me check the details for you.', 'I have your details in front of me.', 'Here is what I can tell you.'];
const QUESTION_CLOSERS = ['Does that answer your question?', 'Is there anything else you would like to know?'];

export function decideReply(request: ChatRequest, programmed: ProgrammedReply[]): Reply {
  const offered = new Set(request.tool_choice === 'none' ? [] : (request.tools ?? []).map((tool) => tool.function.name));
  const last = request.messages.at(-1);
  const userText = [...request.messages].reverse().find((message) => message.role === 'user');
  const said = userText ? messageText(userText) : undefined;

  if (said !== undefined) {
    const lower = said.toLowerCase();
    for (const entry of programmed) {
      if (!lower.includes(entry.match.toLowerCase())) continue;
      if (typeof entry.reply === 'string') return { kind: 'text', rule: 'programmed', text: entry.reply };
      if (offered.has(entry.reply.tool)) return { kind: 'tool', rule: 'programmed', name: entry.reply.tool, arguments: JSON.stringify(entry.reply.arguments) };
    }
  }

  if (last?.role === 'tool') {
    return { kind: 'text', rule: 'after-tool', text: calledTool(request.messages, last.tool_call_id) === END_CALL ? SPOKEN_GOODBYE : "Okay, that's done. Is there anything else I can help you with?" };
  }

  if (said === undefined) return { kind: 'text', rule: 'greeting', text: 'Hello! How can I help you today?' };

  const normalized = said.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  if (GOODBYE.test(normalized)) {
    if (offered.has(END_CALL)) {
      const tool = request.tools?.find((candidate) => candidate.function.name === END_CALL);
      const properties = tool?.function.parameters?.properties;
      const takesReason = typeof properties === 'object' && properties !== null && 'reason' in properties;
      return { kind: 'tool', rule: 'goodbye', name: END_CALL, arguments: JSON.stringify(takesReason ? { reason: 'The caller said goodbye.' } : {}) };
    }
    return { kind: 'text', rule: 'goodbye', text: SPOKEN_GOODBYE };
  }

  const digits = [...said.matchAll(DTMF)].map((match) => match[1]);
  if (digits.length > 0) return { kind: 'text', rule: 'dtmf', text: `You pressed ${digits.join(', ')}. Thank you, I have noted that.` };

  const answer = answerFromReferences(request.messages.slice(0, request.messages.lastIndexOf(userText as ChatMessage)), said);
  if (answer !== undefined) return { kind: 'text', rule: 'reference', text: answer };

  const pick = seededPicker(said);
  if (said.includes('?')) {
    const sentences = [pick(QUESTION_OPENERS), pick(QUESTION_MIDDLES)];
    if (pick([false, true])) sentences.push(pick(QUESTION_CLOSERS));
    return { kind: 'text', rule: 'question', text: sentences.join(' ') };
  }

  const quote = said.trim().split(/\s+/).slice(0, 6).join(' ').replace(/[.,!;:]+$/, '');
  const statement = pick([`I understand, you said "${quote}". How can I help you further?`, `Thank you for telling me "${quote}".`]);
  return { kind: 'text', rule: 'statement', text: statement };
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

const REFERENCE_BLOCK = /<reference\b[^>]*>([\s\S]*?)<\/reference>/g;

/** The sentence of the reference passages sharing the most content words with `said` (the first on a tie); none when no sentence shares any. */
function answerFromReferences(earlier: ChatMessage[], said: string): string | undefined {
  const asked = new Set(contentWords(said));
  let best: { sentence: string; shared: number } | undefined;
  for (const message of earlier) {
    for (const [, passage] of messageText(message).matchAll(REFERENCE_BLOCK)) {
      for (const sentence of unescapeMarkup(passage).split(/(?<=[.!?])\s+|\n+/)) {
        const shared = new Set(contentWords(sentence).filter((word) => asked.has(word))).size;
        if (shared > 0 && shared > (best?.shared ?? 0)) best = { sentence: sentence.trim(), shared };
      }
    }
  }
  return best?.sentence;
}

function unescapeMarkup(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function calledTool(messages: ChatMessage[], toolCallId: string): string | undefined {
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    const call = message.tool_calls?.find((candidate) => candidate.id === toolCallId);
    if (call) return call.function.name;
  }
  return undefined;
}

/** Picks from lists by a hash of the text, so variety never costs determinism. */
function seededPicker(text: string): <T>(options: T[]) => T {
  const digest = createHash('sha256').update(text).digest();
  let next = 0;
  return (options) => {
    const byte = digest[next % digest.length];
    next += 1;
    return options[byte % options.length];
  };
}
