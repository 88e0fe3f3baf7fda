/**
 * report.html opened in Debian's headless Chromium (playwright-core): every chart draws with
 * data, the page makes no network request, nothing logs an error, and a section without data
 * says why in one line. Screenshots go to a temp dir (path printed) for a human to judge.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/page.ts';
import type { RunResult } from '../../src/result/schema.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report.html browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const fixture = (name: string): RunResult => JSON.parse(readFileSync(new URL(`../fixtures/results/${name}`, import.meta.url), 'utf8')) as RunResult;
const outDir = mkdtempSync(join(tmpdir(), 'loadgate-report-html-'));

interface Opened {
  readonly page: Page;
  readonly requests: string[];
  readonly problems: string[];
}

interface ChartState {
  readonly id: string;
  readonly series: number;
  readonly points: number;
  readonly inkPixels: number;
}

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, result: RunResult): Promise<Opened> {
    const file = join(outDir, `${name}.html`);
    writeFileSync(file, renderHtml(result));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => Array.isArray((globalThis as unknown as { __loadgateCharts?: unknown[] }).__loadgateCharts));
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
    console.info(`report.html screenshot: ${join(outDir, `${name}.png`)}`);
    return { page, requests, problems };
  }

  /** Per chart: series count, points in the first series, and non-background pixels in its canvas. */
  function chartStates(page: Page): Promise<ChartState[]> {
    return page.evaluate(() => {
      // Structural types: the tsconfig has no DOM lib (this code runs in the page).
      type U = { __loadgateId: string; data: (number | null)[][]; ctx: { canvas: { width: number; height: number }; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const charts = (globalThis as unknown as { __loadgateCharts: U[] }).__loadgateCharts;
      return charts.map((u) => {
        const { width, height } = u.ctx.canvas;
        const pixels = u.ctx.getImageData(0, 0, width, height).data;
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4 * 7) if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200)) ink++;
        const points = u.data.slice(1).reduce((a, s) => a + s.filter((v) => v !== null).length, 0);
        return { id: u.__loadgateId, series: u.data.length - 1, points, inkPixels: ink };
      });
    });
  }

  it('draws every chart of a throttled run with data, offline, without errors', async () => {
    const { page, requests, problems } = await open('throttled', fixture('throttled.json'));
    const states = await chartStates(page);
    expect(states.map((s) => s.id).sort()).toEqual(['chart-cloudwatch', 'chart-latency-distribution', 'chart-latency-time', 'chart-rate', 'chart-send-lag', 'chart-throttle']);
    for (const s of states) {
      expect(s.points, s.id).toBeGreaterThan(1);
      expect(s.inkPixels, `${s.id} canvas looks blank`).toBeGreaterThan(200);
    }
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(problems).toEqual([]);
    expect(await page.locator('.badge.fail').first().textContent()).toContain('FAILED');
    await page.close();
  });

  it('shows one line instead of a chart when there are no limits and CloudWatch is unavailable', async () => {
    const { page, requests, problems } = await open('no-limits', fixture('no-limits.json'));
    const ids = (await chartStates(page)).map((s) => s.id);
    expect(ids).not.toContain('chart-throttle');
    expect(ids).not.toContain('chart-cloudwatch');
    expect(await page.locator('#sec-throttle p.empty').textContent()).toMatch(/No limits were declared/);
    expect(await page.locator('#sec-cloudwatch p.empty').textContent()).toMatch(/CloudWatch unavailable: GetMetricData failed/);
    expect(await page.locator('#sec-throttle canvas').count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps a hostile scenario name as text: no script injection through </script>', async () => {
    const base = fixture('no-limits.json');
    const evil: RunResult = { ...base, scenario: { ...base.scenario, name: '</script><script>window.__pwned = 1</script><b>x</b>' }, notes: ['</script><img src=x onerror="window.__pwned=2">'] };
    const { page, problems } = await open('hostile', evil);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('h1').textContent()).toContain('</script><script>');
    expect(problems).toEqual([]);
    await page.close();
  });
});
