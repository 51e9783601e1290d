import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { API_OPERATIONS, UNDOCUMENTED_OPERATIONS, type Answer, type ApiOperation } from '../../api/openapi/api-operations';
import { openApiDocument, operationKey } from '../../api/openapi/openapi-document';
import { listRoutes } from '../../api/route-table';
import { errorAnswerSchema } from '../../domain/api-schemas/common';
import { OPENAPI_FILE, openApiFileText, routedApp } from '../../scripts/openapi-file';

const routes = listRoutes(routedApp());
const API_DOC = path.resolve(__dirname, '../../docs/api.md');

describe('the OpenAPI registry', () => {
  it('documents every route the app serves, or says why not', () => {
    const missing = routes.map(operationKey).filter((key) => !(key in API_OPERATIONS) && !(key in UNDOCUMENTED_OPERATIONS));
    const lines = missing.map((key) => `  '${key}': { summary: '…', params: …, query: …, body: …, answers: { 200: <thing>AnswerSchema } },`);
    expect(missing.length === 0 ? '' : `Add to API_OPERATIONS in api/openapi/api-operations.ts (or, with the reason, to UNDOCUMENTED_OPERATIONS):\n${lines.join('\n')}`).toBe('');
  });

  it('lists no route twice and no route the app does not serve', () => {
    const served = new Set(routes.map(operationKey));
    const both = Object.keys(API_OPERATIONS).filter((key) => key in UNDOCUMENTED_OPERATIONS);
    const gone = [...Object.keys(API_OPERATIONS), ...Object.keys(UNDOCUMENTED_OPERATIONS)].filter((key) => !served.has(key));
    expect({ both, gone }).toEqual({ both: [], gone: [] });
  });

  it("describes each path parameter by the route's params schema", () => {
    const problems = Object.entries(API_OPERATIONS).flatMap(([key, operation]) => {
      const inPath = [...key.matchAll(/:(\w+)/g)].map((match) => match[1]).sort();
      const described = Object.keys((operation.params as z.ZodObject | undefined)?.shape ?? {}).sort();
      return inPath.join() === described.join() ? [] : [`${key}: path has [${inPath.join()}], params schema has [${described.join()}]`];
    });
    expect(problems).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  const document = openApiDocument(routes) as { openapi: string; paths: Record<string, Record<string, { security: unknown[]; 'x-permission'?: string }>> };

  it('is OpenAPI 3.1 with each route once, its permission as the route declares it', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/api/v1/calls/{callLogId}']?.get?.['x-permission']).toBe('calls.read');
    expect(document.paths['/health']?.get?.security).toEqual([{}, { apiKey: [] }]);
    const operations = Object.values(document.paths).reduce((sum, ops) => sum + Object.keys(ops).length, 0);
    expect(operations).toBe(Object.keys(API_OPERATIONS).length);
  });

  it("is what docs/api.md shows of it, cut down to some of its paths", () => {
    const shown = jsonExamples(readFileSync(API_DOC, 'utf8')).find((example) => example.tag === 'GET /api/v1/openapi.json 200');
    const cut = JSON.parse(shown?.text ?? '{}') as Record<string, unknown> & { paths?: Record<string, unknown> };
    const full = document as unknown as Record<string, unknown> & { paths: Record<string, unknown> };
    expect(Object.keys(cut.paths ?? {}).length).toBeGreaterThan(0);
    expect(cut).toEqual({ ...full, paths: Object.fromEntries(Object.keys(cut.paths ?? {}).map((path) => [path, full.paths[path]])) });
  });

  it('is the committed docs/openapi.json (npm run docs:openapi writes it)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8') === openApiFileText() ? 'current' : 'stale: run npm run docs:openapi and commit docs/openapi.json').toBe('current');
  });
});

interface DocExample {
  line: number;
  tag: string;
  text: string;
}

