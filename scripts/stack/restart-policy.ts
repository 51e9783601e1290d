/**
 * When the local stack restarts a process that exited on its own, and when it gives up. A process that
 * keeps crashing is restarted ever more slowly (1 s doubling to 30 s); five crashes of one process
 * within a minute mean something is wrong that restarting will not fix, so the stack stops.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** This many crashes within `crashWindowMs` stop the stack. */
  crashLimit: number;
  crashWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  crashLimit: 5,
  crashWindowMs: 60_000,
};

/** Crashes that still count at `now`: those inside the window. */
export function recentCrashes(crashTimes: readonly number[], now: number, policy: RestartPolicy): number[] {
  return crashTimes.filter((at) => now - at < policy.crashWindowMs);
}

export type RestartDecision = { action: 'restart'; delayMs: number } | { action: 'give_up'; crashes: number };

/**
 * What to do after a crash at `now`, given every crash time of that process (this one included). The
 * delay doubles with each crash inside the window, so a process that ran quietly for a minute starts
 * again from the shortest delay.
 */
export function decideRestart(crashTimes: readonly number[], now: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const crashes = recentCrashes(crashTimes, now, policy).length;
  if (crashes >= policy.crashLimit) return { action: 'give_up', crashes };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashes - 1));
  return { action: 'restart', delayMs };
}
