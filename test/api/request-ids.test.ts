import { describe, expect, it } from 'vitest';
import { newRequestIds, newShortId, shortId } from '../../src/api/flavour.ts';
import { flavourOf } from '../../src/api/flavours.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('pooled request ids', () => {
  it('are version-4 uuids whose short id is shortId(uuid), all distinct across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const ids = newRequestIds();
      expect(ids.uuid).toMatch(UUID_V4);
      expect(ids.shortId).toBe(shortId(ids.uuid));
      seen.add(ids.uuid);
    }
    expect(seen.size).toBe(5000);
  });

  it('short ids alone have the shape and spread of shortId(randomUUID())', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(newShortId());
    expect(seen.size).toBe(3000);
    for (const id of seen) expect(Buffer.from(id, 'base64').toString('base64')).toBe(id);
    expect([...seen].every((id) => id.length === 16 && id.endsWith('='))).toBe(true);
  });

  it('the flavours send them: REST x-amzn-RequestId + x-amz-apigw-id, HTTP API apigw-requestid', () => {
    const [restName, uuid, idName, short] = flavourOf('rest').requestIdHeaders();
    expect([restName, idName]).toEqual(['x-amzn-RequestId', 'x-amz-apigw-id']);
    expect(uuid).toMatch(UUID_V4);
    expect(short).toBe(shortId(uuid));
    const [httpName, httpId] = flavourOf('http').requestIdHeaders();
    expect(httpName).toBe('apigw-requestid');
    expect(httpId).toHaveLength(16);
  });
});
