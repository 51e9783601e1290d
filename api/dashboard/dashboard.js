/*
 * Ringline operations dashboard (docs/dashboard.md). Plain browser script, no build step: it follows
 * campaigns and an opened call through the API's event streams (EventSource, authenticated by the
 * session cookie), reads the other figures from the public API every few seconds, and draws with
 * Chart.js (loaded before this file as the `Chart` global). Every figure on the page is a field of an
 * API answer, formatted; nothing is computed that the API could disagree with, apart from progress-bar widths.
 */
'use strict';

(function dashboard() {
  const POLL_MS = 5000;
  const CAMPAIGNS_SHOWN = 20;
  const CONTACTS_PER_PAGE = 50;
  const CALLS_PER_PAGE = 25;
  /**
   * The call list follows the poll less often than the figures: on FerretDB (the local stack) a page
   * reads every call of the organization that matches the filter (docs/database.md).
   */
  const CALLS_POLL_MS = 30000;
  /** Campaign progress comes by event stream; the list itself is read again this often, for new and finished campaigns. */
  const CAMPAIGNS_POLL_MS = 30000;
  /**
   * Campaigns followed by a stream at once. A browser opens at most six connections to one origin over
   * HTTP/1.1 and each stream holds one; these, the open call's stream and the page's own requests fit.
   * Unfinished campaigns beyond these are read with the list.
   */
  const LIVE_CAMPAIGNS_MAX = 3;
  /** A selected campaign's contacts are read again at most this often while its progress streams in. */
  const CONTACTS_AFTER_PROGRESS_MS = 2000;
  const FINAL_STATUSES = ['completed', 'cancelled'];
  /** No pause, resume or cancel for these: finished, or already winding down. */
  const UNSTEERABLE_STATUSES = [...FINAL_STATUSES, 'cancelling'];
  const PERIODS = {
    '24h': { ms: 24 * 3600e3, bucket: 'hour' },
    '7d': { ms: 7 * 24 * 3600e3, bucket: 'day' },
    '30d': { ms: 30 * 24 * 3600e3, bucket: 'day' },
  };
  const COLORS = {
    completed: '#2f9e44',
    failed: '#e03131',
    voicemail: '#f08c00',
    retries: '#1971c2',
    voiceToVoiceMs: '#5f3dc4',
    sttFinalMs: '#66a80f',
    llmFirstTokenMs: '#0c8599',
    ttsFirstByteMs: '#c2255c',
  };
  const LATENCY_STAGES = [
    ['voiceToVoiceMs', 'Voice to voice'],
    ['sttFinalMs', 'STT final'],
    ['llmFirstTokenMs', 'LLM first token'],
    ['ttsFirstByteMs', 'TTS first byte'],
  ];
  const PERCENTILES = ['p50', 'p90', 'p95', 'p99'];

  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const clock = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' });
  const hourLabel = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
  const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

  const state = {
    config: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    selected: selectedFromHash(),
    contactsPage: 1,
    /** The call list's filters as applied, and the cursors of the pages before the one shown (the first is null). */
    callFilters: {},
    callCursors: [null],
    callNextCursor: null,
    callsLoadedAt: 0,
    campaignsLoadedAt: 0,
    campaigns: new Map(),
    /** batchId → the EventSource following that campaign. */
    campaignStreams: new Map(),
    contactsTimer: null,
    /** The call shown in the call panel and its EventSource. */
    openCall: null,
    charts: {},
    refreshes: 0,
    timer: null,
    running: null,
    csrfToken: null,
  };

  // ---- formatting -----------------------------------------------------------------------------

  function formatInt(value) {
    return typeof value === 'number' ? integer.format(value) : '—';
  }
  function formatPercent(value) {
    return typeof value === 'number' ? percent.format(value) : '—';
  }
  /** "812 / 1,040 ms"; a dash for a percentile without samples, and a lone dash when neither has any. */
  function formatMsPair(first, second) {
    if (typeof first !== 'number' && typeof second !== 'number') return '—';
    return `${formatInt(first)} / ${formatInt(second)} ms`;
  }
  function formatDate(value) {
    return value ? dateTime.format(new Date(value)) : '—';
  }

  // ---- DOM helpers ----------------------------------------------------------------------------

  function byTestId(id, root) {
    return (root || document).querySelector(`[data-testid="${id}"]`);
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function setTile(id, text, value, note) {
    const tile = byTestId(id);
    tile.textContent = text;
    tile.dataset.value = value === null || value === undefined ? '' : String(value);
    byTestId(`${id}-note`).textContent = note || '';
  }

  function workflowUrl(workflowId) {
    const { temporalUiUrl, namespace } = state.config;
    return `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }

  // ---- API ------------------------------------------------------------------------------------

  async function api(path, options = {}) {
    const headers = { accept: 'application/json' };
    // The session cookie alone would let any page drive these: state changes carry the session's CSRF token.
    if (options.method && options.method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
    if (options.body) headers['content-type'] = 'application/json';
    const response = await fetch(path, { ...options, headers, credentials: 'same-origin' });
    const body = await response.json().catch(() => null);
    if (response.status === 401 && path !== '/dashboard/login') showLogin();
    if (!response.ok) {
      const message = body && body.error && body.error.message ? body.error.message : response.statusText;
      const error = new Error(`${path.split('?')[0]}: ${response.status} ${message}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function periodQuery() {
    const period = PERIODS[byTestId('period').value] || PERIODS['24h'];
    const to = new Date();
    const from = new Date(to.getTime() - period.ms);
    return { from: from.toISOString(), to: to.toISOString(), bucket: period.bucket };
  }

  // ---- header tiles ---------------------------------------------------------------------------

  async function refreshTiles() {
    const [stats, analytics] = await Promise.allSettled([api('/api/v1/calls/outbound/stats'), api('/api/v1/analytics/dashboard')]);
    if (stats.status === 'fulfilled') {
      const { lines, lineGate } = stats.value;
      const waiting = lines.waiting || {};
      setTile('tile-live', formatInt(lines.active), lines.active, 'holding a line now');
      setTile('tile-waiting', formatInt(lines.waitingTotal), lines.waitingTotal, `high ${formatInt(waiting.high)} · medium ${formatInt(waiting.medium)} · low ${formatInt(waiting.low)}`);
      const gateNote = lineGate === 'running' ? '' : ` · line gate ${lineGate.replace(/_/g, ' ')}`;
      setTile('tile-limit', formatInt(lines.limit), lines.limit, `${formatPercent(lines.utilization)} in use${gateNote}`);
    }
    if (analytics.status === 'fulfilled') {
      const { today, period, voiceToVoiceMs, live } = analytics.value;
      setTile('tile-today', formatInt(today.calls), today.calls, `${formatInt(today.completed)} completed · ${formatInt(today.attempts)} attempts · ${formatInt(live)} under way`);
      setTile('tile-success', formatPercent(period.successRate), period.successRate, `${formatInt(period.completed)} of ${formatInt(period.finished)} finished calls`);
      const v2v = formatMsPair(voiceToVoiceMs.p50, voiceToVoiceMs.p95);
      setTile('tile-v2v', v2v, `${voiceToVoiceMs.p50 ?? ''}/${voiceToVoiceMs.p95 ?? ''}`, `${formatInt(voiceToVoiceMs.samples)} turns in 7 days`);
    }
    const failures = [stats, analytics].filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (failures.length > 0) throw failures[0];
  }

  // ---- campaigns ------------------------------------------------------------------------------

  async function refreshCampaigns() {
    state.campaignsLoadedAt = Date.now();
    const list = await api(`/api/v1/bulk/batches?limit=${CAMPAIGNS_SHOWN}`);
    const streamed = new Set(list.data.filter((c) => !FINAL_STATUSES.includes(c.status)).slice(0, LIVE_CAMPAIGNS_MAX).map((c) => c.batchId));
    // The list is read from the database. A followed campaign keeps its streamed figures, which are
    // fresher; another one under way answers fresher figures from its workflow.
    const campaigns = await Promise.all(
      list.data.map((campaign) => {
        if (FINAL_STATUSES.includes(campaign.status)) return campaign;
        const known = state.campaigns.get(campaign.batchId);
        if (streamed.has(campaign.batchId) && known && state.campaignStreams.has(campaign.batchId)) return { ...campaign, ...streamedFields(known) };
        return api(`/api/v1/bulk/batches/${encodeURIComponent(campaign.batchId)}`).catch(() => campaign);
      }),
    );
    for (const campaign of campaigns) state.campaigns.set(campaign.batchId, campaign);
    renderCampaigns(campaigns);
    followCampaigns(streamed);
  }

  function streamedFields(campaign) {
    const { status, progress, startedAt, completedAt, live } = campaign;
    return { status, progress, startedAt, completedAt, live };
  }

  /** One stream per campaign in `batchIds`; streams of campaigns no longer among them are closed. */
  function followCampaigns(batchIds) {
    for (const [batchId, source] of state.campaignStreams) {
      if (!batchIds.has(batchId)) {
        source.close();
        state.campaignStreams.delete(batchId);
      }
    }
    for (const batchId of batchIds) if (!state.campaignStreams.has(batchId)) followCampaign(batchId);
  }

  /**
   * The campaign's `progress` events update its row as they come; `end` carries the final figures and
   * closes the stream. A refused stream (closed by the browser) leaves the row to the list's reload.
   */
  function followCampaign(batchId) {
    const source = new EventSource(`/api/v1/bulk/batches/${encodeURIComponent(batchId)}/events`);
    const apply = (event) => {
      const known = state.campaigns.get(batchId);
      if (!known) return;
      const campaign = { ...known, ...JSON.parse(event.data) };
      state.campaigns.set(batchId, campaign);
      const row = byTestId('campaigns-body').querySelector(`tr[data-campaign-id="${CSS.escape(batchId)}"]`);
      if (row) updateCampaignRow(row, campaign);
      if (state.selected === batchId) contactsSoon();
    };
    source.addEventListener('progress', apply);
    source.addEventListener('end', (event) => {
      source.close();
      state.campaignStreams.delete(batchId);
      apply(event);
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) state.campaignStreams.delete(batchId);
    });
    state.campaignStreams.set(batchId, source);
  }

  function contactsSoon() {
    if (state.contactsTimer) return;
    state.contactsTimer = setTimeout(() => {
      state.contactsTimer = null;
      refreshContacts().catch(showError);
    }, CONTACTS_AFTER_PROGRESS_MS);
  }

  function renderCampaigns(campaigns) {
    const body = byTestId('campaigns-body');
    const keep = new Set(campaigns.map((c) => c.batchId));
    for (const row of Array.from(body.rows)) if (!keep.has(row.dataset.campaignId)) row.remove();
    campaigns.forEach((campaign, index) => {
      let row = body.querySelector(`tr[data-campaign-id="${CSS.escape(campaign.batchId)}"]`);
      if (!row) row = createCampaignRow(campaign);
      updateCampaignRow(row, campaign);
      if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] || null);
    });
    byTestId('campaigns-empty').hidden = campaigns.length > 0;
  }

  function createCampaignRow(campaign) {
    const id = campaign.batchId;
    const select = el('button', { type: 'button', class: 'link-button', 'data-testid': 'campaign-select' });
    select.addEventListener('click', () => selectCampaign(id));
    const actions = ['pause', 'resume', 'cancel'].map((action) => {
      const button = el('button', { type: 'button', class: `action action-${action}`, 'data-testid': `campaign-${action}`, text: action[0].toUpperCase() + action.slice(1) });
      button.addEventListener('click', () => act(id, action, button));
      return button;
    });
    const segments = ['successful', 'failed', 'voicemail', 'cancelled', 'inProgress'].map((part) => el('span', { class: `segment segment-${part}`, 'data-part': part }));
    return el('tr', { 'data-testid': 'campaign-row', 'data-campaign-id': id }, [
      el('th', { scope: 'row' }, [select, el('div', { class: 'sub', 'data-testid': 'campaign-id', text: id })]),
      el('td', {}, [el('span', { class: 'badge', 'data-testid': 'campaign-status' })]),
      el('td', { class: 'progress-cell' }, [
        el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'data-testid': 'campaign-progress' }, segments),
        el('div', { class: 'sub', 'data-testid': 'campaign-processed' }),
      ]),
      el('td', { class: 'num', 'data-testid': 'campaign-successful' }),
      el('td', { class: 'num', 'data-testid': 'campaign-failed' }),
      el('td', { class: 'num', 'data-testid': 'campaign-voicemail' }),
      el('td', { class: 'num', 'data-testid': 'campaign-in-progress' }),
      el('td', { class: 'nowrap', 'data-testid': 'campaign-created' }),
      el('td', { class: 'actions' }, actions),
    ]);
  }

  function updateCampaignRow(row, campaign) {
    const { progress, status } = campaign;
    const name = campaign.name || campaign.batchId;
    const select = byTestId('campaign-select', row);
    select.textContent = name;
    select.setAttribute('aria-pressed', String(state.selected === campaign.batchId));
    select.setAttribute('aria-label', `Show the contacts of campaign ${name}`);
    row.classList.toggle('selected', state.selected === campaign.batchId);
    row.dataset.status = status;

    const badge = byTestId('campaign-status', row);
    badge.textContent = status;
    badge.className = `badge status-${status}`;

    const bar = byTestId('campaign-progress', row);
    bar.setAttribute('aria-valuemax', String(progress.total));
    bar.setAttribute('aria-valuenow', String(progress.processed));
    bar.setAttribute('aria-label', `${name}: ${progress.processed} of ${progress.total} contacts processed`);
    for (const segment of bar.children) {
      const count = progress[segment.dataset.part] || 0;
      segment.style.width = progress.total > 0 ? `${(count / progress.total) * 100}%` : '0%';
      segment.title = `${segment.dataset.part === 'inProgress' ? 'in progress' : segment.dataset.part}: ${formatInt(count)}`;
    }
    const processed = byTestId('campaign-processed', row);
    processed.textContent = `${formatInt(progress.processed)} / ${formatInt(progress.total)} (${decimal.format(progress.percentComplete)}%)`;
    processed.dataset.processed = String(progress.processed);
    processed.dataset.total = String(progress.total);
    for (const [testId, value] of [
      ['campaign-successful', progress.successful],
      ['campaign-failed', progress.failed],
      ['campaign-voicemail', progress.voicemail],
      ['campaign-in-progress', progress.inProgress],
    ]) {
      const cell = byTestId(testId, row);
      cell.textContent = formatInt(value);
      cell.dataset.value = String(value);
    }
    byTestId('campaign-created', row).textContent = formatDate(campaign.createdAt);

    const allowed = { pause: status === 'running', resume: status === 'paused', cancel: !UNSTEERABLE_STATUSES.includes(status) };
    for (const action of Object.keys(allowed)) {
      const button = byTestId(`campaign-${action}`, row);
      if (button.dataset.pending !== 'true') button.disabled = !allowed[action];
      button.setAttribute('aria-label', `${action[0].toUpperCase()}${action.slice(1)} campaign ${name}`);
    }
  }

  async function act(campaignId, action, button) {
    const campaign = state.campaigns.get(campaignId);
    const name = campaign ? campaign.name : campaignId;
    if (action === 'cancel' && !window.confirm(`Cancel campaign ${name}? Contacts not yet called will not be called.`)) return;
    const alert = byTestId('action-error');
    alert.hidden = true;
    button.disabled = true;
    button.dataset.pending = 'true';
    try {
      const view = await api(`/api/v1/bulk/batches/${encodeURIComponent(campaignId)}/${action}`, { method: 'POST' });
      state.campaigns.set(campaignId, view);
      const row = byTestId('campaigns-body').querySelector(`tr[data-campaign-id="${CSS.escape(campaignId)}"]`);
      delete button.dataset.pending;
      if (row) updateCampaignRow(row, view);
    } catch (error) {
      delete button.dataset.pending;
      alert.textContent = `Could not ${action} ${name}: ${error.message}`;
      alert.hidden = false;
    }
    state.campaignsLoadedAt = 0;
    refreshSoon();
  }

  // ---- charts ---------------------------------------------------------------------------------

  function baseOptions(yTitle) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
    };
  }

  function makeCharts() {
    const Chart = window.Chart;
    const countTicks = { precision: 0 };
    const outcomes = baseOptions('Attempts');
    outcomes.scales = { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: countTicks, title: { display: true, text: 'Attempts' } } };
    state.charts.outcomes = new Chart(document.getElementById('chart-outcomes'), {
      type: 'bar',
      data: {
        labels: [],
        datasets: ['completed', 'failed', 'voicemail'].map((key) => ({ label: key[0].toUpperCase() + key.slice(1), data: [], backgroundColor: COLORS[key], stack: 'outcomes' })),
      },
      options: outcomes,
    });
    const retries = baseOptions('Retry attempts');
    retries.scales.y.ticks = countTicks;
    state.charts.retries = new Chart(document.getElementById('chart-retries'), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'Retry attempts', data: [], backgroundColor: COLORS.retries }] },
      options: retries,
    });
    state.charts.latency = new Chart(document.getElementById('chart-latency'), {
      type: 'bar',
      data: { labels: PERCENTILES, datasets: LATENCY_STAGES.map(([key, label]) => ({ label, data: [], backgroundColor: COLORS[key] })) },
      options: baseOptions('Milliseconds'),
    });
    const v2v = baseOptions('Turns');
    v2v.scales.y.ticks = countTicks;
    state.charts.v2v = new Chart(document.getElementById('chart-v2v'), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'Turns', data: [], backgroundColor: COLORS.voiceToVoiceMs }] },
      options: v2v,
    });
  }

  function binLabel(bin) {
    return bin.toMs === null ? `≥${integer.format(bin.fromMs)}` : integer.format(bin.fromMs);
  }

  function bucketLabel(start, bucket) {
    const date = new Date(start);
    return bucket === 'hour' ? hourLabel.format(date) : dayLabel.format(date);
  }

  async function refreshCharts() {
    const { from, to, bucket } = periodQuery();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const [trends, performance] = await Promise.allSettled([
      api(`/api/v1/analytics/trends?${range}&bucket=${bucket}`),
      api(`/api/v1/analytics/performance?${range}`),
    ]);
    if (trends.status === 'fulfilled') {
      const { buckets } = trends.value;
      const labels = buckets.map((b) => bucketLabel(b.start, trends.value.bucket));
      const outcomes = state.charts.outcomes;
      outcomes.data.labels = labels;
      ['completed', 'failed', 'voicemail'].forEach((key, i) => {
        outcomes.data.datasets[i].data = buckets.map((b) => b[key]);
      });
      outcomes.update('none');
      const retries = state.charts.retries;
      retries.data.labels = labels;
      retries.data.datasets[0].data = buckets.map((b) => b.retries);
      retries.update('none');
      byTestId('chart-outcomes-empty').hidden = buckets.some((b) => b.completed + b.failed + b.voicemail > 0);
      byTestId('chart-retries-empty').hidden = buckets.some((b) => b.retries > 0);
    }
    if (performance.status === 'fulfilled') {
      const { stages } = performance.value;
      const latency = state.charts.latency;
      LATENCY_STAGES.forEach(([key], i) => {
        const stage = stages[key] || {};
        latency.data.datasets[i].data = PERCENTILES.map((p) => stage[p]);
      });
      latency.update('none');
      byTestId('chart-latency-empty').hidden = LATENCY_STAGES.some(([key]) => stages[key] && stages[key].samples > 0);
      const bins = performance.value.voiceToVoiceHistogram || [];
      const v2v = state.charts.v2v;
      v2v.data.labels = bins.map(binLabel);
      v2v.data.datasets[0].data = bins.map((bin) => bin.count);
      v2v.update('none');
      byTestId('chart-v2v-empty').hidden = bins.some((bin) => bin.count > 0);
    }
    const failure = [trends, performance].find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  // ---- one campaign's contacts ----------------------------------------------------------------

  function selectedFromHash() {
    const match = /^#campaign=([^&]+)$/.exec(window.location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function selectCampaign(campaignId) {
    state.selected = campaignId;
    state.contactsPage = 1;
    window.history.replaceState(null, '', `#campaign=${encodeURIComponent(campaignId)}`);
    for (const row of byTestId('campaigns-body').rows) {
      const selected = row.dataset.campaignId === campaignId;
      row.classList.toggle('selected', selected);
      byTestId('campaign-select', row).setAttribute('aria-pressed', String(selected));
    }
    byTestId('contacts-body').replaceChildren();
    refreshContacts()
      .then(() => byTestId('contacts-panel').scrollIntoView({ block: 'nearest' }))
      .catch(showError);
  }

  async function refreshContacts() {
    const panel = byTestId('contacts-panel');
    const campaignId = state.selected;
    if (!campaignId) {
      panel.hidden = true;
      return;
    }
    const id = encodeURIComponent(campaignId);
    const [campaign, contacts] = await Promise.all([
      state.campaigns.get(campaignId) || api(`/api/v1/bulk/batches/${id}`),
      api(`/api/v1/bulk/batches/${id}/contacts?page=${state.contactsPage}&limit=${CONTACTS_PER_PAGE}`),
    ]);
    if (state.selected !== campaignId) return;
    panel.hidden = false;
    panel.dataset.campaignId = campaignId;
    byTestId('contacts-heading').textContent = `Contacts of ${campaign.name || campaignId}`;
    const workflowLink = byTestId('campaign-workflow-link');
    workflowLink.href = workflowUrl(campaign.workflowId);
    workflowLink.textContent = `Campaign workflow ${campaign.workflowId} in the Temporal UI`;

    byTestId('contacts-body').replaceChildren(
      ...contacts.data.map((contact) =>
        el('tr', { 'data-testid': 'contact-row', 'data-seq': contact.seq, 'data-status': contact.status }, [
          el('td', { class: 'num', text: formatInt(contact.seq + 1) }),
          el('td', { class: 'mono', 'data-testid': 'contact-number', text: contact.phoneNumber }),
          el('td', {}, [el('span', { class: `badge status-${contact.status}`, 'data-testid': 'contact-status', text: contact.status })]),
          el('td', { class: 'num', 'data-testid': 'contact-attempts', text: formatInt(contact.attempts) }),
          el('td', { 'data-testid': 'contact-reason', text: contact.failureReason ? contact.failureReason.replace(/_/g, ' ') : '—' }),
          el('td', {}, [
            contact.workflowId
              ? el('a', {
                  href: workflowUrl(contact.workflowId),
                  target: '_blank',
                  rel: 'noopener noreferrer',
                  class: 'mono',
                  'data-testid': 'contact-workflow-link',
                  'aria-label': `Call ${contact.callId} in the Temporal UI`,
                  text: contact.callId,
                })
              : el('span', { class: 'sub', text: 'not started' }),
          ]),
        ]),
      ),
    );
    const first = contacts.total === 0 ? 0 : (contacts.page - 1) * contacts.limit + 1;
    const last = Math.min(contacts.page * contacts.limit, contacts.total);
    byTestId('contacts-range').textContent = `${formatInt(first)}–${formatInt(last)} of ${formatInt(contacts.total)}`;
    byTestId('contacts-prev').disabled = contacts.page <= 1;
    byTestId('contacts-next').disabled = last >= contacts.total;
  }

  // ---- the call list ------------------------------------------------------------------------

  function fillFilterChoices() {
    const form = byTestId('calls-filters');
    const choices = [
      [form.elements.status, state.config.callStatuses || []],
      [form.elements.failureReason, state.config.failureReasons || []],
    ];
    for (const [select, values] of choices) {
      select.replaceChildren(el('option', { value: '', text: 'any' }), ...values.map((value) => el('option', { value, text: value.replace(/_/g, ' ') })));
    }
  }

  /** The form's non-empty fields; dates go as YYYY-MM-DD, which the API reads as whole days in the account's zone. */
  function readCallFilters() {
    const filters = {};
    for (const field of byTestId('calls-filters').elements) {
      const text = field.name ? field.value.trim() : '';
      if (text !== '') filters[field.name] = text;
    }
    return filters;
  }

  function applyCallFilters() {
    state.callFilters = readCallFilters();
    state.callCursors = [null];
    refreshCalls().catch(showError);
  }

  async function refreshCalls() {
    const filters = state.callFilters;
    const cursor = state.callCursors[state.callCursors.length - 1];
    const query = new URLSearchParams({ ...filters, limit: String(CALLS_PER_PAGE), ...(cursor && { cursor }) });
    const error = byTestId('calls-error');
    state.callsLoadedAt = Date.now();
    let answer;
    try {
      answer = await api(`/api/v1/calls?${query}`);
    } catch (err) {
      // A filter the API refuses is the user's to fix, not a failed refresh of the page.
      if (err.status !== 400) throw err;
      error.textContent = err.message.replace(/^[^:]*: 400 /, '');
      error.hidden = false;
      byTestId('calls-body').replaceChildren();
      return;
    }
    if (filters !== state.callFilters || cursor !== state.callCursors[state.callCursors.length - 1]) return;
    error.hidden = true;
    state.callNextCursor = answer.nextCursor;
    byTestId('calls-body').replaceChildren(
      ...answer.data.map((call) =>
        el('tr', { 'data-testid': 'call-row', 'data-call-log-id': call.callLogId, 'data-status': call.status }, [
          el('td', { text: formatDate(call.createdAt) }),
          el('td', { class: 'mono', 'data-testid': 'call-number', text: call.phoneNumber }),
          el('td', { class: 'mono', text: call.agentId }),
          el('td', {}, [el('span', { class: `badge status-${call.status}`, 'data-testid': 'call-status', text: call.status.replace(/_/g, ' ') })]),
          el('td', { 'data-testid': 'call-reason', text: call.failureReason ? call.failureReason.replace(/_/g, ' ') : '—' }),
          el('td', { class: 'num', 'data-testid': 'call-attempts', text: formatInt(call.attemptCount) }),
          el('td', {}, [
            el('a', {
              href: workflowUrl(call.workflowId),
              target: '_blank',
              rel: 'noopener noreferrer',
              'aria-label': `Call ${call.callLogId} in the Temporal UI`,
              text: `#${call.latestAttempt.attempt} ${call.latestAttempt.status.replace(/_/g, ' ')}`,
            }),
          ]),
          el('td', { class: 'mono', text: call.campaignId || call.seriesId || '—' }),
          el('td', {}, [callOpenButton(call.callLogId)]),
        ]),
      ),
    );
    byTestId('calls-empty').hidden = answer.data.length > 0;
    byTestId('calls-page').textContent = `Page ${formatInt(state.callCursors.length)}`;
    byTestId('calls-newer').disabled = state.callCursors.length <= 1;
    byTestId('calls-older').disabled = !answer.nextCursor;
  }

  // ---- one call, live ----------------------------------------------------------------------------

  function callOpenButton(callLogId) {
    const button = el('button', { type: 'button', class: 'link-button', 'data-testid': 'call-open', 'aria-label': `Follow call ${callLogId}`, text: 'Follow' });
    button.addEventListener('click', () => openCall(callLogId));
    return button;
  }

  /**
   * Shows one call's phase and transcript from its event stream. The browser's EventSource reconnects
   * by itself and sends the last turn's id (Last-Event-ID), so the transcript resumes without repeats;
   * `end` closes the stream for good.
   */
  function openCall(callLogId) {
    closeCall();
    const panel = byTestId('call-panel');
    panel.hidden = false;
    panel.dataset.callLogId = callLogId;
    byTestId('call-heading').textContent = `Call ${callLogId}`;
    byTestId('call-transcript').replaceChildren();
    byTestId('call-transcript-empty').hidden = false;
    for (const id of ['call-panel-status', 'call-attempt', 'call-note']) byTestId(id).textContent = '';
    setCallLiveState('connecting');
    const source = new EventSource(`/api/v1/calls/${encodeURIComponent(callLogId)}/events`);
    state.openCall = { callLogId, source };
    source.addEventListener('open', () => setCallLiveState('live'));
    source.addEventListener('phase', (event) => showCallPhase(JSON.parse(event.data)));
    source.addEventListener('turn', (event) => showCallTurn(JSON.parse(event.data), event.lastEventId));
    source.addEventListener('end', (event) => {
      source.close();
      const end = JSON.parse(event.data);
      showCallStatus(end.status, end.failureReason);
      byTestId('call-attempt').textContent = `after ${formatInt(end.attempts)} attempt${end.attempts === 1 ? '' : 's'}`;
      byTestId('call-note').textContent = '';
      setCallLiveState('ended');
    });
    source.addEventListener('error', () => setCallLiveState(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting'));
    panel.scrollIntoView({ block: 'nearest' });
  }

  function closeCall() {
    if (state.openCall) state.openCall.source.close();
    state.openCall = null;
    byTestId('call-panel').hidden = true;
  }

  const CALL_LIVE_STATES = {
    connecting: 'connecting…',
    live: 'live',
    reconnecting: 'connection lost, reconnecting…',
    ended: 'ended',
    unavailable: 'not available (no access, or too many open streams)',
  };

  function setCallLiveState(liveState) {
    byTestId('call-panel').dataset.liveState = liveState;
    byTestId('call-live-state').textContent = CALL_LIVE_STATES[liveState];
  }

  function showCallStatus(status, failureReason) {
    const badge = byTestId('call-panel-status');
    badge.textContent = status.replace(/_/g, ' ') + (failureReason ? ` (${failureReason.replace(/_/g, ' ')})` : '');
    badge.className = `badge status-${status}`;
    badge.dataset.status = status;
  }

  function showCallPhase(phase) {
    showCallStatus(phase.status, phase.failureReason);
    byTestId('call-attempt').textContent = `attempt ${formatInt(phase.attempt)}`;
    const waiting = phase.waitReason ? `waiting: ${phase.waitReason.replace(/_/g, ' ')}` : '';
    const next = phase.nextAttemptAt ? `next attempt ${formatDate(phase.nextAttemptAt)}` : '';
    byTestId('call-note').textContent = [waiting, next].filter(Boolean).join(' · ');
  }

  function showCallTurn(turn, turnId) {
    const list = byTestId('call-transcript');
    // A reconnect resumes after the last id the browser saw, so a turn is never sent twice; this guards the page anyway.
    if (list.querySelector(`li[data-turn-id="${CSS.escape(turnId)}"]`)) return;
    list.append(
      el('li', { 'data-testid': 'call-turn', 'data-turn-id': turnId, 'data-speaker': turn.speaker }, [
        el('span', { class: 'speaker', text: turn.speaker === 'bot' ? 'Bot' : 'Caller' }),
        el('span', { class: turn.interrupted ? 'interrupted' : null, 'data-testid': 'call-turn-text', text: turn.text }),
        ...(turn.attempt > 1 && turn.turn === 1 ? [el('span', { class: 'sub', text: ` (attempt ${formatInt(turn.attempt)})` })] : []),
      ]),
    );
    byTestId('call-transcript-empty').hidden = true;
    list.scrollTop = list.scrollHeight;
  }

  // ---- the refresh loop -----------------------------------------------------------------------

  function showError(error) {
    const status = byTestId('refresh-status');
    status.textContent = `Some figures could not be loaded: ${error.message}`;
    status.classList.add('stale');
  }

  async function refresh() {
    clearTimeout(state.timer);
    const callsDue = Date.now() - state.callsLoadedAt >= CALLS_POLL_MS;
    const campaignsDue = Date.now() - state.campaignsLoadedAt >= CAMPAIGNS_POLL_MS;
    const results = await Promise.allSettled([
      refreshTiles(),
      refreshCharts(),
      ...(campaignsDue ? [refreshCampaigns(), refreshContacts()] : []),
      ...(callsDue ? [refreshCalls()] : []),
    ]);
    const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
    const status = byTestId('refresh-status');
    status.classList.toggle('stale', failures.length > 0);
    status.textContent = failures.length > 0 ? `Updated ${clock.format(new Date())}, with errors: ${failures.join('; ')}` : `Updated ${clock.format(new Date())}`;
    state.refreshes += 1;
    document.body.dataset.refreshes = String(state.refreshes);
    document.body.dataset.state = 'ready';
    state.timer = setTimeout(refreshSoon, POLL_MS);
  }

  /** One refresh at a time; a request for another while one runs is served by a second one after it. */
  function refreshSoon() {
    if (document.hidden) {
      clearTimeout(state.timer);
      state.timer = setTimeout(refreshSoon, POLL_MS);
      return;
    }
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = refresh().finally(() => {
      state.running = null;
      if (state.again) {
        state.again = false;
        refreshSoon();
      }
    });
  }

  // ---- login ----------------------------------------------------------------------------------

  function showLogin(message) {
    clearTimeout(state.timer);
    byTestId('main').hidden = true;
    byTestId('login-form').hidden = false;
    const error = byTestId('login-error');
    error.hidden = !message;
    error.textContent = message || '';
    document.body.dataset.state = 'login';
  }

  /** Resolves once a session exists: the one this browser has, or one opened with a key typed in. */
  async function ensureSession() {
    const current = await api('/dashboard/session').catch(() => ({ loggedIn: false }));
    if (current.loggedIn) {
      state.csrfToken = current.csrfToken;
      return;
    }
    showLogin();
    const form = byTestId('login-form');
    await new Promise((resolve) => {
      form.addEventListener('submit', async function onSubmit(event) {
        event.preventDefault();
        const input = byTestId('login-key');
        try {
          const session = await api('/dashboard/login', { method: 'POST', body: JSON.stringify({ key: input.value.trim() }) });
          state.csrfToken = session.csrfToken;
          input.value = '';
          form.removeEventListener('submit', onSubmit);
          resolve();
        } catch (error) {
          showLogin(error.status === 401 ? 'That key is unknown, revoked or expired.' : error.message);
        }
      });
    });
    form.hidden = true;
  }

  async function start() {
    await ensureSession();
    byTestId('main').hidden = false;
    document.body.dataset.state = 'loading';
    try {
      state.config = await api('/dashboard/config.json');
    } catch (error) {
      showError(error);
    }
    makeCharts();
    fillFilterChoices();
    const filters = byTestId('calls-filters');
    filters.addEventListener('submit', (event) => {
      event.preventDefault();
      applyCallFilters();
    });
    // After the reset has emptied the fields.
    filters.addEventListener('reset', () => setTimeout(applyCallFilters));
    byTestId('calls-older').addEventListener('click', () => {
      if (!state.callNextCursor) return;
      state.callCursors.push(state.callNextCursor);
      refreshCalls().catch(showError);
    });
    byTestId('calls-newer').addEventListener('click', () => {
      if (state.callCursors.length > 1) state.callCursors.pop();
      refreshCalls().catch(showError);
    });
    byTestId('period').addEventListener('change', () => refreshCharts().catch(showError));
    byTestId('contacts-prev').addEventListener('click', () => {
      state.contactsPage = Math.max(1, state.contactsPage - 1);
      refreshContacts().catch(showError);
    });
    byTestId('call-close').addEventListener('click', closeCall);
    byTestId('contacts-next').addEventListener('click', () => {
      state.contactsPage += 1;
      refreshContacts().catch(showError);
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refreshSoon();
    });
    window.addEventListener('hashchange', () => {
      const selected = selectedFromHash();
      if (selected && selected !== state.selected) selectCampaign(selected);
    });
    refreshSoon();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
