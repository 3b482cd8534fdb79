// Benchmark helper: injects ARP requests (RFC 826) from 4096 distinct senders at RATE frames/s for SECONDS,
// paced by the clock in 1 ms slices; prints how many it sent.
import pcap from 'pcap';

const [iface, rateText, secondsText] = process.argv.slice(2);
const rate = Number(rateText);
const total = Math.round(rate * Number(secondsText));
const session = pcap.createSession(iface, { filter: 'ether proto 0x88b5', buffer_timeout: 1 });
const frame = Buffer.from(
  'ffffffffffff525400000a0008060001080006040001525400000a000a000000000000000000000a00fffe' + '00'.repeat(18),
  'hex',
);
let sent = 0;
const start = performance.now();
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
  for (; sent < due; sent++) {
    frame.writeUInt16BE(sent & 0x0fff, 30);
    session.inject(frame);
  }
}
const seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ sent, seconds })}\n`);
session.close();
process.exit(0);
