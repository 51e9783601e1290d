import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CallWorkflowStatus,
  CancelRequest,
  ExotelStatusEvent,
  MediaEndedEvent,
  MediaStartedEvent,
  RescheduleRequest,
  RescheduleResult,
} from '../domain/call-workflow-types';
import type { CampaignCallFinished, CampaignStatusView } from '../domain/campaign-types';
import type { OutcomeDelivery } from '../domain/outcome-webhooks';
import type { SeriesStatusView } from '../domain/series-types';
import type { DialReport, LineDelayed, LineFreed, LineGateRoom, LineGrant, LineRequest } from '../domain/line-gate-types';

/** Signals, queries and updates: the contract between workflows, the API and the media server. */

export const exotelStatusSignal = defineSignal<[ExotelStatusEvent]>('exotelStatus');
export const mediaStartedSignal = defineSignal<[MediaStartedEvent]>('mediaStarted');
export const mediaEndedSignal = defineSignal<[MediaEndedEvent]>('mediaEnded');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const retryNowSignal = defineSignal('retryNow');
export const rescheduleUpdate = defineUpdate<RescheduleResult, [RescheduleRequest]>('reschedule');
export const callStatusQuery = defineQuery<CallWorkflowStatus>('status');

export const lineGrantedSignal = defineSignal<[LineGrant]>('lineGranted');
export const lineDelayedSignal = defineSignal<[LineDelayed]>('lineDelayed');

export const requestLineSignal = defineSignal<[LineRequest]>('requestLine');
export const releaseLineSignal = defineSignal<[LineFreed]>('releaseLine');
export const dialReportSignal = defineSignal<[DialReport]>('dialReport');
export const lineGateStatusQuery = defineQuery<LineGateRoom>('gateStatus');

export const pauseSeriesUpdate = defineUpdate<SeriesStatusView>('pause');
export const resumeSeriesUpdate = defineUpdate<SeriesStatusView>('resume');
export const skipNextOccurrenceUpdate = defineUpdate<SeriesStatusView>('skipNext');
export const cancelSeriesUpdate = defineUpdate<SeriesStatusView>('cancelSeries');
export const seriesStatusQuery = defineQuery<SeriesStatusView>('seriesStatus');

export const campaignCallFinishedSignal = defineSignal<[CampaignCallFinished]>('campaignCallFinished');
export const pauseCampaignUpdate = defineUpdate<CampaignStatusView>('pauseCampaign');
export const resumeCampaignUpdate = defineUpdate<CampaignStatusView>('resumeCampaign');
export const cancelCampaignUpdate = defineUpdate<CampaignStatusView>('cancelCampaign');
export const campaignStatusQuery = defineQuery<CampaignStatusView>('campaignStatus');

export const seriesWorkflowId = (seriesId: string): string => `series-${seriesId}`;
export const callWorkflowId = (callId: string): string => `call-${callId}`;
export const campaignWorkflowId = (campaignId: string): string => `campaign-${campaignId}`;
export const lineGateWorkflowId = (account: string): string => `line-gate-${account}`;
/** One delivery workflow per call or campaign: it posts that subject's outcome events one at a time, in order. */
export const outcomeWebhooksWorkflowId = (subject: { callId: string } | { campaignId: string }): string =>
  'callId' in subject ? `outcome-webhooks-call-${subject.callId}` : `outcome-webhooks-campaign-${subject.campaignId}`;

/** An outcome event for the delivery workflow of its call or campaign (domain/outcome-webhooks.ts). */
export const outcomeEventSignal = defineSignal<[OutcomeDelivery]>('outcomeEvent');
