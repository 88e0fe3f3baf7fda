/**
 * The target of a run: the scenario's URL, or the embedded emulator that loadgate starts in its
 * own process (docs/architecture.md "Scenario limits vs the emulator"): from the scenario's `emulator`
 * config if given, else from its `limits`, else with AWS's account defaults.
 */
import type { ApiType } from './api/flavours.ts';
import { parseLimits } from './core/limits.ts';
import type { Scenario } from './scenario/types.ts';
import { emulatorConfigFromLimits, parseEmulatorConfig } from './emulator/config.ts';
import { spawnEmulator, type RunningEmulator } from './emulator/process.ts';
import { LoadgateError } from './errors.ts';
import type { EmulatorSection, RunResult } from './result/schema.ts';

export interface StartedTarget {
  readonly url: string;
  /** Set when loadgate started the emulator for this run. */
  readonly emulator: RunningEmulator | undefined;
  readonly apiType: ApiType | 'unknown';
  stop(): Promise<void>;
}

export async function startTarget(scenario: Scenario): Promise<StartedTarget> {
  if (scenario.target !== undefined) {
    return { url: scenario.target, emulator: undefined, apiType: scenario.limits?.api.type ?? 'unknown', stop: async () => {} };
  }
  const config =
    scenario.emulator !== undefined
      ? parseEmulatorConfig(scenario.emulator, scenario.file ?? undefined, 'emulator')
      : emulatorConfigFromLimits(scenario.limits ?? parseLimits({}, undefined));
  const emulator = await spawnEmulator(config);
  const stages = Object.keys(emulator.stages);
  const stage = scenario.stage ?? (scenario.limits ? Object.keys(scenario.limits.stages)[0] : undefined) ?? stages[0];
  const url = emulator.stages[stage];
  if (url === undefined) {
    await emulator.close();
    throw new LoadgateError('CONFIG', `${scenario.file ?? 'scenario'}: stage ${JSON.stringify(stage)} is not served by the emulator (stages: ${stages.join(', ')})`);
  }
  return { url, emulator, apiType: emulator.apiType, stop: () => emulator.close() };
}

/**
 * The result with its `emulator` section (when loadgate started the emulator) and a note when
 * the emulator failed: it exited before the run stopped it, or answered its last-resort 500s.
 * Call after `stop()`, so the child's last count has arrived.
 */
export function withEmulatorHealth(result: RunResult, target: StartedTarget): RunResult {
  if (target.emulator === undefined) return result;
  const health = target.emulator.health();
  const exited = health.exitedEarly;
  const section: EmulatorSection = {
    internalErrors: health.internalErrors,
    exitedEarly: exited === null ? null : { atIso: new Date(exited.atWallMs).toISOString(), exit: exited.exit },
  };
  const notes = [...result.notes];
  if (exited !== null) {
    const intoS = ((exited.atWallMs - Date.parse(result.startedAtIso)) / 1000).toFixed(1);
    notes.push(`the emulator loadgate started exited early (${exited.exit}, ${intoS} s into the run): requests after that were refused, not answered`);
  }
  if (health.internalErrors > 0) {
    notes.push(`the emulator loadgate started hit ${health.internalErrors} internal errors (its own bugs; a request one hit was answered 500 and counts as a 5XXError; first: ${health.firstError ?? 'unknown'})`);
  }
  return { ...result, notes, emulator: section };
}

