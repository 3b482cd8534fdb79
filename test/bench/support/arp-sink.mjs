// Benchmark helper (run inside a namespace, after `npm run build`): the passive ARP path exactly as the daemon
// runs it (PcapPort → ArpObserver → BindingTable), counting frames; prints its counters as JSON on SIGTERM.
import { PcapPort } from '../../../dist/agent/net/pcap-port.js';
import { ArpObserver, ARP_FILTER } from '../../../dist/agent/discovery/arp-observer.js';
import { BindingTable } from '../../../dist/agent/discovery/binding-table.js';
import { ConflictDetector } from '../../../dist/agent/discovery/conflict-detector.js';

const [iface] = process.argv.slice(2);
let events = 0;
const observer = new ArpObserver({
  table: new BindingTable(),
  conflicts: new ConflictDetector(),
  emit: () => events++,
});
const port = new PcapPort(iface, { filter: ARP_FILTER, snapLength: 1600, bufferSize: 8 * 1024 * 1024 });
port.onFrame((frame) => observer.handleFrame(iface, frame, Date.now()));
process.stdout.write('ready\n');
process.on('SIGUSR1', () =>
  process.stdout.write(`${JSON.stringify({ ...observer.counters.snapshot(), events, ...port.stats() })}\n`),
);
process.on('SIGTERM', () => {
  port.close();
  process.exit(0);
});
