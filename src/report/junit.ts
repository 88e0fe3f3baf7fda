/**
 * JUnit XML for CI test-report panels: one testsuite per run, one testcase per gate verdict.
 * A failed gate's <failure> carries the measured value and the threshold, so the panel says why
 * without opening the report. Reads only the RunResult (redacted first, like every renderer).
 */
import type { GateVerdict, RunResult } from '../result/schema.ts';
import { formatMetricValue, gateMetricLabel, gateMetricName } from '../gates/evaluate.ts';
import { redactResult } from '../core/redact.ts';
import type { Render } from './render.ts';

// XML 1.0 allows only these characters; anything else (control bytes in a note) is dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text made safe for an XML attribute or element. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function attrs(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
}

/** The metric name a gate expression starts with (`latency.p99 < 250ms` -> `latency.p99`). */
function testcase(v: GateVerdict, classname: string): string {
  const open = `    <testcase${attrs({ classname, name: v.expr, time: 0 })}`;
  if (v.passed) return `${open}>\n      <system-out>${escapeXml(v.reason ?? '')}</system-out>\n    </testcase>`;
  const actual = formatMetricValue(gateMetricName(v.expr), v.actual);
  const lines = [`actual: ${actual}`, `threshold: ${v.threshold}`];
  if (v.window) lines.push(`window: ${v.window}`);
  if (v.reason) lines.push(`reason: ${v.reason}`);
  const message = `${gateMetricLabel(v.expr)} was ${actual}, threshold ${v.threshold}${v.window ? ` (${v.window})` : ''}`;
  return `${open}>\n      <failure${attrs({ message, type: 'GateFailed' })}>${escapeXml(lines.join('\n'))}</failure>\n    </testcase>`;
}

/** The run as JUnit XML: `<testsuites>` with one `<testsuite>`, one `<testcase>` per gate. */
export function renderJunit(input: RunResult): string {
  const result = redactResult(input);
  const gates = result.gates ?? [];
  const failures = gates.filter((g) => !g.passed).length;
  const timeS = Number((result.schedule.durationS ?? 0).toFixed(3));
  const suiteName = `loadgate ${result.kind}: ${result.scenario.name}`;
  const properties = {
    runId: result.runId,
    target: result.scenario.target,
    targetRps: result.schedule.targetRps,
    achievedRps: Number(result.schedule.achievedRps.toFixed(3)),
    interrupted: String(result.interrupted),
  };
  const classname = `loadgate.${result.scenario.name.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
  const body = [
    `  <testsuite${attrs({ name: suiteName, tests: gates.length, failures, errors: 0, skipped: 0, time: timeS, timestamp: result.startedAtIso.replace(/\.\d+Z$/, 'Z') })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...gates.map((g) => testcase(g, classname)),
    ...(gates.length === 0 ? ['    <system-out>no gates were evaluated</system-out>'] : []),
    '  </testsuite>',
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'loadgate', tests: gates.length, failures, errors: 0, time: timeS })}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

renderJunit satisfies Render;
