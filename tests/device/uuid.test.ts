import { describe, expect, it } from 'vitest';
import { UUID_V7 } from '../../src/domain';
import { uuidv7 } from '../../src/device';

describe('uuidv7', () => {
  it('makes lower-case version-7 ids with the RFC variant', () => {
    for (let i = 0; i < 100; i++) expect(uuidv7()).toMatch(UUID_V7);
  });

  it('puts the milliseconds in the first 48 bits', () => {
    const ms = Date.UTC(2025, 2, 14, 3, 0, 0, 123);
    const id = uuidv7(() => ms, (b) => b.fill(0));
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    expect(id).toBe(`${ms.toString(16).padStart(12, '0').slice(0, 8)}-${ms.toString(16).padStart(12, '0').slice(8)}-7000-8000-000000000000`);
  });

  it('sorts by creation time', () => {
    const a = uuidv7(() => 1_700_000_000_000);
    const b = uuidv7(() => 1_700_000_000_001);
    expect(a < b).toBe(true);
  });
});
