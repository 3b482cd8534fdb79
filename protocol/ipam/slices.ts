// Work done a slice at a time (a generator that yields between slices), so an event-loop caller can let packets
// through between them. Here, with no timers: the caller decides when to resume; this runs one to its end at once.

/**
 * Rows per slice by default: a slice of index inserts or row copies then takes a few ms on this project's machine,
 * which bounds how long a packet (or a delta) waits behind a million-row rebuild.
 */
export const SLICE_ROWS = 16_384;

/** Runs a sliced computation to its result in one piece. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}
