/**
 * Whether a status callback's RecordingUrl lies in Exotel's recording storage: it must start with one
 * of `prefixes` once normalized, so that `..` segments or an odd spelling of the host cannot climb out.
 */
export function isAllowedRecordingUrl(raw: string, prefixes: readonly string[]): boolean {
  let normalized: string;
  try {
    normalized = new URL(raw).href;
  } catch {
    return false;
  }
  return prefixes.some((prefix) => normalized.startsWith(prefix));
}
