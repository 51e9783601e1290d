/**
 * The number-metadata resource (`GET /v1/Accounts/<sid>/Numbers/<number>.json`). Circle and operator
 * are synthetic but stable per number (picked from its digits), so repeated lookups agree; only `DND`
 * carries meaning, and it comes from the scenario table.
 */
const CIRCLES = [
  { code: 'KA', name: 'Karnataka Telecom Circle' },
  { code: 'MH', name: 'Maharashtra Telecom Circle' },
  { code: 'MU', name: 'Mumbai Metro Telecom Circle' },
  { code: 'DL', name: 'Delhi Metro Telecom Circle' },
  { code: 'TN', name: 'Tamil Nadu Telecom Circle' },
  { code: 'KL', name: 'Kerala Telecom Circle' },
  { code: 'WB', name: 'West Bengal Telecom Circle' },
  { code: 'GJ', name: 'Gujarat Telecom Circle' },
] as const;

const OPERATORS = [
  { code: 'A', name: 'Airtel' },
  { code: 'J', name: 'Reliance Jio' },
  { code: 'V', name: 'Vodafone Idea' },
  { code: 'B', name: 'BSNL' },
] as const;

export interface NumberMetadata {
  PhoneNumber: string;
  Circle: string;
  CircleName: string;
  Type: 'Mobile';
  Operator: string;
  OperatorName: string;
  DND: 'Yes' | 'No';
}

export function numberMetadata(e164: string, dnd: boolean): NumberMetadata {
  const digits = e164.replace(/\D/g, '');
  const circle = CIRCLES[Number(digits.slice(-5, -4)) % CIRCLES.length];
  const operator = OPERATORS[Number(digits.slice(-6, -5)) % OPERATORS.length];
  return {
    PhoneNumber: e164,
    Circle: circle.code,
    CircleName: circle.name,
    Type: 'Mobile',
    Operator: operator.code,
    OperatorName: operator.name,
    DND: dnd ? 'Yes' : 'No',
  };
}
