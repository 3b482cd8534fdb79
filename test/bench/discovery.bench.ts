// Discovery benchmark: active scan time of a /22 with 500 live hosts, rackd vs arp-scan at the same
// rate; passive ARP processing at rising generator rates until the capture drops frames. Prints tables.
// Run: npm run build && npx vitest run --config test/bench/vitest.config.ts test/bench/discovery.bench.ts

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, it } from 'vitest';
import { Lab } from '../integration/lab/lab.js';
import { RACKD_BIN } from '../integration/lab/rackd.js';
import { addAddresses } from '../integration/lab/discovery-lab.js';

const SINK = fileURLToPath(new URL('./support/arp-sink.mjs', import.meta.url));
const GENERATOR = fileURLToPath(new URL('./support/arp-generator.mjs', import.meta.url));
const LIVE = Array.from({ length: 500 }, (_, i) => `10.44.${i % 4}.${10 + Math.floor(i / 4)}/22`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let lab: Lab;
let a = '';
let b = '';

beforeAll(async () => {
  lab = await Lab.create('rkxb');
  a = await lab.addNamespace('a');
  b = await lab.addNamespace('b');
  await lab.link(a, 'ba0', b, 'bb0');
  await lab.addAddress(a, 'ba0', '10.44.0.1/22');
  await addAddresses(lab, b, 'bb0', LIVE);
});

afterAll(async () => {
  await lab?.destroy();
});

async function timed(cmd: string, args: string[]): Promise<{ seconds: number; found: number }> {
  const start = performance.now();
  const result = await lab.exec(a, cmd, args, { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`${cmd} failed: ${result.stderr}`);
  const found = result.stdout.split('\n').filter((line) => /^10\.44\./.test(line)).length;
  return { seconds: (performance.now() - start) / 1000, found };
}

it('scan of a /22 with 500 live hosts: rackd scan vs arp-scan', async () => {
  const rows: string[] = ['| rate (pps) | rackd scan (s) | found | arp-scan (s) | found |', '|---|---|---|---|---|'];
  for (const rate of [250, 500, 1000]) {
    const ours = await timed(process.execPath, [
      RACKD_BIN,
      'scan',
      '--rate',
      String(rate),
      '--wait',
      '500',
      '10.44.0.0/22',
    ]);
    const theirs = await timed('arp-scan', [
      '-I',
      'ba0',
      '-q',
      '-x',
      '--retry=1',
      '--timeout=500',
      `--interval=${Math.round(1_000_000 / rate)}u`,
      '10.44.0.0/22',
    ]);
    rows.push(
      `| ${rate} | ${ours.seconds.toFixed(2)} | ${ours.found} | ${theirs.seconds.toFixed(2)} | ${theirs.found} |`,
    );
  }
  console.log(`\nActive ARP scan, /22 (1021 targets), 500 live\n${rows.join('\n')}`);
});

it('passive ARP processing rate until frames drop', async () => {
  const sink = lab.spawn(b, process.execPath, [SINK, 'bb0']);
  let out = '';
  sink.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  while (!out.includes('ready')) await sleep(50);
  const rows: string[] = ['| offered (fps) | sent | processed | kernel drops | processed % |', '|---|---|---|---|---|'];
  let before = { frames: 0, dropped: 0 };
  for (const rate of [10_000, 25_000, 50_000, 100_000, 200_000, 400_000]) {
    const gen = await lab.exec(a, process.execPath, [GENERATOR, 'ba0', String(rate), '2'], { timeoutMs: 60_000 });
    const { sent, seconds } = JSON.parse(gen.stdout) as { sent: number; seconds: number };
    await sleep(1000);
    const mark = out.length;
    sink.kill('SIGUSR1');
    while (!out.slice(mark).includes('\n')) await sleep(20);
    const counters = JSON.parse(out.slice(mark).trim().split('\n')[0] as string) as { frames: number; dropped: number };
    const processed = counters.frames - before.frames;
    const drops = counters.dropped - before.dropped;
    before = counters;
    rows.push(
      `| ${Math.round(sent / seconds)} | ${sent} | ${processed} | ${drops} | ` +
        `${((100 * processed) / sent).toFixed(1)} |`,
    );
    if (processed < sent * 0.99) break;
  }
  sink.kill('SIGTERM');
  console.log(`\nPassive ARP (PcapPort → ArpObserver → BindingTable, 4096 senders)\n${rows.join('\n')}`);
});
