/** A campaign's calls are numbered from 1 in contact order, so a contact's call id never changes across restarts. */
export function campaignCallId(campaignId: string, seq: number): string {
  return `${campaignId}-${seq + 1}`;
}
