import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAgent } from '../e2e/e2e-support';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import type { RealMediaServer } from '../helpers/real-media-server';
import { waitForBatch } from '../helpers/campaign-helpers';
import { numberFor } from '../helpers/schedule-helpers';

/**
 * The ops dashboard (/dashboard, docs/dashboard.md) in Debian's chromium, driven by playwright-core,
 * against the whole call stack (real media server, simulated providers): two campaigns are run through the API, then every figure the page
 * shows is compared with what the API answers, the campaign buttons are clicked, and a screenshot is
 * saved as docs/dashboard.png.
 *
 * Needs /usr/bin/chromium (scripts/ensure-chromium.sh installs it); RINGLINE_SKIP_BROWSER_TESTS=1
 * skips this file.
 */
const CHROMIUM = process.env.RINGLINE_CHROMIUM_PATH ?? '/usr/bin/chromium';
const SKIP = process.env.RINGLINE_SKIP_BROWSER_TESTS === '1';
const SCREENSHOT = path.resolve(__dirname, '../../docs/dashboard.png');
const LINE_LIMIT = 3;

if (SKIP) process.stdout.write('test/browser/dashboard.test.ts skipped: RINGLINE_SKIP_BROWSER_TESTS=1\n');
const suite = SKIP ? describe.skip : describe;

