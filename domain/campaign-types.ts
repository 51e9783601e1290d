import type { CallTimings } from './call-timings';
import type { CallWindowSettings } from './call-window-settings';
import type { TerminalCallStatus } from './call-status';
import type { Priority } from './priority';
import type { RetryPolicyOverride } from './retry-policy';

/** What every call of a campaign shares; the contact adds number, agent, variables and its own time. */
export interface CampaignCallTemplate {
  /** The campaign's organization, carried onto every call it starts (absent in campaigns started before organizations). */
  orgId?: string;
  priority: Priority;
  exotelAccount: string;
  exotelTaskQueue: string;
  retryPolicy?: RetryPolicyOverride;
  callingWindow?: CallWindowSettings;
  dndCheck?: boolean;
  ringTimeoutSec?: number;
  timings?: Partial<CallTimings>;
  /** The campaign's callback URL: its calls' outcome webhooks and its own `campaign.finished` go there. */
  callbackUrl?: string;
}

export interface CampaignThrottle {
  /** Calls of this campaign that may be under way at once (on top of the account's line limit). */
  maxConcurrent: number;
  /** Pause between two call starts. */
  delayBetweenCallsMs: number;
}

/** `cancelling`: cancelled, withdrawing contacts and waiting for its open calls to report back. */
export const CAMPAIGN_STATUSES = ['importing', 'scheduled', 'running', 'paused', 'cancelling', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignCounts {
  dispatched: number;
  finished: number;
  /** Terminal status of each finished call → how many. */
  outcomes: Partial<Record<TerminalCallStatus, number>>;
  /** Contacts never called because the campaign was cancelled first. */
  cancelledBeforeDispatch: number;
}

/** What one run hands to the next across continue-as-new: small, whatever the campaign's size. */
export interface CampaignRunState {
  /** The next contact to read, by `seq`. */
  nextSeq: number;
  counts: CampaignCounts;
  /** Calls holding one of the campaign's throttle slots. At most `maxConcurrent` ids. */
  inFlight: string[];
  /** Calls waiting for their own scheduled time: they hold no slot, but the campaign still awaits them. */
  waiting: string[];
  paused: boolean;
  throttle: CampaignThrottle;
  /**
   * Progress not yet written when the run continued as new: a call can report in the same workflow task
   * as the run's last write, and its outcome must reach the database from the next run.
   */
  unsaved?: { dispatched: { seq: number; callId: string }[]; finished: CampaignCallFinished[] };
}

export interface CampaignWorkflowInput {
  campaignId: string;
  total: number;
  /** Queue of the call workflows (config TEMPORAL_TASK_QUEUE). */
  callTaskQueue: string;
  template: CampaignCallTemplate;
  throttle: CampaignThrottle;
  /** ISO; the campaign sleeps until then before its first call. */
  scheduledFor?: string;
  /** Contacts read per database page. */
  pageSize?: number;
  /** Contacts dispatched per run before continuing as new. */
  contactsPerRun?: number;
  /** How often calls that hold a slot are checked for having ended without telling the campaign. */
  inFlightAuditMs?: number;
  state?: CampaignRunState;
}

/** One contact as the campaign dials it (read from `campaign_contacts` a page at a time). */
export interface CampaignContactToCall {
  seq: number;
  callId: string;
  phoneNumber: string;
  agentId: string;
  maxCallDurationSec: number;
  /** Its agent records its calls (absent: not recorded). */
  record?: boolean;
  variables: Record<string, string>;
  /** ISO; a contact with its own time waits for it in its call workflow and holds no throttle slot. */
  scheduledFor: string | null;
  priority: Priority | null;
  /** IANA zone of the contact (CSV `timezone`): its calling windows are read in it. */
  timezone: string | null;
  /** The zones its legal calling window holds in (absent: the call's own zone). */
  legalTimezones?: string[];
  /**
   * Set when the contact is not to be called: its agent was deleted or deactivated after the import,
   * its number went on the organization's do-not-call list (`dnd`), or the number was erased.
   */
  unavailableReason: 'agent_unavailable' | 'dnd' | 'erased' | null;
}

/** Sent by a campaign's call workflow when it ends. */
export interface CampaignCallFinished {
  callId: string;
  status: TerminalCallStatus;
  failureReason: string | null;
  attempts: number;
}

export interface CampaignStatusView {
  campaignId: string;
  status: CampaignStatus;
  total: number;
  nextSeq: number;
  dispatched: number;
  finished: number;
  inFlight: number;
  waiting: number;
  outcomes: Partial<Record<TerminalCallStatus, number>>;
  cancelledBeforeDispatch: number;
  throttle: CampaignThrottle;
  startsAt: string | null;
}

/** Finished calls and newly dispatched contacts, written to the database in one batch. */
export interface CampaignProgressRecord {
  campaignId: string;
  status: CampaignStatus;
  counts: CampaignCounts;
  inFlight: number;
  waiting: number;
  dispatchedSeqs: { seq: number; callId: string }[];
  finishedCalls: CampaignCallFinished[];
  completed: boolean;
}

