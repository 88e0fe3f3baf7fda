import { mkdtempSync, readFileSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readSendLogFile, SendLogFileWriter, writeSendLogFile } from '../../src/record/send-log-file.ts';
import { SendLogBuilder, SEND_LOG_COLUMNS } from '../../src/record/send-log-builder.ts';
import type { SendLog } from '../../src/record/send-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'lg-sendlog-'));
const header = { originWallMs: 1_764_576_000_123, requests: [{ method: 'GET', path: '/items' }, { method: 'POST', path: '/orders', keyId: 'id:0123456789ab' }] };

function builderOf(rows: readonly (readonly [number, number, number, number, number, number, number])[]): SendLogBuilder {
  const b = new SendLogBuilder(16);
  for (const [arrival, req, intended, sent, end, status, origin] of rows) {
    const row = b.append(arrival, req, intended, sent);
    if (!Number.isNaN(end)) b.complete(row, end, status, origin as 0);
  }
  return b;
}

function columns(log: SendLog): Record<string, number[]> {
  return Object.fromEntries(SEND_LOG_COLUMNS.map(([name]) => [name, Array.from(log[name].subarray(0, log.count))]));
}

const row = fc.tuple(
  fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: 65_535 }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }),
  fc.oneof(fc.constant(Number.NaN), fc.double({ min: 0, max: 1e9, noNaN: true })), fc.integer({ min: 0, max: 599 }), fc.integer({ min: 0, max: 3 }),
);

describe('send-log.bin', () => {
  it('round-trips every column bit for bit, in chunks of any size, with the header', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 300 }), fc.array(fc.nat({ max: 300 }), { maxLength: 5 }), (rows, cuts) => {
        const log = builderOf(rows);
        const path = join(dir, 'rt.bin');
        const writer = new SendLogFileWriter(path, header);
        const bounds = [0, ...cuts.map((c) => Math.min(c, log.count)).sort((a, b) => a - b), log.count];
        for (let i = 1; i < bounds.length; i++) writer.append(log, bounds[i - 1], bounds[i]);
        writer.close();
        const read = readSendLogFile(path);
        expect(read.complete).toBe(true);
        expect(read.header).toEqual(header);
        expect(read.log.count).toBe(log.count);
        expect(columns(read.log)).toEqual(columns(log.toSendLog()));
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('a file cut short by a kill reads as the prefix of whole chunks, marked incomplete', () => {
    const log = builderOf(Array.from({ length: 100 }, (_, i) => [i, 0, i, i + 0.5, i + 3, 200, 0] as const));
    const path = join(dir, 'cut.bin');
    const writer = new SendLogFileWriter(path, header);
    writer.append(log, 0, 40);
    writer.append(log, 40, 100);
    writer.close();
    truncateSync(path, statSync(path).size - 10); // end mark and part of the second chunk gone
    const read = readSendLogFile(path);
    expect(read.complete).toBe(false);
    expect(read.log.count).toBe(40);
    expect(Array.from(read.log.sentMs.subarray(38, 40))).toEqual([38.5, 39.5]);
  });

  it('refuses what is not a send log, or another version, in one line naming the file', () => {
    const notOne = join(dir, 'result.json');
    writeFileSync(notOne, '{"schemaVersion":1}');
    expect(() => readSendLogFile(notOne)).toThrow(`${notOne}: not a loadgate send log (no LGSENDLG mark)`);
    const path = join(dir, 'v9.bin');
    writeSendLogFile(path, builderOf([]), header);
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(9, 8);
    writeFileSync(path, bytes);
    expect(() => readSendLogFile(path)).toThrow('version 9; this loadgate reads version 1');
    expect(() => readSendLogFile(join(dir, 'missing.bin'))).toThrow('cannot read the send log (ENOENT)');
  });

  it('is the header, 33 bytes a row and the end mark', () => {
    const log = builderOf(Array.from({ length: 1000 }, (_, i) => [i, 1, i, i, i + 1, 200, 0] as const));
    const path = join(dir, 'size.bin');
    writeSendLogFile(path, log, header);
    const json = JSON.stringify({ format: 'loadgate-send-log', version: 1, columns: SEND_LOG_COLUMNS.map(([n, T]) => [n, T.name]), ...header });
    expect(statSync(path).size).toBe(16 + Buffer.byteLength(json) + 4 + 1000 * 33 + 4);
  });
});
