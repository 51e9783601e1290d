import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Router, type Response } from 'express';
import { DashboardSession } from '../../db/models/dashboard-session';
import { dashboardLoginSchema } from '../../domain/api-schemas/access';
import { CALL_LIST_FAILURE_REASONS } from '../../domain/api-schemas/calls';
import { CALL_STATUSES } from '../../domain/call-status';
import type { Principal } from '../../domain/access-control';
import { findUsableKey } from '../../lib/api-keys';
import { SESSION_COOKIE, hashSessionToken } from '../access/authenticate';
import { allow, principalOf, unauthenticated } from '../access/route-access';
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
    // The call list's filter choices, from the same lists the API validates them against.
    callStatuses: CALL_STATUSES,
    failureReasons: CALL_LIST_FAILURE_REASONS,
  };

  // The page and its assets hold no data: they are public, and the page asks for a login.
  // Express matches /dashboard/ here too (non-strict routing); the page uses absolute asset paths.
  router.get('/dashboard', allow('public'), async (_req, res) => {
    await sendAsset(res, path.join(ASSET_DIR, 'index.html'), 'text/html; charset=utf-8');
  });

  router.get('/dashboard/config.json', allow('analytics.read'), (_req, res) => {
    setSecurityHeaders(res);
    res.json(pageConfig);
  });

  for (const [route, asset] of Object.entries(ASSETS)) {
    router.get(route, allow('public'), async (_req, res) => {
      await sendAsset(res, asset.file, asset.type);
    });
  }

  const cookie = (value: string, maxAgeSec: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${ctx.config.SESSION_COOKIE_SECURE ? '; Secure' : ''}`;

  /** A key becomes an HttpOnly session cookie; the answer's CSRF token goes on every state-changing request. */
  router.post('/dashboard/login', allow('session'), async (req, res) => {
    setSecurityHeaders(res);
    res.set('Cache-Control', 'no-store');
    const { key } = dashboardLoginSchema.parse(req.body);
    const row = await findUsableKey(key, ctx.config.API_KEY_PEPPER);
    if (!row) throw unauthenticated(res, 'The API key is unknown, revoked or expired');
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ctx.config.SESSION_TTL_SEC * 1000);
    await DashboardSession.create({ _id: hashSessionToken(token), keyId: row._id, csrfToken, expiresAt });
    res.locals.principal = { keyId: row._id, orgId: row.orgId, role: row.role, agentIds: row.agentIds ?? [], via: 'session' } satisfies Principal;
    res.set('Set-Cookie', cookie(token, ctx.config.SESSION_TTL_SEC));
    res.json({ loggedIn: true, role: row.role, orgId: row.orgId, csrfToken, expiresAt: expiresAt.toISOString() });
  });

  /**
   * The page reloads: it reads its CSRF token again from its own session (same origin only: CORS stays
   * closed). No session is a plain answer, not a 401, since asking is how the page learns to show its login.
   */
  router.get('/dashboard/session', allow('session'), async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const sessionId = res.locals.sessionId as string | undefined;
    const session = sessionId ? await DashboardSession.findById(sessionId).lean() : null;
    if (!session) {
      res.json({ loggedIn: false });
      return;
    }
    const principal = principalOf(res);
    res.json({ loggedIn: true, role: principal.role, orgId: principal.orgId, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.post('/dashboard/logout', allow('session'), async (_req, res) => {
    const sessionId = res.locals.sessionId as string | undefined;
    if (sessionId) await DashboardSession.deleteOne({ _id: sessionId });
    res.set('Set-Cookie', cookie('', 0));
    res.status(204).end();
  });

  return router;
}
