import { scenarioSuffix } from './phone-number';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIO, type Scenario } from './scenarios';

/**
 * Which scenario the next dial of a number gets. Programmed sequences (`POST /sim/scenarios`) win over
 * the built-in table; each dial consumes one entry and the last entry repeats, so "busy, busy, answer"
 * reads as "the first two attempts are busy, every later one answers".
 */
export class ScenarioBook {
  private readonly programmed = new Map<string, Scenario[]>();

  program(e164: string, sequence: Scenario[]): void {
    if (sequence.length === 0) throw new Error('a scenario sequence needs at least one scenario');
    this.programmed.set(e164, [...sequence]);
  }

  /** The scenario for a dial, consuming it from a programmed sequence. */
  takeForDial(e164: string): Scenario {
    const sequence = this.programmed.get(e164);
    if (!sequence) return this.builtIn(e164);
    return sequence.length > 1 ? (sequence.shift() as Scenario) : sequence[0];
  }

  /** The scenario the next dial would get, without consuming it (number lookups use this). */
  peek(e164: string): Scenario {
    return this.programmed.get(e164)?.[0] ?? this.builtIn(e164);
  }

  programmedSequences(): Record<string, Scenario[]> {
    return Object.fromEntries(this.programmed);
  }

  reset(): void {
    this.programmed.clear();
  }

  private builtIn(e164: string): Scenario {
    return BUILT_IN_SCENARIOS[scenarioSuffix(e164)] ?? DEFAULT_SCENARIO;
  }
}