/** Every ```json block of a markdown file, with its info string after `json`. */
function jsonExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```json\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    examples.push({ line: i + 1, tag: open[1]!.trim(), text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return examples;
}

/** The schema an example is checked by, or why there is none. */
function schemaFor(tag: string): z.ZodType | string {
  const match = /^(GET|POST|PUT|PATCH|DELETE) (\S+) (request|\d{3})$/.exec(tag);
  if (!match) return 'must be tagged ```json METHOD /api/v1/path request or ```json METHOD /api/v1/path <status>';
  const [, method, rawPath, what] = match;
  const key = `${method} ${rawPath!.replace(/\{(\w+)\}/g, ':$1')}`;
  const operation = API_OPERATIONS[key];
  if (!operation) return `${key} is not in api/openapi/api-operations.ts`;
  if (what === 'request') return operation.body ?? `${key} takes no JSON body`;
  const answer: Answer | undefined = operation.answers[Number(what)];
  // A status the route registers (GET /health's 503) has its own schema; other 4xx and 5xx are the error envelope.
  if (answer === undefined && Number(what) >= 400) return errorAnswerSchema;
  if (answer === undefined || answer === 'no content') return `${key} answers no JSON with ${what}`;
  if ('csv' in answer && answer.csv === true) return answer.json ?? `${key} answers CSV with ${what}`;
  // A stream's example is its events in order, each as the OpenAPI document describes one (openapi-document.ts).
  if ('events' in answer) {
    const events: z.ZodType[] = Object.entries(answer.events).map(([name, data]) => z.object({ event: z.literal(name), id: z.string().optional(), data }));
    return z.array(z.union(events));
  }
  return answer as z.ZodType;
}

/** A registered JSON answer of a route: a schema, or a CSV route's JSON alternative. */
function isJsonAnswer(answer: Answer): boolean {
  if (answer === 'no content') return false;
  return !('csv' in answer && answer.csv === true) || answer.json !== undefined;
}

/** What docs/api.md must show of each route: its JSON body, and at least one of its JSON answers. */
function examplesWanted(key: string, operation: ApiOperation): { tag: string; matches: (tag: string) => boolean }[] {
  const wanted = [];
  if (operation.body) wanted.push({ tag: `${key} request`, matches: (tag: string) => tag === `${key} request` });
  const statuses = Object.entries(operation.answers).filter(([, answer]) => isJsonAnswer(answer)).map(([status]) => status);
  if (statuses.length > 0) wanted.push({ tag: `${key} ${statuses.join('|')}`, matches: (tag: string) => statuses.some((status) => tag === `${key} ${status}`) });
  return wanted;
}

describe('the JSON examples of docs/api.md', () => {
  const examples = jsonExamples(readFileSync(API_DOC, 'utf8'));

  it('are the only answers shown: no `# → {…}` answer in a curl block', () => {
    const blocks = readFileSync(API_DOC, 'utf8').split(/^```/m).filter((_, i) => i % 2 === 1);
    const answersInComments = blocks.filter((block) => !block.startsWith('json')).flatMap((block) => block.split('\n').filter((line) => /#\s*→/.test(line)));
    expect(answersInComments).toEqual([]);
  });

  it('show the JSON body and a JSON answer of every documented route', () => {
    const shown = examples.map((example) => example.tag.replace(/\{(\w+)\}/g, ':$1'));
    const missing = Object.entries(API_OPERATIONS)
      .flatMap(([key, operation]) => examplesWanted(key, operation))
      .filter((wanted) => !shown.some(wanted.matches))
      .map((wanted) => `  \`\`\`json ${wanted.tag}`);
    expect(missing.length === 0 ? '' : `docs/api.md has no example of:\n${missing.join('\n')}`).toBe('');
  });

  it.each(examples.map((example) => [`line ${example.line}: ${example.tag || '(untagged)'}`, example] as const))('%s validates', (_name, example) => {
    const schema = schemaFor(example.tag);
    if (typeof schema === 'string') throw new Error(`docs/api.md line ${example.line}: ${schema}`);
    const value: unknown = JSON.parse(example.text);
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(`docs/api.md line ${example.line} (${example.tag}): ${JSON.stringify(result.error.issues, null, 2)}`);
    // An answer schema passes unknown fields over silently; what it dropped is a field the document lacks.
    if (!example.tag.endsWith('request')) expect(result.data).toEqual(value);
  });
});
