/**
 * What one address or one account may hold of the relay (issue 10), applied to the HTTP server right after it is
 * created (server/app.ts) and to its relay. The limits come from the environment (config.ts `readLimits`, README
 * "Configuration"); invalid values stop the start with a ConfigError naming the variable.
 *
 * HTTP (slowloris): a request's headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole request (headers
 * and body) within HTTP_REQUEST_TIMEOUT_MS; Node checks both every `connectionsCheckingInterval`, here a quarter
 * of the headers timeout (at most 1 s), and answers 408. A connection that sends nothing is closed after the
 * headers timeout too (Node's timers start only with a request's first byte). At most HTTP_MAX_CONNS_PER_ADDRESS connections (HTTP and websocket) are
 * open per client address; one more is closed at once. Behind a NAT a village or a mobile carrier shares one
 * address, so the default is generous; 0 turns the cap off.
 * The relay (server/relay.ts): awareness, message and byte budgets, the slow-reader limits (`Relay.setLimits`).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { readLimits, type Limits } from './config.ts';
import type { Relay } from './relay.ts';

export function hardenServer(server: Server, relay: Relay, limits: Limits = readLimits(process.env)): void {
  relay.setLimits(limits);
  server.headersTimeout = limits.httpHeadersTimeoutMs;
  server.requestTimeout = limits.httpRequestTimeoutMs;
  // Read when the server starts listening: how often Node looks for connections past those timeouts.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(limits.httpHeadersTimeoutMs / 4)));
  // Node's timeouts start with the first byte of a request: a connection that never sends one is closed here.
  server.on('connection', (socket: Socket) => {
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.httpHeadersTimeoutMs);
    silent.unref();
    socket.once('close', () => clearTimeout(silent));
  });
  if (limits.httpMaxConnsPerAddress > 0) capPerAddress(server, limits.httpMaxConnsPerAddress);
}

function capPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? 'unknown';
    const n = (open.get(addr) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(addr, n);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left <= 0) open.delete(addr);
      else open.set(addr, left);
    });
  });
}
