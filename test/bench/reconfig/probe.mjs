// Reconfiguration probe (run inside the client namespace, after `npm run build`): a relay agent (RFC 2131 §4.1,
// RFC 1542 §4) that DISCOVERs for one MAC every interval until an OFFER comes, REQUESTs it, and timestamps the ACK.
//
// stdin, one JSON line per probe: {"mac","xid","intervalMs","timeoutMs"}. stdout, one JSON line per event:
// {"event":"ready"} once bound; {"event":"started",mac,at}; then {"event":"ack"|"nak"|"timeout",mac,...}.
// Times are performance.timeOrigin + performance.now() (wall-clock ms, sub-ms resolution), as the bench takes its own.
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { decodeDhcp4, encodeDhcp4 } from '../../../dist/protocol/dhcp4/codec.js';

const [probeIp, serverIp] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const REQUEST_RESEND_MS = 10;
const probes = new Map();
const socket = dgram.createSocket({ type: 'udp4' });

function print(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function message(probe, type, extra) {
  const chaddr = Buffer.alloc(16);
  Buffer.from(probe.mac.replaceAll(':', ''), 'hex').copy(chaddr);
  const options = new Map([[53, Buffer.from([type])], ...extra, [55, Buffer.from([1, 3, 51, 54])]]);
  return encodeDhcp4({
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 1,
    xid: probe.xid,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: probeIp,
    chaddr,
    sname: '',
    file: '',
    options,
  });
}

function send(probe) {
  if (probe.offer === undefined) {
    probe.discovers++;
    socket.send(message(probe, 1, []), 67, serverIp);
  } else {
    probe.requests++;
    socket.send(
      message(probe, 3, [
        [50, probe.offer.requested],
        [54, probe.offer.serverId],
      ]),
      67,
      serverIp,
    );
  }
}

function finish(probe, event, extra = {}) {
  clearInterval(probe.timer);
  clearTimeout(probe.deadline);
  probes.delete(probe.xid);
  print({
    event,
    mac: probe.mac,
    startedAt: probe.startedAt,
    discovers: probe.discovers,
    requests: probe.requests,
    ...extra,
  });
}

function start(command) {
  const probe = {
    mac: command.mac,
    xid: command.xid >>> 0,
    startedAt: now(),
    discovers: 0,
    requests: 0,
    offer: undefined,
  };
  probes.set(probe.xid, probe);
  send(probe);
  probe.timer = setInterval(() => send(probe), command.intervalMs);
  probe.deadline = setTimeout(() => finish(probe, 'timeout'), command.timeoutMs);
  print({ event: 'started', mac: probe.mac, at: probe.startedAt });
}

function onReply(buf) {
  const at = now();
  let reply;
  try {
    reply = decodeDhcp4(buf);
  } catch {
    return;
  }
  const probe = probes.get(reply.xid);
  if (reply.op !== 2 || probe === undefined) return;
  const type = reply.options.get(53)?.[0];
  if (type === 2 && probe.offer === undefined) {
    const serverId = reply.options.get(54) ?? Buffer.from(serverIp.split('.').map(Number));
    probe.offer = { at, ip: reply.yiaddr, requested: Buffer.from(reply.yiaddr.split('.').map(Number)), serverId };
    // An ACK lost to the load must not end the sample: the REQUEST is repeated until one comes back.
    clearInterval(probe.timer);
    send(probe);
    probe.timer = setInterval(() => send(probe), REQUEST_RESEND_MS);
  } else if ((type === 5 || type === 6) && probe.offer !== undefined) {
    finish(probe, type === 5 ? 'ack' : 'nak', { ip: reply.yiaddr, offerAt: probe.offer.at, ackAt: at });
  }
}

socket.on('message', onReply);
socket.on('error', (err) => {
  process.stderr.write(`probe socket: ${err.message}\n`);
  process.exit(1);
});
socket.bind({ address: probeIp, port: 67 }, () => print({ event: 'ready' }));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== '') start(JSON.parse(line));
});
process.stdin.on('end', () => process.exit(0));
