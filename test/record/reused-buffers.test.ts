/**
 * The recorder reuses its big buffers instead of freeing them (a freed one waits for V8's next
 * full GC, and RSS crept meanwhile): a written send-log chunk becomes the next chunk, a closed
 * second's histogram the next second's. Reuse must never carry a value over.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/record/histograms.ts';
import { readSendLogFile, SendLogFileWriter } from '../../src/record/send-log-file.ts';
import { ORIGIN } from '../../src/record/send-log.ts';
import { Timeline } from '../../src/record/series.ts';
import { CHUNK_ROWS, SpillingSendLog } from '../../src/record/spilling-send-log.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('SpillingSendLog reusing a written chunk', () => {
  it('leaves rows still unfinished in the reused chunk with no end, status 0 and no origin', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lg-reuse-'));
    const path = join(dir, 'send-log.bin');
    const log = new SpillingSendLog(new SendLogFileWriter(path, { originWallMs: 0, requests: [{ method: 'GET', path: '/' }] }));
    const rows = 3 * CHUNK_ROWS + 100;
    // Chunks 0 and 1 complete as they go (written, then reused for 2 and 3) with a throttled 429
    // everywhere; in chunks 2 and 3 every 10th row never completes.
    for (let i = 0; i < rows; i++) {
      log.append(i, 0, i, i + 0.5);
      if (i < 2 * CHUNK_ROWS || i % 10 !== 0) log.complete(i, i + 7, 429, ORIGIN.THROTTLE);
    }
    expect(log.liveChunks).toBeLessThanOrEqual(2);
    log.finish();
    const read = readSendLogFile(path).log;
    expect(read.count).toBe(rows);
    const unfinished = [2 * CHUNK_ROWS + 8, 2 * CHUNK_ROWS + 18, 3 * CHUNK_ROWS + 92];
    expect(unfinished.every((i) => i % 10 === 0)).toBe(true);
    for (const i of unfinished) {
      expect([Number.isNaN(read.endMs[i]), read.status[i], read.origin[i], read.arrivalIndex[i]]).toEqual([true, 0, ORIGIN.NONE, i]);
    }
    expect([read.endMs[2 * CHUNK_ROWS + 9], read.status[2 * CHUNK_ROWS + 9]]).toEqual([2 * CHUNK_ROWS + 16, 429]);
  });
});

describe('Timeline reusing a closed second\'s histogram', () => {
  it('gives the next second only its own latencies', () => {
    const timeline = new Timeline();
    for (let i = 0; i < 1000; i++) {
      timeline.sent(i, i);
      timeline.settled(i, 'ok', 800);
    }
    timeline.closeSettled(1);
    timeline.sent(1500, 1500);
    timeline.settled(1500, 'ok', 5);
    const [first, second] = timeline.rows(2);
    expect(first.p99Ms).toBeCloseTo(800, 0);
    expect(second.p99Ms).toBeCloseTo(5, 1);
    expect(decodeHistogram(second.latencyHistogram).totalCount).toBe(1);
  });
});
