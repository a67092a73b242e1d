// Bulk work sharing the sandbox's one event loop with everything else (max-rate log followers)
// takes turns on one queue: each turn of the event loop serves the queued pumps round robin for
// at most a few ms and then lets I/O in. With one setImmediate per stream, 200 streams at max
// rate made each loop turn ~100 ms of line writing and TLS encryption, and a new connection's
// handshake, which needs several turns, waited seconds. A real API server streams on some cores
// while it accepts on others; here, while connections are arriving (a tool opening 200 follows
// at once), turns are kept to 1 ms so the handshakes get the loop most of the time.
const TURN_MS = 4;
const TURN_MS_WHILE_ACCEPTING = 1;
/** How long after a new connection turns stay short (a TLS handshake takes a few turns). */
const ACCEPTING_MS = 300;

const ready: Array<() => void> = [];
let turnScheduled = false;
let lastAcceptAt = -Infinity;

/** Runs `pump` in a coming turn (once; a pump that wants more queues itself again). */
export function pumpSoon(pump: () => void): void {
  ready.push(pump);
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(turn);
  }
}

/** The API server accepted a connection: keep turns short for a while. */
export function noteConnectionAccepted(): void {
  lastAcceptAt = performance.now();
}

function turn() {
  turnScheduled = false;
  const now = performance.now();
  const deadline = now + (now - lastAcceptAt < ACCEPTING_MS ? TURN_MS_WHILE_ACCEPTING : TURN_MS);
  // Only the pumps queued before this turn: one that queues itself again waits for the next.
  for (let n = ready.length; n > 0 && performance.now() < deadline; n--) ready.shift()!();
  if (ready.length && !turnScheduled) {
    turnScheduled = true;
    setImmediate(turn);
  }
}
