/**
 * A stand-in for the model's tokenizer, close enough for pacing and usage: words and single
 * punctuation marks, each with its leading whitespace, and words longer than four characters cut
 * into pieces of four (GPT tokens average about four characters of English). Joined, the tokens
 * give back the text exactly.
 */
const MAX_TOKEN_LETTERS = 4;

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const piece of text.match(/\s*(?:[\p{L}\p{N}']+|[^\s\p{L}\p{N}'])|\s+$/gu) ?? []) {
    const [, lead, body] = /^(\s*)([\s\S]*)$/.exec(piece) ?? ['', '', piece];
    if (body.length <= MAX_TOKEN_LETTERS) {
      tokens.push(piece);
      continue;
    }
    for (let i = 0; i < body.length; i += MAX_TOKEN_LETTERS) tokens.push((i === 0 ? lead : '') + body.slice(i, i + MAX_TOKEN_LETTERS));
  }
  return tokens;
}

/** Prompt tokens the way OpenAI counts chat input: the text of each message plus a few per message. */
export function countPromptTokens(texts: string[]): number {
  return texts.reduce((sum, text) => sum + 3 + tokenize(text).length, 3);
}
