import { describe, expect, it } from 'vitest';
import { httpUrl, localUrl, networkUrls } from '../../src/server/urls';

describe('where the start-up message says to open the server', () => {
  it('names localhost, not the unspecified address, when bound to every address', () => {
    expect(localUrl('0.0.0.0', 8080)).toBe('http://localhost:8080');
    expect(localUrl('::', 8080)).toBe('http://localhost:8080');
    expect(localUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
  });

  it('puts an IPv6 address in brackets', () => {
    expect(httpUrl('::1', 8080)).toBe('http://[::1]:8080');
    expect(localUrl('fe80::1', 9000)).toBe('http://[fe80::1]:9000');
  });

  it('lists the network addresses only when bound to every address, never loopback', () => {
    expect(networkUrls('127.0.0.1', 8080)).toEqual([]);
    for (const url of networkUrls('0.0.0.0', 8080)) {
      expect(url).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8080$/);
      expect(url).not.toContain('127.0.0.1');
    }
  });
});
