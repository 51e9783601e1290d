import { SentenceSplitter, splitSentences, type SplitterOptions } from '../../domain/conversation/sentence-splitter';

/** Every case is checked whole, token by token (as a model streams it) and character by character. */
function chunked(text: string, size: number, options: SplitterOptions = {}): string[] {
  const splitter = new SentenceSplitter(options);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)));
  return [...out, ...splitter.flush()];
}

describe('sentence splitter', () => {
  it.each<[string, string, string[]]>([
    ['plain sentences', 'Hello there. How are you? Great!', ['Hello there.', 'How are you?', 'Great!']],
    ['no terminator at the end', 'Sure thing. I will check', ['Sure thing.', 'I will check']],
    ['decimal numbers', 'The rate is 3.5 percent. That is low.', ['The rate is 3.5 percent.', 'That is low.']],
    ['money with a decimal', 'You owe Rs. 1,250.75 today. Pay soon.', ['You owe Rs. 1,250.75 today.', 'Pay soon.']],
    ['titles', 'Dr. Rao will call. Mr. Shah too.', ['Dr. Rao will call.', 'Mr. Shah too.']],
    ['e.g. and i.e.', 'Bring an ID, e.g. a passport. Thanks.', ['Bring an ID, e.g. a passport.', 'Thanks.']],
    ['No. before a number', 'Your ticket is No. 42. Keep it.', ['Your ticket is No. 42.', 'Keep it.']],
    ['No. as an answer', 'No. I did not get it.', ['No.', 'I did not get it.']],
    ['Rs. after a number', 'It costs 500 Rs. Is that fine?', ['It costs 500 Rs.', 'Is that fine?']],
    ['etc. mid-sentence', 'Bring forms, photos etc. to the office. Bye.', ['Bring forms, photos etc. to the office.', 'Bye.']],
    ['etc. at the end', 'Forms, photos etc. We open at nine.', ['Forms, photos etc.', 'We open at nine.']],
    ['p.m. mid-sentence', 'Come at 5 p.m. tomorrow. Thanks.', ['Come at 5 p.m. tomorrow.', 'Thanks.']],
    ['p.m. at the end', 'Come at 5 p.m. See you.', ['Come at 5 p.m.', 'See you.']],
    ['three-dot ellipsis', 'Well... I think so. Yes.', ['Well... I think so.', 'Yes.']],
    ['ellipsis character', 'Hmm… let me check. Done.', ['Hmm… let me check.', 'Done.']],
    ['initials', 'A. P. J. Abdul Kalam said it. True.', ['A. P. J. Abdul Kalam said it.', 'True.']],
    ['the pronoun I', 'Neither do I. Thanks.', ['Neither do I.', 'Thanks.']],
    ['Hindi danda', 'नमस्ते। आप कैसे हैं? ठीक है।', ['नमस्ते।', 'आप कैसे हैं?', 'ठीक है।']],
    ['double danda', 'धन्यवाद॥ फिर मिलेंगे।', ['धन्यवाद॥', 'फिर मिलेंगे।']],
    ['closing quotes', 'He said "yes." Then he left.', ['He said "yes."', 'Then he left.']],
    ['stacked terminators', 'Really?! Wow.', ['Really?!', 'Wow.']],
    ['list numbers stay with their item', '1. Call us. 2. Pay.', ['1. Call us.', '2. Pay.']],
    ['line breaks', 'First line\nSecond line', ['First line', 'Second line']],
    ['nothing speakable is dropped', 'Hello. !\n-', ['Hello.']],
    ['empty', '', []],
  ])('%s', (_name, text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
    expect(chunked(text, 3)).toEqual(expected);
    expect(chunked(text, 1)).toEqual(expected);
  });

  it('emits a sentence as soon as the next one starts, before the reply is complete', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push('Sure, I can help')).toEqual([]);
    expect(splitter.push('.')).toEqual([]);
    expect(splitter.push(' What')).toEqual(['Sure, I can help.']);
  });

  it('waits for the next word when an abbreviation needs it', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push('It is Rs. ')).toEqual([]);
    expect(splitter.push('500.')).toEqual([]);
    expect(splitter.flush()).toEqual(['It is Rs. 500.']);
  });

  it('breaks a very long run-on sentence at a clause', () => {
    const clause = 'this clause goes on and on without any full stop at all';
    const text = `${clause}, ${clause}, ${clause}, ${clause}, ${clause} and ends.`;
    const sentences = splitSentences(text);
    expect(sentences.length).toBeGreaterThan(1);
    expect(sentences.join(' ')).toBe(text);
    for (const sentence of sentences) expect(sentence.length).toBeLessThanOrEqual(260);
  });

  describe('with the first clause early', () => {
    const firstClause = { firstClause: true };
    it.each<[string, string, string[]]>([
      ['a first clause of four words or more', 'Your payment of today, as agreed, is due. Thanks.', ['Your payment of today,', 'as agreed, is due.', 'Thanks.']],
      ['a semicolon or colon', 'Here is what I have: two bills. Okay.', ['Here is what I have:', 'two bills.', 'Okay.']],
      ['a short first clause stays whole', 'Sure, I can help with that. Anything else?', ['Sure, I can help with that.', 'Anything else?']],
      ['a number with a comma is not a clause', 'You owe Rs. 1,250.75 today, please pay.', ['You owe Rs. 1,250.75 today,', 'please pay.']],
      ['thousands are never split', 'The total amount is 1,500 rupees.', ['The total amount is 1,500 rupees.']],
      ['a sentence first, then no clause', 'Yes. Your payment of today, as agreed, is due.', ['Yes.', 'Your payment of today, as agreed, is due.']],
    ])('%s', (_name, text, expected) => {
      expect(chunked(text, text.length + 1, firstClause)).toEqual(expected);
      expect(chunked(text, 3, firstClause)).toEqual(expected);
      expect(chunked(text, 1, firstClause)).toEqual(expected);
    });

    it('hands the clause over as soon as the next word starts', () => {
      const splitter = new SentenceSplitter(firstClause);
      expect(splitter.push('Thank you for telling me,')).toEqual([]);
      expect(splitter.push(' this')).toEqual(['Thank you for telling me,']);
    });
  });
});
