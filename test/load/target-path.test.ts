import { describe, expect, it } from 'vitest';
import { requestTargetFor } from '../../src/load/target-path.ts';

describe('requestTargetFor: the target exactly as given, one slash to join', () => {
  it.each([
    // [target, request path, sent, why]
    ['http://h/limited50', '/', '/limited50', 'the root path is the target itself: no slash appended'],
    ['http://h/limited50/', '/', '/limited50/', 'a trailing slash the user wrote is kept'],
    ['http://h/prod', '/items', '/prod/items', 'joined by one slash'],
    ['http://h/prod/', '/items', '/prod/items', 'never two slashes'],
    ['http://h/prod//', '//items', '/prod/items', 'extra slashes at the seam fold into one'],
    ['http://h', '/', '/', 'a bare origin sends /'],
    ['http://h', '/items/7', '/items/7', 'a bare origin takes the request path'],
    ['http://h/p?stage=1', '/items?id=2', '/p/items?stage=1&id=2', 'both query strings kept, the target first'],
    ['http://h/p?stage=1', '/', '/p?stage=1', 'the target query alone'],
    ['http://h/p', '/?id=2', '/p?id=2', 'the request query on the target itself'],
    ['http://h/a%20b', '/c', '/a%20b/c', 'percent-encoding is kept as given'],
  ])('%s + %s -> %s (%s)', (target, path, sent) => {
    expect(requestTargetFor(new URL(target), path)).toBe(sent);
  });
});
