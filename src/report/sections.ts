/**
 * The report, as data: a header, the verdicts, then the sections in reading order. Every
 * format lays out exactly this, from a redacted copy of the result.
 */
import { flavourOf } from '../api/flavours.ts';
import type { RunResult } from '../result/schema.ts';
import { fmtIso } from '../core/format.ts';
import type { Section, Verdict } from './model.ts';
import { redactResult } from '../core/redact.ts';
import { capacitySection, cloudwatchSection, throttleSection, verifySection } from './sections-analysis.ts';
import { gatesSection, latencySection, routesSection, scheduleSection, totalsSection } from './sections-run.ts';
import { verdictsOf } from './verdicts.ts';

/** Who ran what, where, when: the report's title block. */
export interface ReportHeader {
  readonly title: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly notes: readonly string[];
}

/** Everything a renderer lays out. */
export interface ReportModel {
  readonly header: ReportHeader;
  readonly verdicts: readonly Verdict[];
  readonly sections: readonly Section[];
  /** The redacted result the model was built from (the HTML charts read their series from it). */
  readonly result: RunResult;
}

function headerOf(r: RunResult): ReportHeader {
  const s = r.scenario;
  const facts: [string, string][] = [
    ['Scenario', s.file === null ? s.name : `${s.name} (${s.file})`],
    ['Target', `${s.target}${s.apiType === 'unknown' ? '' : ` (${flavourOf(s.apiType).label})`}`],
    ['Command', `loadgate ${r.kind}`],
    ['Started', fmtIso(r.startedAtIso)],
    ['Ended', fmtIso(r.endedAtIso)],
    ['Run id', r.runId],
    ['Tool', `${r.tool.name} ${r.tool.version}`],
  ];
  return { title: `loadgate ${r.kind}: ${s.name}`, facts, notes: r.notes };
}

/** Builds the report model of a result, secrets masked. */
export function reportModel(result: RunResult): ReportModel {
  const r = redactResult(result);
  const sections = [
    gatesSection(r),
    totalsSection(r),
    scheduleSection(r),
    latencySection(r),
    routesSection(r),
    throttleSection(r),
    cloudwatchSection(r),
    capacitySection(r),
    verifySection(r),
  ].filter((s): s is Section => s !== undefined);
  return { header: headerOf(r), verdicts: verdictsOf(r), sections, result: r };
}
