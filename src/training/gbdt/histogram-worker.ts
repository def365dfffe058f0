// The second core's half of the large histograms (see histogram-helper.ts).
// It waits on a shared control word, sums its features for the rows it is
// told, writes them to the shared output and signals back; no messages are
// exchanged after the first, so a request costs a futex wake, not a task.

import { fillHistogram } from "./histogram.ts";
import { CONTROL, type HelperSetup } from "./histogram-helper.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<HelperSetup>) => {
  const setup = event.data;
  const control = new Int32Array(setup.control);
  const bins = Array.from(
    { length: setup.features },
    (_, f) => new Uint8Array(setup.bins, f * setup.rows, setup.rows),
  );
  const rows = new Uint32Array(setup.rowOrder);
  const grad = new Float64Array(setup.grad);
  const hess = new Float64Array(setup.hess);
  const out = new Float64Array(setup.out);
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.sequence, seen);
    seen = Atomics.load(control, CONTROL.sequence);
    if (seen < 0) break;
    const start = control[CONTROL.start]!;
    const end = control[CONTROL.end]!;
    const from = control[CONTROL.from]!;
    out.fill(0);
    fillHistogram(out, bins, from, bins.length, rows, start, end, grad, hess);
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
};
