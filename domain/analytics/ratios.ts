/** Reports round their figures so that float noise (0.1 + 0.2) never reaches a client. */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A share in [0, 1] to three decimals; 0 when there is nothing to share, so no report shows NaN. */
export function rate(part: number, whole: number): number {
  return whole > 0 ? roundTo(part / whole, 3) : 0;
}

/** Mean to two decimals; null when there are no samples, which is "unknown" rather than zero. */
export function mean(total: number, count: number): number | null {
  return count > 0 ? roundTo(total / count, 2) : null;
}
