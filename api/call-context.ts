import type { Client } from '@temporalio/client';
import type { Config } from '../domain/config';
import type { Logger } from '../lib/logger';
import type { OrgCallGuard } from '../lib/org-call-limits';
import type { LineGateSnapshot } from './line-gate-snapshot';
import type { TemporalTimeouts } from './temporal-calls';

/** What the call, webhook and Exotel routes share: the Temporal client, the configuration and the logger. */
export interface CallRoutesContext {
  temporal: Client;
  config: Config;
  logger: Logger;
  timeouts: TemporalTimeouts;
  lineGate: LineGateSnapshot;
  orgCalls: OrgCallGuard;
}
