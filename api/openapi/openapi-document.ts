import { z } from 'zod';
import { isOpenAccess, type RouteAccess } from '../../domain/access-control';
import { errorAnswerSchema } from '../../domain/api-schemas/common';
import type { RouteEntry } from '../route-table';
import { API_OPERATIONS, type Answer, type ApiOperation } from './api-operations';

type JsonSchema = Record<string, unknown>;

/** How the registry and the route table name a route: `GET /api/v1/calls/:callLogId`. */
export function operationKey(route: Pick<RouteEntry, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Express's `:param` is OpenAPI's `{param}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/**
 * A zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1: requests as clients send them
 * (before defaults and coercion), answers as the API sends them. What JSON Schema cannot say (a
 * refinement, a transform) is left to the API's own check and described by the docs.
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', override: dropFormatPatterns }) as JsonSchema;
  return rest;
}

/** zod spells out each date and date-time as a long regex besides its `format`, which says the same to a reader. */
function dropFormatPatterns({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (typeof jsonSchema.format === 'string' && typeof jsonSchema.pattern === 'string') delete jsonSchema.pattern;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

const CSV_FILE = { type: 'string', contentMediaType: 'text/csv' };
const TEXT_FILE = { type: 'string', contentMediaType: 'text/markdown' };

function requestBodyOf(operation: ApiOperation): JsonSchema | undefined {
  const json = operation.body ? { 'application/json': { schema: jsonSchemaOf(operation.body, 'input') } } : undefined;
  if (!operation.upload) return json && { required: true, content: json };
  const fields = operation.upload.fields ? (jsonSchemaOf(operation.upload.fields, 'input') as { properties?: JsonSchema }).properties : {};
  if (operation.upload.file === 'text') {
    return {
      required: true,
      description: 'JSON, or a plain-text or Markdown file as the `file` of a multipart form (its fields before the file).',
      content: { ...json, 'multipart/form-data': { schema: { type: 'object', properties: { ...fields, file: TEXT_FILE }, required: ['file'] } } },
    };
  }
  return {
    required: true,
    description: 'The CSV as the `file` of a multipart form (its fields before the file), or as a text/csv body with the fields in the query string.',
    content: {
      'multipart/form-data': { schema: { type: 'object', properties: { ...fields, file: CSV_FILE }, required: ['file'] } },
      'text/csv': { schema: CSV_FILE },
    },
  };
}

/** OpenAPI 3.1 has no schema per event: the stream is described as its events, one `oneOf` branch each, as a client parses them. */
function eventStreamOf(events: Readonly<Record<string, z.ZodType>>): JsonSchema {
  const branches = Object.entries(events).map(([name, data]) => ({
    type: 'object',
    title: name,
    properties: { event: { const: name }, id: { type: 'string' }, data: jsonSchemaOf(data, 'output') },
    required: ['event', 'data'],
  }));
  return {
    description: 'Server-sent events (text/event-stream): each event has an `event:` name and one `data:` line of JSON; docs/api.md, "Live updates"',
    content: { 'text/event-stream': { schema: { oneOf: branches } } },
  };
}

function answerOf(answer: Answer): JsonSchema {
  if (answer === 'no content') return { description: 'No content' };
  if ('events' in answer) return eventStreamOf(answer.events);
  if ('csv' in answer && answer.csv === true) {
    const json = answer.json ? { 'application/json': { schema: jsonSchemaOf(answer.json, 'output') } } : {};
    return { description: 'A CSV file', content: { 'text/csv': { schema: CSV_FILE }, ...json } };
  }
  return { description: 'OK', content: { 'application/json': { schema: jsonSchemaOf(answer as z.ZodType, 'output') } } };
}

const ERROR_ANSWER = { $ref: '#/components/responses/Error' };

/** Open access takes no key (a key still shows `/health`'s details); every other route needs a key whose role holds the permission. */
function securityOf(access: RouteAccess | undefined): JsonSchema {
  if (access === undefined) throw new Error('a documented route declares no access');
  if (isOpenAccess(access)) return { security: [{}, { apiKey: [] }] };
  return { security: [{ apiKey: [] }], 'x-permission': access };
}

/**
 * The OpenAPI 3.1 document of every route in API_OPERATIONS, with each route's access as the app's
 * router declares it (`routes`, from api/route-table.ts). A registered route the app does not serve is
 * an error, so the document never describes a route that is gone.
 */
export function openApiDocument(routes: readonly RouteEntry[]): JsonSchema {
  const served = new Map(routes.map((route) => [operationKey(route), route]));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [key, operation] of Object.entries(API_OPERATIONS)) {
    const route = served.get(key);
    if (!route) throw new Error(`api/openapi/api-operations.ts documents ${key}, which the app does not serve`);
    const access = securityOf(route.access);
    const responses = Object.fromEntries(Object.entries(operation.answers).map(([status, answer]) => [status, answerOf(answer)]));
    const requestBody = requestBodyOf(operation);
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method.toLowerCase()] = {
      summary: operation.summary,
      ...('x-permission' in access && { description: `Permission: \`${String(access['x-permission'])}\`` }),
      ...access,
      parameters: [...parametersOf(operation.params, 'path'), ...parametersOf(operation.query, 'query'), ...parametersOf(operation.headers, 'header')],
      ...(requestBody && { requestBody }),
      responses: { ...responses, '4XX': ERROR_ANSWER, '5XX': ERROR_ANSWER },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ringline API',
      version: 'v1',
      description: 'Durable outbound AI phone calls. Generated from the zod schemas the API validates with; docs/api.md explains each area.',
    },
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`rlk_…`, made with `./ringline keys create`); its role decides the permissions (docs/security.md).' },
      },
      responses: {
        Error: {
          description: 'Refused or failed: `code` is machine-readable (docs/api.md lists them), `details` is zod\'s issues for VALIDATION_ERROR',
          content: { 'application/json': { schema: jsonSchemaOf(errorAnswerSchema, 'output') } },
        },
      },
    },
  };
}
