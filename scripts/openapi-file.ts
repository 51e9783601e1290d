import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app';
import { openApiDocument } from '../api/openapi/openapi-document';
import { listRoutes } from '../api/route-table';
import { parseConfig } from '../domain/config';
import { generateSecrets } from '../lib/generated-secrets';
import { createLogger } from '../lib/logger';
import { createMetricsRegistry } from '../lib/metrics';

/** The committed copy of the document the API serves at GET /api/v1/openapi.json, for readers and client generators. */
export const OPENAPI_FILE = path.resolve(__dirname, '../docs/openapi.json');

/**
 * The app as it is routed, never started: nothing connects (the Temporal client is never called), and
 * routing does not depend on the configuration's values.
 */
export function routedApp() {
  return createApp({
    config: parseConfig({ ...generateSecrets() }),
    temporal: {} as Client,
    logger: createLogger('openapi', { level: 'silent' }),
    metrics: createMetricsRegistry('openapi'),
    health: { temporal: async () => false, database: async () => false },
  });
}

/** docs/openapi.json's text: the served document, pretty-printed. */
export function openApiFileText(): string {
  return `${JSON.stringify(openApiDocument(listRoutes(routedApp())), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, openApiFileText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
}
