import { AuditEntry } from '../../db/models/audit-entry';
import { CallLog } from '../../db/models/call-log';
import { CampaignContact } from '../../db/models/campaign-contact';
import { RecurrenceSeries } from '../../db/models/recurrence-series';
import { ScheduledCall } from '../../db/models/scheduled-call';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import { createApiKey } from '../../lib/api-keys';
import { callWorkflowId, seriesWorkflowId } from '../../workflows/messages';
import { batchDials, waitForBatch } from '../helpers/campaign-helpers';
import { simStats, startCallStack, type CallStack } from '../helpers/call-stack';

/**
 * The do-not-call list, number erasure and masked exports with the real API, workflows, workers and
 * Exotel simulator: a listed number is never dialed, whatever path its call took, and an erased
 * number leaves no record behind.
 */
let stack: CallStack;
let numberSeq = 0;
const keys: Record<'agent_manager' | 'api_client' | 'agent', string> = { agent_manager: '', api_client: '', agent: '' };

/** A fresh number per use; the suffix picks the simulator's scenario (000 answers). */
function number(suffix = '000'): string {
  numberSeq += 1;
  return `+9196${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}${suffix}`;
}

const as = (key: string) => stack.api().set('Authorization', `Bearer ${key}`);
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

beforeAll(async () => {
  stack = await startCallStack({ label: 'data_protection', config: { CONTACT_VARIABLES_IN_CLEAR: 'note' } });
  for (const role of Object.keys(keys) as (keyof typeof keys)[]) {
    keys[role] = (await createApiKey({ role, name: `dp ${role}`, agentIds: [stack.agentId] }, stack.config.API_KEY_PEPPER)).key;
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function dialsTo(phoneNumber: string): Promise<number> {
  const { calls } = (await (await fetch(`${stack.sim.baseUrl}/sim/calls`)).json()) as { calls: { from: string }[] };
  return calls.filter((call) => call.from === phoneNumber).length;
}

describe('the do-not-call list API', () => {
  it('adds numbers once, normalized, and lets each role do only what it may', async () => {
    const listed = number();
    const national = `0${listed.slice(3)}`;
    const added = await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: national, reason: 'asked on a call' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ phoneNumber: listed, listed: true, added: true });
    const again = await as(keys.api_client).post('/api/v1/do-not-call').send({ phoneNumber: listed });
    expect(again.status).toBe(200);
    expect(again.body.added).toBe(false);

    const bad = await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: '12' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_PHONE_NUMBER');
    expect((await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: listed, extra: 1 })).status).toBe(400);

    expect((await as(keys.agent).post('/api/v1/do-not-call').send({ phoneNumber: number() })).status).toBe(403);
    expect((await as(keys.api_client).get('/api/v1/do-not-call')).status).toBe(403);
    expect((await as(keys.api_client).delete(`/api/v1/do-not-call/${encodeURIComponent(listed)}`)).status).toBe(403);

    const list = await as(keys.agent_manager).get('/api/v1/do-not-call?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ phoneNumber: listed, reason: 'asked on a call', source: 'api' })]));

    expect((await as(keys.agent_manager).delete(`/api/v1/do-not-call/${encodeURIComponent(listed)}`)).status).toBe(204);
    const gone = await as(keys.agent_manager).delete(`/api/v1/do-not-call/${encodeURIComponent(listed)}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NUMBER_NOT_LISTED');

    // The audit trail names the number by its last four digits only.
    const audits = await eventually(async () => {
      const rows = await AuditEntry.find({ route: /do-not-call/ }).lean();
      return rows.length >= 8 ? rows : undefined;
    });
    expect(JSON.stringify(audits)).not.toContain(listed.slice(3));
    expect(audits.map((row) => row.resourceId)).toContain(`***${listed.slice(-4)}`);
  });

  it('imports a CSV, counting new, repeated and invalid rows', async () => {
    const [first, second] = [number(), number()];
    const csv = `Phone Number,Reason\r\n${first},opted out\r\nnot a number,\r\n${second},\r\n${first},twice\r\n`;
    const res = await as(keys.agent_manager).post('/api/v1/do-not-call/import').type('text/csv').send(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalRows: 4, validRows: 3, invalidRows: 1, added: 2, alreadyListed: 1, errorsTruncated: false });
    expect(res.body.errors).toEqual([expect.objectContaining({ line: 3, code: 'INVALID_PHONE_NUMBER' })]);
    const noPhone = await as(keys.agent_manager).post('/api/v1/do-not-call/import').type('text/csv').send('name\r\nAsha\r\n');
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.code).toBe('DNC_HEADER_MISSING_PHONE');
    const noValidRow = await as(keys.agent_manager).post('/api/v1/do-not-call/import').type('text/csv').send('phone\r\nnot a number\r\n12\r\n');
    expect(noValidRow.status).toBe(400);
    expect(noValidRow.body.error).toMatchObject({ code: 'NO_VALID_ROWS', details: { invalidRows: 2 } });
  });
});

describe('a listed number is never dialed', () => {
  it('refuses new calls, schedules and series to a listed number with 422', async () => {
    const listed = number();
    await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: listed }).expect(201);
    const call = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber: listed, agentId: stack.agentId });
    const schedule = await stack.api().post('/api/v1/calls/outbound/schedule').send({ phoneNumber: listed, agentId: stack.agentId, scheduledFor: inSeconds(3600) });
    const series = await stack.api().post('/api/v1/series').send({ phoneNumber: listed, agentId: stack.agentId, frequency: 'daily', timeOfDay: '10:00' });
    for (const res of [call, schedule, series]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('NUMBER_ON_DO_NOT_CALL_LIST');
    }
    expect(await CallLog.countDocuments({ phoneNumber: listed })).toBe(0);
    expect(await ScheduledCall.countDocuments({ phoneNumber: listed })).toBe(0);
    expect(await RecurrenceSeries.countDocuments({ phoneNumber: listed })).toBe(0);
  });

  it('fails a scheduled call with reason dnd when its number is listed before the dial, and Exotel never hears of it', async () => {
    const target = number();
    const scheduled = await stack.api().post('/api/v1/calls/outbound/schedule').send({ phoneNumber: target, agentId: stack.agentId, scheduledFor: inSeconds(3) });
    expect(scheduled.status).toBe(201);
    await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: target }).expect(201);

    const result = (await stack.env.client.workflow.getHandle(callWorkflowId(scheduled.body.callLogId)).result()) as CallWorkflowResult;
    expect(result).toEqual({ callId: scheduled.body.callLogId, status: 'failed', failureReason: 'dnd', attempts: 1 });
    expect(await dialsTo(target)).toBe(0);
    expect((await simStats(stack.sim)).dialsByCustomField[`${scheduled.body.callLogId}:1`]).toBeUndefined();
    const view = await stack.api().get(`/api/v1/calls/${scheduled.body.callLogId}`);
    expect(view.body).toMatchObject({ status: 'failed', failureReason: 'dnd' });
    expect((await ScheduledCall.findById(scheduled.body.callLogId).lean())?.finalFailureReason).toBe('dnd');
  });

  it('skips listed contacts of a campaign, stops contacts listed after the import at their dial, and exports masked, neutralized CSV', async () => {
    const [listedBefore, listedAfter, called] = [number(), number(), number()];
    await stack.api().post('/api/v1/do-not-call').send({ phoneNumber: listedBefore }).expect(201);
    const created = await stack.api().post('/api/v1/calls/outbound/bulk').send({
      agentId: stack.agentId,
      ringTimeoutSec: 5,
      calls: [
        { phoneNumber: listedBefore },
        { phoneNumber: listedAfter, scheduledFor: inSeconds(4) },
        { phoneNumber: called, variables: { customer_name: 'Asha Rao', note: '=HYPERLINK("http://x","pay")', amount: '-1500' } },
      ],
    });
    expect(created.status).toBe(202);
    expect(created.body.totals).toEqual({ requested: 3, accepted: 2, rejected: 1 });
    expect(created.body.rowErrors).toEqual([expect.objectContaining({ code: 'NUMBER_ON_DO_NOT_CALL_LIST', field: 'phone_number' })]);
    await as(keys.api_client).post('/api/v1/do-not-call').send({ phoneNumber: listedAfter }).expect(201);

    const batchId = created.body.batchId as string;
    await waitForBatch(stack, batchId, (batch) => batch.progress.processed === 2, 60_000);
    const contacts = await stack.api().get(`/api/v1/bulk/batches/${batchId}/contacts`);
    expect(contacts.body.data.map((row: Record<string, unknown>) => [row.status, row.failureReason])).toEqual([
      ['failed', 'dnd'],
      ['completed', null],
    ]);
    // Variables are masked unless their column is named in CONTACT_VARIABLES_IN_CLEAR (here `note`).
    expect(contacts.body.data[1].variables).toEqual({ customer_name: 'A***', note: '=HYPERLINK("http://x","pay")', amount: '-***' });
    expect(await dialsTo(listedAfter)).toBe(0);
    expect(await dialsTo(listedBefore)).toBe(0);
    expect(Object.keys(await batchDials(stack.sim, batchId))).toEqual([`${batchId}-2:1`]);

    const exported = await stack.api().get(`/api/v1/bulk/batches/${batchId}/contacts/export`).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(null, text));
    });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (exported.body as string).split('\r\n');
    expect(lines[0]).toBe('seq,line,phone_number,agent_id,status,failure_reason,attempts,call_id,amount,customer_name,note');
    // A masked value that starts with `-` is no plain number any more, so it is neutralized like a formula.
    expect(lines[2]).toBe(`1,3,***${called.slice(-4)},${stack.agentId},completed,,1,${batchId}-2,'-***,A***,"'=HYPERLINK(""http://x"",""pay"")"`);
    expect(exported.body as string).not.toContain(called);
    expect((await stack.api().get('/api/v1/bulk/batches/batch_missing/contacts/export')).status).toBe(404);
  }, 90_000);
});

describe('erasing a number', () => {
  it('cancels its pending work, anonymizes every record, audits the counts, and is idempotent', async () => {
    const target = number();
    const path = `/api/v1/phone-numbers/${encodeURIComponent(target)}`;
    const done = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber: target, agentId: stack.agentId, ringTimeoutSec: 5, metadata: { ticket: 'T-9' } });
    expect(done.status).toBe(202);
    await stack.env.client.workflow.getHandle(done.body.workflowId).result();
    const pending = await stack.api().post('/api/v1/calls/outbound/schedule').send({ phoneNumber: target, agentId: stack.agentId, scheduledFor: inSeconds(3600), metadata: { ticket: 'T-10' } });
    expect(pending.status).toBe(201);
    const series = await stack.api().post('/api/v1/series').send({ phoneNumber: target, agentId: stack.agentId, frequency: 'daily', timeOfDay: '10:00' });
    expect(series.status).toBe(201);
    await CampaignContact.create({ _id: `erase_${process.pid}-1`, campaignId: `erase_${process.pid}`, seq: 0, phoneNumber: target, phoneLast4: target.slice(-4), agentId: stack.agentId, variables: { customer_name: 'Asha' } });

    expect((await as(keys.api_client).delete(path)).status).toBe(403);
    expect((await as(keys.agent_manager).delete(path)).status).toBe(403);
    expect((await stack.api().delete('/api/v1/phone-numbers/12')).status).toBe(400);

    const erased = await stack.api().delete(path);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      phoneNumber: `***${target.slice(-4)}`,
      // The series' next occurrence has a schedule row of its own, beside the scheduled call's.
      erased: { callLogs: 2, scheduledCalls: 2, series: 1, campaignContacts: 1, dndLookups: 0 },
      cancelled: { calls: 1, series: 1 },
      callsStillClosing: 0,
    });

    const cancelled = (await stack.env.client.workflow.getHandle(callWorkflowId(pending.body.callLogId)).result()) as CallWorkflowResult;
    expect(cancelled.status).toBe('cancelled');
    expect((await stack.env.client.workflow.getHandle(seriesWorkflowId(series.body.seriesId)).describe()).status.name).not.toBe('RUNNING');
    for (const model of [CallLog, ScheduledCall, RecurrenceSeries, CampaignContact] as const) {
      expect(await (model as typeof CallLog).countDocuments({ phoneNumber: target })).toBe(0);
    }
    const view = await stack.api().get(`/api/v1/calls/${done.body.callLogId}`);
    expect(view.body).toMatchObject({ status: 'completed', phoneNumber: 'erased', metadata: {}, transcript: [] });
    const contact = await CampaignContact.findById(`erase_${process.pid}-1`).lean();
    expect(contact?.phoneNumber).toBe(`erased:erase_${process.pid}-1`);
    expect(Object.keys(contact?.variables ?? {})).toEqual([]);

    const repeat = await stack.api().delete(path);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({
      phoneNumber: `***${target.slice(-4)}`,
      erased: { callLogs: 0, scheduledCalls: 0, series: 0, campaignContacts: 0, dndLookups: 0 },
      cancelled: { calls: 0, series: 0 },
      callsStillClosing: 0,
    });

    // Audit rows are written once each answer has gone out.
    const audits = await eventually(async () => {
      const rows = await AuditEntry.find({ action: 'numbers.erase', status: 200 }).sort({ at: 1 }).lean();
      return rows.length >= 2 ? rows : undefined;
    });
    expect(audits.map((row) => [row.resourceId, (row.details as { erased: { callLogs: number } }).erased.callLogs])).toEqual([
      [`***${target.slice(-4)}`, 2],
      [`***${target.slice(-4)}`, 0],
    ]);
    expect(JSON.stringify(await AuditEntry.find({}).lean())).not.toContain(target.slice(3));
  }, 90_000);
});
