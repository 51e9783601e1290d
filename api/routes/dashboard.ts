import path from 'node:path';
import { Router, type Response } from 'express';
import type { CallRoutesContext } from '../call-context';

/**
 * The ops dashboard (docs/dashboard.md): a static page, its script and stylesheet, Chart.js from
 * node_modules and the little configuration the page cannot know (where the Temporal UI is). The page
 * reads everything else from the public API, so it shows nothing the API does not.
 *
 * Mounted at the root (not under /api/v1): it takes only the configuration, so `createApp` can hand it
 * its dependencies directly.
 */

/** Beside this file in the sources (api/dashboard) and in the build (dist/api/dashboard, copied there). */
const ASSET_DIR = path.resolve(__dirname, '../dashboard');
/** chart.js exports no ./dist subpaths, so its UMD bundle is found next to the CommonJS entry point. */
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Scripts and styles from this origin only: no inline script, no eval, no third-party host. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Record<string, { file: string; type: string }> = {
  '/dashboard/dashboard.js': { file: path.join(ASSET_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard/dashboard.css': { file: path.join(ASSET_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/dashboard/vendor/chart.umd.min.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

function setSecurityHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Small files that change with each deployment: revalidated (ETag) rather than cached blind.
    'Cache-Control': 'no-cache',
  });
}

function sendAsset(res: Response, file: string, type: string): Promise<void> {
  setSecurityHeaders(res);
  res.type(type);
  return new Promise((resolve, reject) => res.sendFile(file, (err) => (err ? reject(err) : resolve())));
}

export function dashboardRouter(ctx: Pick<CallRoutesContext, 'config'>): Router {
  const router = Router();
  const pageConfig = {
    temporalUiUrl: ctx.config.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    namespace: ctx.config.TEMPORAL_NAMESPACE,
  };

  // Express matches /dashboard/ here too (non-strict routing); the page uses absolute asset paths.
  router.get('/dashboard', async (_req, res) => {
    await sendAsset(res, path.join(ASSET_DIR, 'index.html'), 'text/html; charset=utf-8');
  });

  router.get('/dashboard/config.json', (_req, res) => {
    setSecurityHeaders(res);
    res.json(pageConfig);
  });

  for (const [route, asset] of Object.entries(ASSETS)) {
    router.get(route, async (_req, res) => {
      await sendAsset(res, asset.file, asset.type);
    });
  }

  return router;
}
