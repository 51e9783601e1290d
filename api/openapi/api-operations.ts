import type { z } from 'zod';
import { apiKeyAnswerSchema, auditPageAnswerSchema, createKeySchema, createdKeyAnswerSchema, keyIdParamsSchema, keyListAnswerSchema, listAuditQuerySchema } from '../../domain/api-schemas/access';
import { agentAnswerSchema, agentIdParamsSchema, agentPageAnswerSchema, createAgentSchema, listAgentsQuerySchema, updateAgentSchema } from '../../domain/api-schemas/agents';
import {
  createKnowledgeDocumentSchema,
  knowledgeDeletedAnswerSchema,
  knowledgeDocumentAnswerSchema,
  knowledgeDocumentParamsSchema,
  knowledgePageAnswerSchema,
  knowledgeParamsSchema,
  knowledgeUploadFieldsSchema,
  listKnowledgeQuerySchema,
} from '../../domain/api-schemas/knowledge';
import {
  analyticsQuerySchema,
  callsReportAnswerSchema,
  costReportAnswerSchema,
  dashboardReportAnswerSchema,
  performanceReportAnswerSchema,
  retryReportAnswerSchema,
  schedulingReportAnswerSchema,
  statsAnswerSchema,
  trendsQuerySchema,
  trendsReportAnswerSchema,
  voicemailReportAnswerSchema,
} from '../../domain/api-schemas/analytics';
import {
  importCheckAnswerSchema,
  importParseAnswerSchema,
  importTemplateAnswerSchema,
  importTemplateQuerySchema,
  parseImportOptionsSchema,
  validateImportOptionsSchema,
} from '../../domain/api-schemas/bulk-import';
import {
  acceptedCallAnswerSchema,
  callListAnswerSchema,
  callListQuerySchema,
  callLogIdParamsSchema,
  callRecordingAnswerSchema,
  callStatsAnswerSchema,
  callStatsQuerySchema,
  callViewAnswerSchema,
  cancelCallSchema,
  cancelRequestedAnswerSchema,
  outboundCallSchema,
} from '../../domain/api-schemas/calls';
import {
  batchActionParamsSchema,
  batchIdParamsSchema,
  bulkCallsSchema,
  campaignAnswerSchema,
  campaignContactPageAnswerSchema,
  campaignCreatedAnswerSchema,
  campaignPageAnswerSchema,
  campaignStatsAnswerSchema,
  listBatchesQuerySchema,
  listContactsQuerySchema,
  processFormSchema,
} from '../../domain/api-schemas/campaigns';
import {
  doNotCallAddAnswerSchema,
  doNotCallAddSchema,
  doNotCallImportAnswerSchema,
  doNotCallListQuerySchema,
  doNotCallPageAnswerSchema,
  phoneNumberParamsSchema,
} from '../../domain/api-schemas/do-not-call';
import { healthAnswerSchema } from '../../domain/api-schemas/health';
import { CALL_STREAM_EVENTS, CAMPAIGN_STREAM_EVENTS, lastEventIdHeaderSchema } from '../../domain/api-schemas/live-events';
import { openApiAnswerSchema } from '../../domain/api-schemas/openapi';
import { numberErasureAnswerSchema } from '../../domain/api-schemas/phone-numbers';
import { measureAnswerSchema, measurePrewarmingSchema, prewarmingAnswerSchema, startPrewarmingSchema } from '../../domain/api-schemas/prewarming';
import {
  createSeriesSchema,
  createdSeriesAnswerSchema,
  listScheduledQuerySchema,
  listSeriesQuerySchema,
  rescheduleSchema,
  rescheduledAnswerSchema,
  scheduleAnswerSchema,
  scheduleCallSchema,
  scheduleCancelAnswerSchema,
  scheduleIdParamsSchema,
  schedulePageAnswerSchema,
  scheduledCallAnswerSchema,
  seriesActionParamsSchema,
  seriesAnswerSchema,
  seriesIdParamsSchema,
  seriesPageAnswerSchema,
} from '../../domain/api-schemas/schedules';
import {
  callWebhooksAnswerSchema,
  callWebhooksParamsSchema,
  rotateSecretAnswerSchema,
  rotateSecretRequestSchema,
  webhookDeliveriesAnswerSchema,
  webhookDeliveriesQuerySchema,
  webhookSettingsAnswerSchema,
  webhookSettingsRequestSchema,
} from '../../domain/api-schemas/outcome-webhooks';

