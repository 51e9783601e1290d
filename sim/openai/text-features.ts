/**
 * What the simulated model "understands" of a text: its content words, lower-cased, without the most
 * common English function words, with plural and verb endings cut so "opens", "opening" and "open"
 * agree. Shared by the simulated embeddings and by the reply rule that answers from reference passages,
 * so both judge relevance the same way.
 */
const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with about from into over under as is are was were be been being ' +
    'am do does did doing have has had having i me my mine we us our you your yours he him his she her it its they them their ' +
    'this that these those there here what which who whom whose when where why how can could would should will shall may might ' +
    'must not no nor so too very just also than such any some all each every both either neither own same other only ' +
    'please tell know want like get got okay ok yes yeah hi hello'
  ).split(' '),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [])
    .map((word) => word.replace(/'s$/, ''))
    .filter((word) => !STOPWORDS.has(word))
    .map(stem);
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
