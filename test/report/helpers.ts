/** Shared by the report tests: the sample results in test/fixtures/results. */
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../src/result/schema.ts';

/** Reads one fixture result (a fresh copy each call, so tests may modify it). */
export function fixture(name: 'throttled' | 'no-limits' | 'capacity' | 'verify'): RunResult {
  return JSON.parse(readFileSync(new URL(`../fixtures/results/${name}.json`, import.meta.url), 'utf8')) as RunResult;
}

/** The API key declared in throttled.json's limits (test/fixtures/results/make-fixtures.ts). */
export const FIXTURE_API_KEY = 'k-gold-SECRET-0001';