/**
 * What a route answers with a status: a JSON body, a CSV file (or either, by the request), a stream of
 * server-sent events (each event name with the schema of its JSON `data`), or nothing.
 */
export type Answer = z.ZodType | { csv: true; json?: z.ZodType } | { events: Readonly<Record<string, z.ZodType>> } | 'no content';

/**
 * One route as the OpenAPI document describes it, by the zod schemas its handler parses with: the
 * document is generated from these, so it cannot drift from what the API checks. 4xx and 5xx answers
 * are the shared error envelope and are not listed.
 */
export interface ApiOperation {
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  /** Request headers the route reads, by lower-case name. */
  headers?: z.ZodType;
  /** A JSON body. */
  body?: z.ZodType;
  /**
   * A file upload: multipart/form-data with a `file` and these form fields. A CSV (the default) may also
   * be a text/csv body with the fields in the query; a text file goes with `body` as the JSON alternative.
   */
  upload?: { fields?: z.ZodType; file?: 'csv' | 'text' };
  answers: Readonly<Record<number, Answer>>;
}

/** The report query schemas resolve their period against the request's time and the account's zone, which their shape does not depend on. */
const SHAPE_ONLY = new Date(0);
const SHAPE_ONLY_ZONE = 'UTC';

/**
 * Every documented route, keyed `METHOD /path` exactly as api/route-table.ts lists it. A route added to
 * the app fails test/unit/openapi-document.test.ts until it has its line here (or in
 * UNDOCUMENTED_OPERATIONS).
 */
