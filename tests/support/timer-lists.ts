/**
 * Run as `node --expose-internals --import tsx tests/support/timer-lists.ts` (tests/integration/relay-timers.test.ts):
 * a relay of the test harness, SOCKETS sync sockets opened with a valid token and closed again, and the number of
 * Node's per-duration timer lists (`internal/timers` timerListMap) before, with the sockets open, and after they
 * closed, printed as one JSON line. Node drops the list of a cleared timer only if the timer was ref'd; an unref'd
 * one's list stays until its duration has passed, so a timer per socket with a duration of its own (a token's expiry,
 * hours away) would leave one list per closed socket behind.
 */
import { createRequire } from 'node:module';
import { LeanSocket } from '../integration/abuse-harness.ts';
import { login, RawClient, startTestServer } from '../integration/relay-harness.ts';
import { until } from './wait.ts';

const SOCKETS = 40;
const { timerListMap } = createRequire(import.meta.url)('internal/timers') as { timerListMap: Record<string, unknown> };
const lists = () => Object.keys(timerListMap).length;

const server = await startTestServer();
try {
  const token = await login(server.url, 'w0001');
  const before = lists();
  const socks: LeanSocket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    socks.push(new LeanSocket(RawClient.url(server.wsBase, 'org', token), false, () => false));
    // A millisecond apart: each socket's expiry is then a different duration away.
    await new Promise((r) => setTimeout(r, 2));
  }
  // Open on both ends: the relay counts a socket at its handshake, before the client has read the answer, and a
  // close() before the client's open fails that socket instead of closing it.
  await Promise.all(socks.map((s) => s.open()));
  await until(() => server.relay.socketCount() === SOCKETS, 'every socket open on the relay');
  const open = lists();
  for (const s of socks) s.close();
  await until(() => server.relay.socketCount() === 0, 'every socket closed on the relay');
  process.stdout.write(`${JSON.stringify({ sockets: SOCKETS, before, open, after: lists() })}\n`);
} finally {
  await server.stop();
}
