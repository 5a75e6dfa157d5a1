/**
 * When bytes from the relay last arrived other than on the shared socket (a first state's download over HTTP,
 * firststate.ts). On 2G such a download holds the one link for about a minute, and the socket's frames wait behind
 * it: mux.ts must not take that silence for a dead link (it would drop every channel and connect again, behind the
 * same download). Small and without imports: the first screen's code imports it.
 */
let lastMs = 0;

/** Bytes from the relay have just arrived. */
export function relayAlive(): void {
  lastMs = Date.now();
}

/** When bytes from the relay last arrived outside the socket (0: never). */
export function relayAliveAt(): number {
  return lastMs;
}