export const API_OPERATIONS: Readonly<Record<string, ApiOperation>> = {
  'GET /health': { summary: 'Whether Temporal and the database answer; details only with a key', answers: { 200: healthAnswerSchema, 503: healthAnswerSchema } },
  'GET /api/v1/openapi.json': { summary: 'This document', answers: { 200: openApiAnswerSchema } },

  'POST /api/v1/keys': { summary: 'Create an API key (its secret is in this answer only)', body: createKeySchema, answers: { 201: createdKeyAnswerSchema } },
  'GET /api/v1/keys': { summary: "The organization's keys, never their secrets", answers: { 200: keyListAnswerSchema } },
  'POST /api/v1/keys/:keyId/revoke': { summary: 'Revoke a key', params: keyIdParamsSchema, answers: { 200: apiKeyAnswerSchema } },
  'GET /api/v1/audit': { summary: "The organization's audit trail, newest first", query: listAuditQuerySchema, answers: { 200: auditPageAnswerSchema } },

  'POST /api/v1/agents': { summary: 'Create an agent', body: createAgentSchema, answers: { 201: agentAnswerSchema } },
  'GET /api/v1/agents': { summary: 'List agents', query: listAgentsQuerySchema, answers: { 200: agentPageAnswerSchema } },
  'GET /api/v1/agents/:agentId': { summary: 'Read an agent', params: agentIdParamsSchema, answers: { 200: agentAnswerSchema } },
  'PATCH /api/v1/agents/:agentId': { summary: 'Change an agent', params: agentIdParamsSchema, body: updateAgentSchema, answers: { 200: agentAnswerSchema } },
  'DELETE /api/v1/agents/:agentId': { summary: 'Deactivate an agent (active: false; past calls keep it)', params: agentIdParamsSchema, answers: { 200: agentAnswerSchema } },
  'POST /api/v1/agents/:agentId/knowledge': {
    summary: "Add a document to the agent's knowledge base (JSON, or a text or Markdown file): cut into passages and embedded",
    params: knowledgeParamsSchema,
    body: createKnowledgeDocumentSchema,
    upload: { fields: knowledgeUploadFieldsSchema, file: 'text' },
    answers: { 201: knowledgeDocumentAnswerSchema },
  },
  'GET /api/v1/agents/:agentId/knowledge': { summary: "The agent's knowledge documents, newest first", params: knowledgeParamsSchema, query: listKnowledgeQuerySchema, answers: { 200: knowledgePageAnswerSchema } },
  'DELETE /api/v1/agents/:agentId/knowledge/:documentId': { summary: 'Delete a knowledge document and its passages', params: knowledgeDocumentParamsSchema, answers: { 200: knowledgeDeletedAnswerSchema } },

  'POST /api/v1/calls/outbound': { summary: 'Place a call', body: outboundCallSchema, answers: { 202: acceptedCallAnswerSchema } },
  'GET /api/v1/calls/outbound/stats': { summary: "Lines in use now and the period's attempts by outcome", query: callStatsQuerySchema(SHAPE_ONLY_ZONE), answers: { 200: callStatsAnswerSchema } },
  'GET /api/v1/calls': { summary: 'List calls newest first, one entry per call, by outcome, reason, agent, campaign, series, number and period', query: callListQuerySchema, answers: { 200: callListAnswerSchema } },
  'GET /api/v1/calls/:callLogId/recording': { summary: "The call's recording URL (404 RECORDING_NOT_FOUND when it has none)", params: callLogIdParamsSchema, answers: { 200: callRecordingAnswerSchema } },
  'GET /api/v1/calls/:callLogId/webhooks': { summary: "Delivery attempts of the call's outcome webhooks", params: callWebhooksParamsSchema, answers: { 200: callWebhooksAnswerSchema } },
  'GET /api/v1/calls/:callLogId': { summary: 'A call: attempts, transcript and live workflow view', params: callLogIdParamsSchema, answers: { 200: callViewAnswerSchema } },
  'GET /api/v1/calls/:callLogId/events': {
    summary: "The call's phase and transcript turns as server-sent events, until it ends (Last-Event-ID resumes after a turn)",
    params: callLogIdParamsSchema,
    headers: lastEventIdHeaderSchema,
    answers: { 200: { events: CALL_STREAM_EVENTS } },
  },
  'POST /api/v1/calls/:callLogId/cancel': { summary: 'Cancel a call', params: callLogIdParamsSchema, body: cancelCallSchema, answers: { 202: cancelRequestedAnswerSchema } },

  'POST /api/v1/calls/outbound/schedule': { summary: 'Book a call for later', body: scheduleCallSchema, answers: { 201: scheduledCallAnswerSchema, 200: scheduledCallAnswerSchema } },
  'GET /api/v1/calls/scheduled': { summary: 'List scheduled calls by effectiveAt', query: listScheduledQuerySchema, answers: { 200: schedulePageAnswerSchema } },
  'GET /api/v1/calls/scheduled/:scheduleId': { summary: 'Read a scheduled call', params: scheduleIdParamsSchema, answers: { 200: scheduleAnswerSchema } },
  'POST /api/v1/calls/scheduled/:scheduleId/reschedule': { summary: 'Move a pending scheduled call', params: scheduleIdParamsSchema, body: rescheduleSchema, answers: { 200: rescheduledAnswerSchema } },
  'POST /api/v1/calls/scheduled/:scheduleId/cancel': { summary: 'Cancel a scheduled call', params: scheduleIdParamsSchema, body: cancelCallSchema, answers: { 202: scheduleCancelAnswerSchema } },

  'POST /api/v1/series': { summary: 'Create a recurring series', body: createSeriesSchema, answers: { 201: createdSeriesAnswerSchema, 200: createdSeriesAnswerSchema } },
  'GET /api/v1/series': { summary: 'List series', query: listSeriesQuerySchema, answers: { 200: seriesPageAnswerSchema } },
  'GET /api/v1/series/:seriesId': { summary: 'Read a series with its next occurrences', params: seriesIdParamsSchema, answers: { 200: seriesAnswerSchema } },
  'POST /api/v1/series/:seriesId/:action': { summary: 'Pause, resume, skip the next occurrence of, or cancel a series', params: seriesActionParamsSchema, answers: { 200: seriesAnswerSchema } },

  'POST /api/v1/calls/outbound/bulk': { summary: 'Start a campaign from a JSON list of calls', body: bulkCallsSchema, answers: { 202: campaignCreatedAnswerSchema, 200: campaignCreatedAnswerSchema } },
  'POST /api/v1/bulk/import/process': { summary: 'Start a campaign from a contacts CSV', upload: { fields: processFormSchema }, answers: { 202: campaignCreatedAnswerSchema, 200: campaignCreatedAnswerSchema } },
  'POST /api/v1/bulk/import/validate': { summary: 'Check a contacts CSV; nothing is stored', upload: { fields: validateImportOptionsSchema }, answers: { 200: importCheckAnswerSchema } },
  'POST /api/v1/bulk/import/parse': { summary: 'Check a contacts CSV and show its first contacts; nothing is stored', upload: { fields: parseImportOptionsSchema }, answers: { 200: importParseAnswerSchema } },
  'GET /api/v1/bulk/template': { summary: 'The contacts CSV template (format=json: with its columns and limits)', query: importTemplateQuerySchema, answers: { 200: { csv: true, json: importTemplateAnswerSchema } } },
  'GET /api/v1/bulk/batches': { summary: 'List campaigns', query: listBatchesQuerySchema, answers: { 200: campaignPageAnswerSchema } },
  'GET /api/v1/bulk/stats': { summary: 'Campaigns and their contacts by status', answers: { 200: campaignStatsAnswerSchema } },
  'GET /api/v1/bulk/batches/:batchId': { summary: 'A campaign and its progress', params: batchIdParamsSchema, answers: { 200: campaignAnswerSchema } },
  'GET /api/v1/bulk/batches/:batchId/events': { summary: "The campaign's progress as server-sent events, until it finishes", params: batchIdParamsSchema, answers: { 200: { events: CAMPAIGN_STREAM_EVENTS } } },
  'GET /api/v1/bulk/batches/:batchId/contacts': { summary: "A campaign's contacts, masked", params: batchIdParamsSchema, query: listContactsQuerySchema, answers: { 200: campaignContactPageAnswerSchema } },
  'GET /api/v1/bulk/batches/:batchId/contacts/export': { summary: "A campaign's contacts as CSV, masked", params: batchIdParamsSchema, answers: { 200: { csv: true } } },
  'POST /api/v1/bulk/batches/:batchId/:action': { summary: 'Pause, resume or cancel a campaign', params: batchActionParamsSchema, answers: { 200: campaignAnswerSchema } },

  'GET /api/v1/stats': { summary: "The period's outbound calls, greeting cache, retries and latency percentiles", query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: statsAnswerSchema } },
  'GET /api/v1/analytics/dashboard': { summary: "Today's and the period's headline figures", query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: dashboardReportAnswerSchema } },
  'GET /api/v1/analytics/calls': { summary: 'Logical calls and attempts by outcome, and call durations', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: callsReportAnswerSchema } },
  'GET /api/v1/analytics/retry': { summary: 'Retries: how many, why, and what they achieved', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: retryReportAnswerSchema } },
  'GET /api/v1/analytics/scheduling': { summary: 'Scheduled calls: dialled on time, prewarmed greetings', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: schedulingReportAnswerSchema } },
  'GET /api/v1/analytics/voicemail': { summary: 'Voicemail and operator announcements', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: voicemailReportAnswerSchema } },
  'GET /api/v1/analytics/performance': { summary: 'Speech pipeline latencies by stage', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: performanceReportAnswerSchema } },
  'GET /api/v1/analytics/cost': { summary: 'Estimated cost from the configured unit prices', query: analyticsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: costReportAnswerSchema } },
  'GET /api/v1/analytics/trends': { summary: 'Attempts and outcomes per time bucket', query: trendsQuerySchema(SHAPE_ONLY, SHAPE_ONLY_ZONE), answers: { 200: trendsReportAnswerSchema } },
  'GET /api/v1/analytics/prewarming': { summary: "Each media server's pool of ready provider connections: settings, connections, hits and the last measurement", answers: { 200: prewarmingAnswerSchema } },
  'POST /api/v1/analytics/prewarming/start': { summary: 'Start (or re-size) the connection pool on every media server', body: startPrewarmingSchema, answers: { 200: prewarmingAnswerSchema } },
  'POST /api/v1/analytics/prewarming/stop': { summary: 'Stop the connection pool on every media server and close its connections', answers: { 200: prewarmingAnswerSchema } },
  'POST /api/v1/analytics/prewarming/measure': { summary: 'Measure first-result latency of each provider with and without a pooled connection', body: measurePrewarmingSchema, answers: { 200: measureAnswerSchema } },

  'GET /api/v1/webhook-settings': { summary: "The organization's default outcome webhook", answers: { 200: webhookSettingsAnswerSchema } },
  'PUT /api/v1/webhook-settings': { summary: 'Set the default outcome webhook (the signing secret is shown once, on creation)', body: webhookSettingsRequestSchema, answers: { 200: webhookSettingsAnswerSchema, 201: webhookSettingsAnswerSchema } },
  'POST /api/v1/webhook-settings/rotate-secret': { summary: 'Replace the webhook signing secret (shown once)', body: rotateSecretRequestSchema, answers: { 200: rotateSecretAnswerSchema } },
  'GET /api/v1/webhook-deliveries': { summary: "The organization's outcome webhook delivery attempts", query: webhookDeliveriesQuerySchema, answers: { 200: webhookDeliveriesAnswerSchema } },

  'GET /api/v1/do-not-call': { summary: "The organization's do-not-call list", query: doNotCallListQuerySchema, answers: { 200: doNotCallPageAnswerSchema } },
  'POST /api/v1/do-not-call': { summary: 'Add a number to the do-not-call list', body: doNotCallAddSchema, answers: { 201: doNotCallAddAnswerSchema, 200: doNotCallAddAnswerSchema } },
  'POST /api/v1/do-not-call/import': { summary: 'Add the numbers of a CSV to the do-not-call list', upload: {}, answers: { 200: doNotCallImportAnswerSchema } },
  'DELETE /api/v1/do-not-call/:phoneNumber': { summary: 'Take a number off the do-not-call list', params: phoneNumberParamsSchema, answers: { 204: 'no content' } },
  'DELETE /api/v1/phone-numbers/:phoneNumber': { summary: "Erase every record of a number in the organization", params: phoneNumberParamsSchema, answers: { 200: numberErasureAnswerSchema } },
};