/** The page's formatting (api/dashboard/dashboard.js), for comparing its text with the API's numbers. */
const int = (value: number | null) => (typeof value === 'number' ? new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value) : '—');
const pct = (value: number) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(value);
const msPair = (first: number | null, second: number | null) => (first === null && second === null ? '—' : `${int(first)} / ${int(second)} ms`);
const oneDecimal = (value: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(value);

const sleep = (msDelay: number) => new Promise((resolve) => setTimeout(resolve, msDelay));

/** Retries a check (its expects included) until it passes: the page polls every five seconds. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 12_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(250);
  }
}

suite('ops dashboard (/dashboard) in chromium', () => {
  let stack: CallStack<RealMediaServer>;
  let agentId: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** The event streams the page opened and what each answered: progress and transcripts come this way, not by polling. */
  const streams: { url: string; status: number; contentType: string }[] = [];

  const getJson = async (route: string): Promise<any> => {
    const response = await fetch(`${stack.apiUrl}${route}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    if (!response.ok) throw new Error(`GET ${route} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const post = async (route: string, body: unknown): Promise<any> => {
    const response = await fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) throw new Error(`POST ${route} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();
  const rowOf = (batchId: string) => `[data-testid="campaign-row"][data-campaign-id="${batchId}"]`;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh to install Debian's chromium, or set RINGLINE_SKIP_BROWSER_TESTS=1 to skip the browser tests.`);
    }
    stack = await startCallStack({ label: 'dashboard', media: 'real', config: { MAX_CONCURRENT_CALLS: String(LINE_LIMIT), DEEPGRAM_ENDPOINTING_MS: '500' } });
    agentId = await createAgent({ maxCallDurationSec: 20 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows what the API answers, steers a campaign, and links calls to the Temporal UI', async () => {
    // The page and its assets: served with their types and a CSP that allows no inline script.
    const index = await fetch(`${stack.apiUrl}/dashboard`);
    if (index.status === 404) throw new Error('GET /dashboard answered 404: dashboardRouter (api/routes/dashboard.ts) is not mounted in api/app.ts');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await index.text()).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const chartJs = await fetch(`${stack.apiUrl}/dashboard/vendor/chart.umd.min.js`);
    expect(chartJs.status).toBe(200);
    expect(chartJs.headers.get('content-type')).toMatch(/^text\/javascript/);

    // Campaign A: three answered calls, a busy number and a failed dial (network_error) retried once each, an invalid number.
    const done = await post('/api/v1/calls/outbound/bulk', {
      name: 'Payment reminders',
      agentId,
      calls: ['000', '000', '005', '001', '003', '004'].map((suffix) => ({ phoneNumber: numberFor(suffix) })),
      throttle: { maxConcurrent: 3 },
      retryPolicy: { rules: { busy: { maxRetries: 1, initialDelayMs: 300 } }, jitter: 0, maxDelayMs: 1_000, maxTotalAttempts: 2 },
    });
    // Campaign B: contacts due in an hour, so it stays running (its calls waiting) for the buttons.
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const steered = await post('/api/v1/calls/outbound/bulk', {
      name: 'Renewals',
      agentId,
      calls: [numberFor('000'), numberFor('000')].map((phoneNumber) => ({ phoneNumber, scheduledFor: inAnHour })),
    });
    const batchA = await waitForBatch(stack, done.batchId, (b) => b.status === 'completed', 45_000);
    expect(batchA.progress).toMatchObject({ total: 6, processed: 6, successful: 2, voicemail: 1, failed: 3 });
    await waitForBatch(stack, steered.batchId, (b) => b.status === 'running' && b.progress.dispatched === 2, 15_000);

    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      // The page closes a stream itself once it has its end, or when its campaign leaves the list.
      if (/\/events$/.test(request.url()) && request.failure()?.errorText === 'net::ERR_ABORTED') return;
      pageErrors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
    });
    page.on('response', (response) => {
      if (/\/events$/.test(response.url())) streams.push({ url: new URL(response.url()).pathname, status: response.status(), contentType: response.headers()['content-type'] ?? '' });
    });
    await page.goto(`${stack.apiUrl}/dashboard`);
    // The page shows nothing before a login; a wrong key is refused, the stack's admin key opens a session.
    await page.waitForSelector('body[data-state="login"]');
    expect(await page.locator('[data-testid="main"]').isHidden()).toBe(true);
    await page.fill('[data-testid="login-key"]', `rlk_${'W'.repeat(43)}`);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login-error"]:not([hidden])');
    pageErrors.length = 0;
    await page.fill('[data-testid="login-key"]', stack.apiKey);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector(rowOf(done.batchId));
    const session = (await page.context().cookies()).find((cookie) => cookie.name === 'ringline_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    await page.waitForSelector('body[data-state="ready"]');

    // Header tiles against the call stats and the analytics dashboard.
    await eventually(async () => {
      const [stats, analytics] = await Promise.all([getJson('/api/v1/calls/outbound/stats'), getJson('/api/v1/analytics/dashboard')]);
      expect(stats.lines.limit).toBe(LINE_LIMIT);
      expect(analytics.today.calls).toBeGreaterThanOrEqual(6);
      expect(analytics.voiceToVoiceMs.samples).toBeGreaterThan(0);
      const tiles = {
        live: await text('[data-testid="tile-live"]'),
        waiting: await text('[data-testid="tile-waiting"]'),
        limit: await text('[data-testid="tile-limit"]'),
        today: await text('[data-testid="tile-today"]'),
        success: await text('[data-testid="tile-success"]'),
        v2v: await text('[data-testid="tile-v2v"]'),
      };
      expect(tiles).toEqual({
        live: int(stats.lines.active),
        waiting: int(stats.lines.waitingTotal),
        limit: int(stats.lines.limit),
        today: int(analytics.today.calls),
        success: pct(analytics.period.successRate),
        v2v: msPair(analytics.voiceToVoiceMs.p50, analytics.voiceToVoiceMs.p95),
      });
    });

    // Campaign A's row against GET /bulk/batches/:id.
    const rowA = rowOf(done.batchId);
    const apiA = await getJson(`/api/v1/bulk/batches/${done.batchId}`);
    await eventually(async () => {
      expect(await text(`${rowA} [data-testid="campaign-status"]`)).toBe(apiA.status);
      expect(await text(`${rowA} [data-testid="campaign-select"]`)).toBe('Payment reminders');
      expect(await text(`${rowA} [data-testid="campaign-processed"]`)).toBe(
        `${int(apiA.progress.processed)} / ${int(apiA.progress.total)} (${oneDecimal(apiA.progress.percentComplete)}%)`,
      );
      expect(await text(`${rowA} [data-testid="campaign-successful"]`)).toBe(int(apiA.progress.successful));
      expect(await text(`${rowA} [data-testid="campaign-failed"]`)).toBe(int(apiA.progress.failed));
      expect(await text(`${rowA} [data-testid="campaign-voicemail"]`)).toBe(int(apiA.progress.voicemail));
      expect(await text(`${rowA} [data-testid="campaign-in-progress"]`)).toBe(int(apiA.progress.inProgress));
    });
    for (const action of ['pause', 'resume', 'cancel']) await expect(page.locator(`${rowA} [data-testid="campaign-${action}"]`).isDisabled()).resolves.toBe(true);

    // The charts are Chart.js charts holding the analytics figures of the last 24 hours.
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 24 * 3_600_000).toISOString();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const [trends, performance] = await Promise.all([getJson(`/api/v1/analytics/trends?${range}&bucket=hour`), getJson(`/api/v1/analytics/performance?${range}`)]);
    const sum = (key: string) => trends.buckets.reduce((total: number, bucket: Record<string, number>) => total + bucket[key], 0);
    expect(sum('completed')).toBeGreaterThanOrEqual(2);
    expect(sum('voicemail')).toBeGreaterThanOrEqual(1);
    expect(performance.stages.voiceToVoiceMs.samples).toBeGreaterThan(0);
    expect(sum('retries')).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const outcomes = await page.evaluate<number[]>(`Chart.getChart('chart-outcomes').data.datasets.map((d) => d.data.reduce((a, b) => a + b, 0))`);
      expect(outcomes).toEqual([sum('completed'), sum('failed'), sum('voicemail')]);
      const retries = await page.evaluate<number[]>(`Chart.getChart('chart-retries').data.datasets[0].data`);
      expect(retries.reduce((a, b) => a + b, 0)).toBe(sum('retries'));
      const latency = await page.evaluate<(number | null)[]>(`Chart.getChart('chart-latency').data.datasets[0].data`);
      const v2v = performance.stages.voiceToVoiceMs;
      expect(latency).toEqual([v2v.p50, v2v.p90, v2v.p95, v2v.p99]);
      const histogram = await page.evaluate<number[]>(`Chart.getChart('chart-v2v').data.datasets[0].data`);
      expect(histogram).toEqual(performance.voiceToVoiceHistogram.map((bin: { count: number }) => bin.count));
      expect(histogram.reduce((a, b) => a + b, 0)).toBe(v2v.samples);
    });

    // Another period asks for day buckets; back to the last 24 hours for the screenshot.
    const weekRange = `from=${encodeURIComponent(new Date(Date.now() - 7 * 24 * 3_600_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`;
    const week = await getJson(`/api/v1/analytics/trends?${weekRange}&bucket=day`);
    await page.selectOption('[data-testid="period"]', '7d');
    await eventually(async () => expect(await page.evaluate<number>(`Chart.getChart('chart-outcomes').data.labels.length`)).toBe(week.buckets.length));
    await page.selectOption('[data-testid="period"]', '24h');
    await eventually(async () => expect(await page.evaluate<number>(`Chart.getChart('chart-outcomes').data.labels.length`)).toBe(trends.buckets.length));

    // Selecting campaign A lists its contacts, each call linked to its workflow in the Temporal UI.
    await page.locator(`${rowA} [data-testid="campaign-select"]`).click();
    const contacts = (await getJson(`/api/v1/bulk/batches/${done.batchId}/contacts?limit=50`)).data;
    expect(contacts).toHaveLength(6);
    await page.waitForSelector(`[data-testid="contacts-panel"][data-campaign-id="${done.batchId}"]`);
    const rows = page.locator('[data-testid="contact-row"]');
    await eventually(async () => expect(await rows.count()).toBe(6));
    const ui = stack.config.TEMPORAL_UI_URL.replace(/\/+$/, '');
    const namespace = stack.config.TEMPORAL_NAMESPACE;
    for (const [i, contact] of contacts.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-seq')).toBe(String(contact.seq));
      expect(((await row.locator('[data-testid="contact-number"]').textContent()) ?? '').trim()).toBe(contact.phoneNumber);
      expect(contact.phoneNumber).not.toMatch(/\d{6}/);
      expect(((await row.locator('[data-testid="contact-status"]').textContent()) ?? '').trim()).toBe(contact.status);
      expect(((await row.locator('[data-testid="contact-attempts"]').textContent()) ?? '').trim()).toBe(String(contact.attempts));
      expect(((await row.locator('[data-testid="contact-reason"]').textContent()) ?? '').trim()).toBe(contact.failureReason ? contact.failureReason.replace(/_/g, ' ') : '—');
      const link = row.locator('[data-testid="contact-workflow-link"]');
      expect(await link.getAttribute('href')).toBe(`${ui}/namespaces/${namespace}/workflows/${encodeURIComponent(contact.workflowId)}`);
      expect(((await link.textContent()) ?? '').trim()).toBe(contact.callId);
    }
    expect(contacts.map((c: { status: string }) => c.status).sort()).toEqual(['completed', 'completed', 'failed', 'failed', 'failed', 'voicemail']);
    expect(contacts.some((c: { attempts: number }) => c.attempts === 2)).toBe(true);
    expect(await page.locator('[data-testid="campaign-workflow-link"]').getAttribute('href')).toBe(
      `${ui}/namespaces/${namespace}/workflows/${encodeURIComponent(apiA.workflowId)}`,
    );

    // Campaign B's buttons call the POST routes: pause, resume, then cancel (after a confirmation).
    const rowB = rowOf(steered.batchId);
    const clickAndExpect = async (action: string, status: string) => {
      await page.locator(`${rowB} [data-testid="campaign-${action}"]`).click();
      await eventually(async () => expect((await getJson(`/api/v1/bulk/batches/${steered.batchId}`)).status).toBe(status), 15_000);
      await page.waitForSelector(`${rowB}[data-status="${status}"]`);
    };
    await clickAndExpect('pause', 'paused');
    expect(await page.locator(`${rowB} [data-testid="campaign-pause"]`).isDisabled()).toBe(true);
    await clickAndExpect('resume', 'running');
    page.once('dialog', (dialog) => void dialog.accept());
    await clickAndExpect('cancel', 'cancelled');
    for (const action of ['pause', 'resume', 'cancel']) await expect(page.locator(`${rowB} [data-testid="campaign-${action}"]`).isDisabled()).resolves.toBe(true);
    // Campaign B is under way, so its row follows its event stream (campaign A had finished: no stream).
    expect(streams).toContainEqual({ url: `/api/v1/bulk/batches/${steered.batchId}/events`, status: 200, contentType: 'text/event-stream; charset=utf-8' });
    expect(streams.some((stream) => stream.url.includes(done.batchId))).toBe(false);
    // Its withdrawn calls report back; the row follows the API until both contacts count as cancelled.
    await eventually(async () => {
      const apiB = await getJson(`/api/v1/bulk/batches/${steered.batchId}`);
      expect(apiB.progress).toMatchObject({ total: 2, processed: 2, cancelled: 2, inProgress: 0 });
      expect(await text(`${rowB} [data-testid="campaign-processed"]`)).toBe('2 / 2 (100%)');
      expect(await text(`${rowB} [data-testid="campaign-in-progress"]`)).toBe('0');
    }, 20_000);

    // The Calls panel filters through GET /api/v1/calls: campaign A's calls, as the API lists them.
    await page.fill('[data-testid="calls-filter-campaign"]', done.batchId);
    await page.click('[data-testid="calls-filter-apply"]');
    const listed = (await getJson(`/api/v1/calls?campaignId=${done.batchId}`)).data as { callLogId: string; status: string }[];
    expect(listed.length).toBeGreaterThan(0);
    await eventually(async () => {
      const rows = page.locator('[data-testid="call-row"]');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-call-log-id')))).toEqual(listed.map((call) => call.callLogId));
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(listed.map((call) => call.status));
    });
    // A filter the API refuses shows its message instead of a stale list.
    await page.fill('[data-testid="calls-filter-number"]', 'not a number');
    await page.click('[data-testid="calls-filter-apply"]');
    await eventually(async () => {
      expect(await page.locator('[data-testid="calls-error"]').isVisible()).toBe(true);
      expect(await page.locator('[data-testid="call-row"]').count()).toBe(0);
    });
    await page.click('[data-testid="calls-filter-reset"]');

    expect(await text('[data-testid="refresh-status"]')).toMatch(/^Updated /);
    // The browser logs the refused filter's 400 itself; that one is expected, nothing else is.
    const refusedFilter = /status of 400 .*\/api\/v1\/calls\?.*phoneNumber=not\+a\+number/;
    expect(pageErrors.filter((message) => !refusedFilter.test(message))).toEqual([]);
    await page.evaluate(`window.scrollTo(0, 0); document.querySelectorAll('.table-wrap').forEach((wrap) => { wrap.scrollLeft = 0; })`);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);

  it("follows a call live: its phase and transcript turns arrive while it talks, and it ends with the API's outcome", async () => {
    pageErrors.length = 0;
    const number = numberFor('000');
    const placed = await post('/api/v1/calls/outbound', { phoneNumber: number, agentId });
    await page.fill('[data-testid="calls-filter-number"]', number);
    await page.click('[data-testid="calls-filter-apply"]');
    const row = `[data-testid="call-row"][data-call-log-id="${placed.callLogId}"]`;
    await page.waitForSelector(row);
    await page.locator(`${row} [data-testid="call-open"]`).click();
    await page.waitForSelector(`[data-testid="call-panel"][data-call-log-id="${placed.callLogId}"]`);
    // A turn on the page while the stream is still live: the transcript grows during the call.
    await page.waitForSelector('[data-testid="call-panel"][data-live-state="live"] [data-testid="call-turn"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="call-panel"][data-live-state="ended"]', { timeout: 30_000 });

    const view = await getJson(`/api/v1/calls/${placed.callLogId}`);
    expect(view.status).toBe('completed');
    expect(await page.locator('[data-testid="call-panel-status"]').getAttribute('data-status')).toBe(view.status);
    const turns = page.locator('[data-testid="call-turn"]');
    expect(await turns.evaluateAll((items) => items.map((li) => li.getAttribute('data-speaker')))).toEqual(view.transcript.map((t: { speaker: string }) => t.speaker));
    expect(await page.locator('[data-testid="call-turn-text"]').allTextContents()).toEqual(view.transcript.map((t: { text: string }) => t.text));
    expect(await turns.evaluateAll((items) => items.map((li) => li.getAttribute('data-turn-id')))).toEqual(view.transcript.map((_: unknown, i: number) => `1.${i + 1}`));
    expect(streams).toContainEqual({ url: `/api/v1/calls/${placed.callLogId}/events`, status: 200, contentType: 'text/event-stream; charset=utf-8' });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
