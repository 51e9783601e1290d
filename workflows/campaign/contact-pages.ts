import { log } from '@temporalio/workflow';
import type { CampaignContactToCall } from '../../domain/campaign-types';
import { campaignRecords } from './activities';

/**
 * The campaign's contacts, read from the database a page at a time (never carried in history). The
 * next page is read while this one is dispatched, when this run will reach it.
 */
export class ContactPages {
  private page: CampaignContactToCall[] = [];
  private readAhead: { fromSeq: number; rows: Promise<CampaignContactToCall[]> } | null = null;

  constructor(
    private readonly campaignId: string,
    private readonly pageSize: number,
    private readonly total: number,
  ) {}

  /** The contacts from `seq` on in the page at hand; empty when the contacts end early. `runBudget`: how many more this run may dispatch. */
  async from(seq: number, runBudget: number): Promise<CampaignContactToCall[]> {
    if (this.page.length > 0 && this.page[0].seq === seq) return this.page;
    this.page = this.readAhead?.fromSeq === seq ? await this.readAhead.rows : await this.read(seq);
    this.readAhead = null;
    const following = seq + this.page.length;
    if (this.page.length > 0 && following < this.total && this.page.length < runBudget) {
      const rows = this.read(following);
      // Awaited when its turn comes; a read that fails before then (the run cancelled) must not fail the task on its own.
      void rows.catch(() => undefined);
      this.readAhead = { fromSeq: following, rows };
    }
    if (this.page.length === 0) log.error('campaign contacts end before the campaign total', { nextSeq: seq, total: this.total });
    return this.page;
  }

  consume(count: number): void {
    this.page = this.page.slice(count);
  }

  private read(fromSeq: number): Promise<CampaignContactToCall[]> {
    return campaignRecords.loadCampaignContacts({ campaignId: this.campaignId, fromSeq, limit: this.pageSize });
  }
}
