/**
 * Exotel's StartTime and EndTime are "YYYY-MM-DD HH:mm:ss" wall-clock times in India (IST, no daylight
 * saving); Ringline stores and answers instants as ISO strings in UTC. Null when the text is not a time.
 */
export function exotelTimeToIso(exotelTime: string): string | null {
  const parsed = Date.parse(exotelTime.includes('T') ? exotelTime : `${exotelTime.replace(' ', 'T')}+05:30`);
  return Number.isFinite(parsed) ? new Date(parsed).toISOString() : null;
}