/** Routes the app serves that are not part of the client API, each with why it is left out. */
export const UNDOCUMENTED_OPERATIONS: Readonly<Record<string, string>> = {
  'GET /metrics': "Prometheus's scrape target (docs/operations.md): text exposition behind METRICS_TOKEN, not the API",
  'POST /api/v1/webhooks/exotel/call-status': "Exotel's status callback: called by Exotel with a per-attempt signed URL Ringline hands it, never by clients",
  'GET /api/v1/exotel/voicebot-url': "Exotel's Voicebot applet in flow mode: called by Exotel for the attempt it connects, never by clients",
  'GET /dashboard': "The dashboard's page (docs/dashboard.md), not an API",
  'GET /dashboard/dashboard.js': "The dashboard's script",
  'GET /dashboard/dashboard.css': "The dashboard's stylesheet",
  'GET /dashboard/vendor/chart.umd.min.js': "The dashboard's chart library",
  'GET /dashboard/config.json': "The dashboard page's own settings (the Temporal UI link), read by the page only",
  'POST /dashboard/login': "The dashboard's cookie session, for its page only: clients use a bearer key",
  'GET /dashboard/session': "The dashboard's cookie session, for its page only: clients use a bearer key",
  'POST /dashboard/logout': "The dashboard's cookie session, for its page only: clients use a bearer key",
};
