import { Router, type Request } from 'express';
import { allow, principalOf } from '../access/route-access';
import { importTemplateQuerySchema, parseImportOptionsSchema, validateImportOptionsSchema } from '../../domain/api-schemas/bulk-import';
import { csvLine } from '../../domain/csv-cell';
import { callingPolicyFor } from '../../domain/calling-policy';
import { CONTACT_COLUMNS, contactRules, type ContactDraft, type RowError } from '../../domain/contact-row';
import { readContactsCsv, type CsvHeader } from '../bulk/contacts-csv-reader';
import { receiveCsvUpload } from '../bulk/csv-upload';
import type { CallRoutesContext } from '../call-context';
import { agentIsUsableIn } from '../campaign-settings';

/** Enough to fix a file by; a file with more problems is better fixed column by column than read error by error. */
const MAX_ERRORS_SHOWN = 500;

const TEMPLATE_FILENAME = 'ringline-contacts-template.csv';
const TEMPLATE_VARIABLES = [
  { name: 'customer_name', description: 'An example variable: the greeting can say "Hello {customer_name}".' },
  { name: 'amount_due', description: 'An example variable: the agent can mention the amount due.' },
];
const TEMPLATE_ROWS = [
  ['+919876543210', 'agent_reminders', '2027-01-15 10:30', 'Asia/Kolkata', 'high', 'Asha Rao', '1500'],
  ['09876543211', '', '', '', '', 'Ravi Kumar', '250.50'],
];
const TEMPLATE_HEADER = [...CONTACT_COLUMNS.map((column) => column.name), ...TEMPLATE_VARIABLES.map((variable) => variable.name)];
const TEMPLATE_CSV = [TEMPLATE_HEADER, ...TEMPLATE_ROWS].map(csvLine).join('');

interface ImportSummary {
  valid: boolean;
  totalRows: number;
  validRows: number;
  invalidRows: number;
  /** Rows refused (also) because their number came earlier in the file; counted in invalidRows too. */
  duplicateRows: number;
  columns: string[];
  variables: string[];
  errors: RowError[];
  errorsTruncated: boolean;
}

/** Checks an uploaded contacts CSV (validate) or also shows its first contacts (parse); nothing is stored. */
export function bulkImportRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/bulk/import/validate', allow('campaigns.write'), async (req, res) => {
    const { summary } = await checkUpload(ctx, principalOf(res).orgId, req, 'validate', (raw) => ({ ...validateImportOptionsSchema.parse(raw), previewRows: 0 }));
    res.json(summary);
  });

  router.post('/bulk/import/parse', allow('campaigns.write'), async (req, res) => {
    const { summary, preview } = await checkUpload(ctx, principalOf(res).orgId, req, 'parse', (raw) => parseImportOptionsSchema.parse(raw));
    res.json({ ...summary, preview });
  });

  router.get('/bulk/template', allow('campaigns.read'), (req, res) => {
    const { format } = importTemplateQuerySchema.parse(req.query);
    if (format === 'json') {
      res.json({
        filename: TEMPLATE_FILENAME,
        columns: CONTACT_COLUMNS.map(({ name, aliases, required, description }) => ({ name, aliases, required, description })),
        variables: {
          description:
            'Every other column is a variable of its contact, named in snake_case (Customer Name → customer_name); empty values are left out.',
          examples: TEMPLATE_VARIABLES,
          maxVariables: ctx.config.BULK_MAX_VARIABLES,
          maxVariableChars: ctx.config.BULK_MAX_VARIABLE_CHARS,
        },
        limits: { maxRows: ctx.config.BULK_MAX_ROWS, maxUploadBytes: ctx.config.BULK_MAX_UPLOAD_BYTES },
        header: TEMPLATE_HEADER,
        exampleRows: TEMPLATE_ROWS,
        csv: TEMPLATE_CSV,
      });
      return;
    }
    res.attachment(TEMPLATE_FILENAME).type('text/csv').send(TEMPLATE_CSV);
  });

  return router;
}

async function checkUpload(
  ctx: CallRoutesContext,
  orgId: string,
  req: Request,
  action: 'validate' | 'parse',
  parseOptions: (raw: unknown) => { agentId?: string; previewRows: number },
): Promise<{ summary: ImportSummary; preview: ContactDraft[] }> {
  const started = Date.now();
  const upload = await receiveCsvUpload(req, { maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES });
  try {
    const options = parseOptions({ ...req.query, ...upload.fields });
    const summary: ImportSummary = {
      valid: false,
      totalRows: 0,
      validRows: 0,
      invalidRows: 0,
      duplicateRows: 0,
      columns: [],
      variables: [],
      errors: [],
      errorsTruncated: false,
    };
    const preview: ContactDraft[] = [];
    const seen: { header?: CsvHeader } = {};
    const report = (errors: RowError[]) => {
      const room = MAX_ERRORS_SHOWN - summary.errors.length;
      summary.errors.push(...errors.slice(0, room));
      if (errors.length > room) summary.errorsTruncated = true;
    };

    const items = readContactsCsv(upload.file, {
      rules: contactRules(ctx.config, callingPolicyFor(ctx.config, orgId), null),
      maxRows: ctx.config.BULK_MAX_ROWS,
      maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES,
      defaultAgentId: options.agentId ?? null,
      agentExists: agentIsUsableIn(orgId),
      onHeader: (header) => {
        seen.header = header;
        summary.columns = header.columns;
        summary.variables = header.variables;
      },
    });
    for await (const item of items) {
      if (item.ok) {
        summary.totalRows += 1;
        summary.validRows += 1;
        if (preview.length < options.previewRows) preview.push(item.contact);
      } else if (seen.header?.errors.length) {
        report(item.errors);
      } else {
        summary.totalRows += 1;
        summary.invalidRows += 1;
        if (item.errors.some((error) => error.code === 'DUPLICATE_PHONE')) summary.duplicateRows += 1;
        report(item.errors);
      }
    }
    summary.valid = summary.errors.length === 0;
    ctx.logger.info(
      {
        action,
        filename: upload.filename,
        totalRows: summary.totalRows,
        validRows: summary.validRows,
        invalidRows: summary.invalidRows,
        durationMs: Date.now() - started,
      },
      'bulk import checked',
    );
    return { summary, preview };
  } finally {
    // Releases an upload left unread, e.g. when the options were refused before the first row.
    upload.file.destroy();
  }
}
