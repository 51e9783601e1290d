/**
 * Contact variables (CSV columns beyond the number) may hold names, amounts, account numbers: what the
 * API shows and exports of them is masked, except for the columns an operator names as safe
 * (`CONTACT_VARIABLES_IN_CLEAR`). The workflow and the agent's prompt still get the stored values.
 */
const SHOWN_PREFIX = 1;
const MIN_MASKED_LENGTH = 4;

/** Keeps the first character of a longer value, so a reader can tell values apart without reading them. */
export function maskVariableValue(value: string): string {
  if (value.length < MIN_MASKED_LENGTH) return '***';
  return `${value.slice(0, SHOWN_PREFIX)}***`;
}

export function maskContactVariables(variables: Record<string, string>, columnsInClear: readonly string[]): Record<string, string> {
  const clear = new Set(columnsInClear.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, clear.has(name.toLowerCase()) ? value : maskVariableValue(value)]));
}
