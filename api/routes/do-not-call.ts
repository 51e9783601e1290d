import { Router } from 'express';
import { addToDoNotCallList, removeFromDoNotCallList, type DoNotCallListing } from '../../db/do-not-call-list';
import { DoNotCallEntry } from '../../db/models/do-not-call-entry';
import { doNotCallAddSchema, doNotCallListQuerySchema, phoneNumberParamsSchema } from '../../domain/api-schemas/do-not-call';
import type { RowError } from '../../domain/contact-row';
import { lastFourDigits } from '../../domain/phone-mask';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../../domain/phone-number';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';
import { readDoNotCallCsv } from '../bulk/do-not-call-csv';
import { receiveCsvUpload } from '../bulk/csv-upload';
import type { CallRoutesContext } from '../call-context';

const IMPORT_BATCH = 500;
const MAX_ERRORS_SHOWN = 500;

/** The organization's own do-not-call list (docs/security.md): no listed number is ever dialed. */
export function doNotCallRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const e164Of = (raw: string) => {
    const phone = normalizePhoneNumber(raw, ctx.config.DEFAULT_COUNTRY);
    if (!phone.ok) throw new ApiError(400, 'INVALID_PHONE_NUMBER', describePhoneNumberProblem(phone.reason), { reason: phone.reason });
    return phone.e164;
  };

  router.get('/do-not-call', allow('dnc.read'), async (req, res) => {
    const { page, limit } = doNotCallListQuerySchema.parse(req.query);
    const orgId = principalOf(res).orgId;
    const [rows, total] = await Promise.all([
      DoNotCallEntry.find({ orgId }).sort({ createdAt: -1, _id: 1 }).skip((page - 1) * limit).limit(limit).lean(),
      DoNotCallEntry.countDocuments({ orgId }),
    ]);
    const data = rows.map((row) => ({ phoneNumber: row.phoneNumber, reason: row.reason ?? null, source: row.source, addedBy: row.addedBy ?? null, createdAt: row.createdAt }));
    res.json({ data, page, limit, total });
  });

  router.post('/do-not-call', allow('dnc.add'), async (req, res) => {
    const request = doNotCallAddSchema.parse(req.body);
    const principal = principalOf(res);
    res.locals.auditResourceId = `***${lastFourDigits(request.phoneNumber)}`;
    const phoneNumber = e164Of(request.phoneNumber);
    const added = await addToDoNotCallList(principal.orgId, [{ phoneNumber, reason: request.reason ?? null, source: 'api', addedBy: principal.keyId }]);
    res.status(added > 0 ? 201 : 200).json({ phoneNumber, listed: true, added: added > 0 });
  });

  router.post('/do-not-call/import', allow('dnc.add'), async (req, res) => {
    const principal = principalOf(res);
    const upload = await receiveCsvUpload(req, { maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES });
    const rows = readDoNotCallCsv(upload.file, { defaultCountry: ctx.config.DEFAULT_COUNTRY, maxRows: ctx.config.BULK_MAX_ROWS, maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES });
    const errors: RowError[] = [];
    let totalRows = 0;
    let invalidRows = 0;
    let added = 0;
    let batch: DoNotCallListing[] = [];
    for await (const row of rows) {
      totalRows += 1;
      if (!row.ok) {
        invalidRows += 1;
        if (errors.length < MAX_ERRORS_SHOWN) errors.push(row.error);
        continue;
      }
      batch.push({ phoneNumber: row.phoneNumber, reason: row.reason, source: 'csv', addedBy: principal.keyId });
      if (batch.length >= IMPORT_BATCH) {
        added += await addToDoNotCallList(principal.orgId, batch);
        batch = [];
      }
    }
    // Nothing was written: a file of bad rows is bad input, not an import that added nothing.
    if (invalidRows === totalRows) {
      throw new ApiError(400, 'NO_VALID_ROWS', `None of the ${totalRows} rows has a phone number that can be dialed`, { invalidRows, errors, errorsTruncated: invalidRows > errors.length });
    }
    added += await addToDoNotCallList(principal.orgId, batch);
    ctx.logger.info({ orgId: principal.orgId, totalRows, invalidRows, added }, 'do-not-call list imported');
    res.json({ totalRows, validRows: totalRows - invalidRows, invalidRows, added, alreadyListed: totalRows - invalidRows - added, errors, errorsTruncated: invalidRows > errors.length });
  });

  router.delete('/do-not-call/:phoneNumber', allow('dnc.remove'), async (req, res) => {
    const { phoneNumber: raw } = phoneNumberParamsSchema.parse(req.params);
    // Before anything can fail: the audit trail's resource id is the path parameter unless named here.
    res.locals.auditResourceId = `***${lastFourDigits(raw)}`;
    const phoneNumber = e164Of(raw);
    const removed = await removeFromDoNotCallList(principalOf(res).orgId, phoneNumber);
    if (!removed) throw new ApiError(404, 'NUMBER_NOT_LISTED', 'The number is not on the do-not-call list');
    res.status(204).end();
  });

  return router;
}
