// `rackctl`: the operator's and scripts' view of the region (PROTOCOL.md §4–§7) — publish config, call racks,
// list racks, tail events. Process wiring only; the commands live in rackctl/.

import { rackctl } from './rackctl/main.js';

const controller = new AbortController();
// The first Ctrl-C ends a long-running command cleanly (events tail acks what it printed); a second one kills.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    controller.abort();
    process.once(signal, () => process.exit(130));
  });
}

process.exitCode = await rackctl(
  process.argv.slice(2),
  {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  },
  process.env,
  controller.signal,
);
