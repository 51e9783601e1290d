/**
 * Exotel writes timestamps as "YYYY-MM-DD HH:mm:ss" without a zone; for Indian accounts they are
 * India Standard Time (UTC+05:30, no daylight saving), so the simulator writes IST too.
 */
const IST_OFFSET_MS = 5.5 * 60 * 60 * 1000;

export function exotelTimestamp(at: Date): string {
  return new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function exotelTimestampOrNull(at: Date | undefined): string | null {
  return at ? exotelTimestamp(at) : null;
}
