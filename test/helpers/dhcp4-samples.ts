// Synthesized DHCPv4 messages covering every option value type, for round-trip, tshark and fuzz tests.

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { setOption } from '../../protocol/dhcp4/options.js';

export function baseMessage(op: 1 | 2 = 2): Dhcp4Message {
  return {
    op,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x12345678,
    secs: 3,
    flags: 0x8000,
    ciaddr: '0.0.0.0',
    yiaddr: op === 2 ? '10.77.0.100' : '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: Buffer.from('020000770002' + '00'.repeat(10), 'hex'),
    sname: '',
    file: '',
    options: new Map(),
  };
}

/** An ACK with one option of each wire type, plus an unknown option and option 82 to echo. */
export function richAck(): Dhcp4Message {
  const msg = baseMessage(2);
  msg.siaddr = '10.77.0.1';
  msg.file = 'pxelinux.0';
  const o = msg.options;
  setOption(o, 'message-type', 5);
  setOption(o, 'server-identifier', '10.77.0.1');
  setOption(o, 'lease-time', 3600);
  setOption(o, 'subnet-mask', '255.255.255.0');
  setOption(o, 'routers', ['10.77.0.1']);
  setOption(o, 'domain-name-servers', ['10.77.0.53', '10.77.0.54']);
  setOption(o, 'time-offset', -3600);
  setOption(o, 'interface-mtu', 1500);
  setOption(o, 'ip-forwarding', false);
  setOption(o, 'domain-name', 'lab.example');
  setOption(o, 'domain-search', ['lab.example', 'example.org', 'eng.lab.example']);
  setOption(o, 'classless-static-routes', [
    { destination: '10.30.0.0/16', gateway: '10.77.0.1' },
    { destination: '0.0.0.0/0', gateway: '10.77.0.1' },
  ]);
  setOption(o, 'client-system-architecture', [7]);
  o.set(224, Buffer.from('private option', 'latin1'));
  o.set(82, Buffer.from('01040000000102060a0b0c0d0e0f', 'hex'));
  return msg;
}
