/** A key the caller pressed, as the model reads it (the system prompt explains the form). */
export function dtmfMessage(digit: string): string {
  return `[DTMF ${digit}]`;
}

const DTMF_DIGIT = /^[0-9*#A-D]$/;

export function isDtmfDigit(value: string): boolean {
  return DTMF_DIGIT.test(value);
}
