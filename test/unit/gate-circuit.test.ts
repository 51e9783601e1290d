import { circuitAfterReport, circuitAfterTick, circuitWithoutProbe, CLOSED_CIRCUIT, grantableCount, type CircuitChange } from '../../domain/gate-circuit';
import type { DialReport, GateCircuit } from '../../domain/line-gate-types';

const NOW = 1_000_000;
const OPEN_MS = 30_000;
const open: GateCircuit = { state: 'open', openUntil: NOW + 10, opensTotal: 1, probe: null };
const halfOpen: GateCircuit = { state: 'half_open', openUntil: NOW - 10, opensTotal: 1, probe: null };
const probing: GateCircuit = { ...halfOpen, probe: { workflowId: 'probe', expiresAt: NOW + 5_000 } };

describe('circuitAfterReport', () => {
  it.each<[string, GateCircuit, DialReport, GateCircuit['state'], CircuitChange]>([
    ['the failure that tripped the breaker opens a closed one', CLOSED_CIRCUIT, { workflowId: 'a', ok: false, tripped: true }, 'open', 'opened'],
    ['a trip reported to a breaker already open changes nothing', open, { workflowId: 'a', ok: false, tripped: true }, 'open', null],
    ['a failed probe opens it again', probing, { workflowId: 'probe', ok: false }, 'open', 'opened'],
    ['a good probe closes it', probing, { workflowId: 'probe', ok: true }, 'closed', 'closed'],
    ['a report from a call that is not the probe changes nothing', probing, { workflowId: 'other', ok: true }, 'half_open', null],
    ['a good dial while closed changes nothing', CLOSED_CIRCUIT, { workflowId: 'a', ok: true }, 'closed', null],
  ])('%s', (_label, circuit, report, state, change) => {
    const after = circuitAfterReport(circuit, report, NOW, OPEN_MS);
    expect(after.circuit.state).toBe(state);
    expect(after.change).toBe(change);
  });

  it('counts each opening and holds the breaker open for the configured time, without a probe', () => {
    const { circuit } = circuitAfterReport(probing, { workflowId: 'probe', ok: false }, NOW, OPEN_MS);
    expect(circuit).toEqual({ state: 'open', openUntil: NOW + OPEN_MS, opensTotal: 2, probe: null });
  });
});

describe('circuitAfterTick', () => {
  it.each<[string, GateCircuit, number, GateCircuit['state'], boolean, CircuitChange]>([
    ['open, time not up', open, NOW, 'open', false, null],
    ['open, time up: half-open', open, NOW + 10, 'half_open', false, 'half_opened'],
    ['half-open with a live probe', probing, NOW, 'half_open', true, null],
    ['half-open, the probe never reported before its lease ended', probing, NOW + 5_000, 'half_open', false, null],
    ['closed stays closed', CLOSED_CIRCUIT, NOW + 1e9, 'closed', false, null],
  ])('%s', (_label, circuit, now, state, hasProbe, change) => {
    const after = circuitAfterTick(circuit, now);
    expect(after.circuit.state).toBe(state);
    expect(after.circuit.probe !== null).toBe(hasProbe);
    expect(after.change).toBe(change);
  });
});

describe('grantableCount', () => {
  it.each<[string, GateCircuit, number, number]>([
    ['closed: everyone waiting', CLOSED_CIRCUIT, 7, 7],
    ['open: nobody', open, 7, 0],
    ['half-open without a probe: one', halfOpen, 7, 1],
    ['half-open without a probe, nobody waiting: none', halfOpen, 0, 0],
    ['half-open with a probe out: nobody else', probing, 7, 0],
  ])('%s', (_label, circuit, waiting, expected) => {
    expect(grantableCount(circuit, waiting)).toBe(expected);
  });
});

describe('circuitWithoutProbe', () => {
  it('frees the probe slot when the probe call leaves, and ignores other calls', () => {
    expect(circuitWithoutProbe(probing, 'probe').probe).toBeNull();
    expect(circuitWithoutProbe(probing, 'other')).toBe(probing);
  });
});
