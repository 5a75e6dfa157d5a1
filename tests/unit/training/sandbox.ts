/**
 * The practice sandbox's tests run with no network: `fetch` is a mock that refuses (returned, so a test can assert it
 * was never called) and `WebSocket` throws, for every test of the file that calls this at its top level.
 */
import { afterEach, beforeEach, vi } from 'vitest';

export function forbidNetwork() {
  const network = vi.fn(() => Promise.reject(new Error('the sandbox must not use the network')));
  beforeEach(() => {
    vi.stubGlobal('fetch', network);
    vi.stubGlobal('WebSocket', vi.fn(() => {
      throw new Error('the sandbox must not open sockets');
    }));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    network.mockClear();
  });
  return network;
}
