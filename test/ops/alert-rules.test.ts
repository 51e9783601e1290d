import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../scripts/infra/paths';
import { promtoolPath } from '../../scripts/infra/tool-paths';

/**
 * The alert rules, their unit tests and the example scrape configuration, as Prometheus's own checker
 * reads them. promtool comes from `npm run setup` (.tools/bin); without it this test fails, because
 * rules nobody checked are rules that may never fire.
 */
const DIR = path.join(ROOT_DIR, 'deploy', 'prometheus');

function promtool(args: string[], cwd = DIR): { status: number | null; output: string } {
  const run = spawnSync(promtoolPath(), args, { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool(['check', 'rules', 'alerts.yml']);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it("pass their unit tests (promtool test rules alerts.test.yml)", () => {
    const { status, output } = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('include the alerts docs/operations.md explains, and each links to its section there', () => {
    const rules = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8');
    const docs = readFileSync(path.join(ROOT_DIR, 'docs', 'operations.md'), 'utf8');
    const names = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['RinglineExotelBreakerOpen', 'RinglineCallFailureRateHigh', 'RinglineCallsStuckRinging', 'RinglineVoiceToVoiceSlow', 'RinglineWorkerDown', 'RinglineOutcomeWebhooksFailing']));
    for (const name of names) {
      expect(rules).toContain(`runbook: docs/operations.md#${name.toLowerCase()}`);
      expect(docs).toContain(`### ${name}`);
    }
  });

  it('come with an example scrape configuration that promtool accepts', () => {
    // The example reads the metrics token from a file it names; the check needs one to exist.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringline-prometheus-'));
    try {
      const token = path.join(dir, 'token');
      writeFileSync(token, 'metrics-token-0123456789');
      copyFileSync(path.join(DIR, 'alerts.yml'), path.join(dir, 'alerts.yml'));
      const example = readFileSync(path.join(DIR, 'prometheus.example.yml'), 'utf8');
      expect(example).toContain('/etc/prometheus/ringline-metrics-token');
      writeFileSync(path.join(dir, 'prometheus.yml'), example.replaceAll('/etc/prometheus/ringline-metrics-token', token));
      const { status, output } = promtool(['check', 'config', 'prometheus.yml'], dir);
      expect(output).toContain('SUCCESS');
      expect(status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
