// DiscoveryService over in-memory ports: events reach onEvent sinks, scans pace and collect
// replies through the passive path, probes name foreign DHCP servers, declines raise conflicts, RPC refusals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ArpOp, decodeArp } from '../../../../protocol/net/arp.js';
import { decodeEthernet } from '../../../../protocol/net/ethernet.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../../../protocol/net/udp-frame.js';
import { decodeDhcp4, encodeDhcp4 } from '../../../../protocol/dhcp4/codec.js';
import { rackEventSchema } from '../../../../protocol/region/events.js';
import { DEFAULT_DISCOVERY_SETTINGS } from '../../../../agent/discovery/options.js';
import type { DiscoveryEvent } from '../../../../agent/discovery/events.js';
import { DiscoveryService } from '../../../../agent/discovery/service.js';
import { discoveryRpcHandlers, DiscoveryRpcError } from '../../../../agent/discovery/rpc.js';
import { toRegionEvent } from '../../../../agent/discovery/region-events.js';
import { readDiscoveryState } from '../../../../agent/discovery/state-file.js';
import type { InterfaceInfo } from '../../../../agent/net/interface-info.js';
import { MemoryPort } from '../../../helpers/memory-port.js';
import { arpFrame } from '../../../helpers/arp-frames.js';
import { announcement } from '../../../helpers/mdns-samples.js';

const OUR_MAC = '52:54:00:99:00:01';
const IFACE: InterfaceInfo = {
  name: 'eth0',
  index: 2,
  mac: OUR_MAC,
  up: true,
  addresses: [{ family: 4, address: '10.20.0.1', prefixLength: 24 }],
};
const ROGUE_MAC = '52:54:00:66:66:66';

function rig(settings: Partial<typeof DEFAULT_DISCOVERY_SETTINGS> = {}, stateDir?: string) {
  const port = new MemoryPort('eth0');
  const events: DiscoveryEvent[] = [];
  const service = new DiscoveryService({
    logger: pino({ level: 'silent' }),
    settings: { ...DEFAULT_DISCOVERY_SETTINGS, probeIntervalMs: 0, probeListenMs: 200, ...settings },
    interfaces: ['eth0'],
    openPort: () => port,
    interfaceInfo: (name) => (name === 'eth0' ? IFACE : undefined),
    reservedMacs: (ip) => (ip === '10.20.0.50' ? ['52:54:00:00:00:50'] : undefined),
    ...(stateDir ? { stateDir } : {}),
  });
  service.onEvent((e) => events.push(e));
  return { port, service, events };
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('DiscoveryService', () => {
  it('turns captured ARP and mDNS into events, and region events that pass the region schema', async () => {
    const { port, service, events } = rig();
    await service.start();
    port.deliver(arpFrame({ senderMac: '52:54:00:00:00:07', senderIp: '10.20.0.30', targetIp: '10.20.0.1', vid: 30 }));
    port.deliver(
      encodeUdpFrame({
        srcMac: '52:54:00:00:00:07',
        dstMac: '01:00:5e:00:00:fb',
        srcIp: '10.20.0.30',
        dstIp: '224.0.0.251',
        srcPort: 5353,
        dstPort: 5353,
        payload: announcement(),
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['neighbour', 'mdns', 'mdns']);
    for (const event of events) {
      const regional = toRegionEvent(event, 'rack-1');
      expect(rackEventSchema.safeParse(regional).success, JSON.stringify(regional)).toBe(true);
    }
    await service.close();
    expect(port.closed).toBe(true);
  });

  it('scans at the requested rate and reports the hosts that answer', async () => {
    const { port, service, events } = rig();
    await service.start();
    const live = new Set(['10.20.0.7', '10.20.0.100', '10.20.0.254']);
    const sendTimes: number[] = [];
    port.send = (frame: Buffer) => {
      sendTimes.push(performance.now());
      const { value: eth, offset } = decodeEthernet(frame);
      const arp = decodeArp(frame, offset);
      expect(eth.dstMac).toBe('ff:ff:ff:ff:ff:ff');
      expect(arp).toMatchObject({ op: ArpOp.Request, senderMac: OUR_MAC, senderIp: '10.20.0.1' });
      if (live.has(arp.targetIp)) {
        setImmediate(() =>
          port.deliver(
            arpFrame({
              op: 'reply',
              senderMac: '52:54:00:00:01:01',
              senderIp: arp.targetIp,
              targetMac: OUR_MAC,
              targetIp: '10.20.0.1',
            }),
          ),
        );
      }
    };
    const summary = await service.scan({ cidrs: ['10.20.0.0/24'], ratePps: 500, waitMs: 100 });
    expect(summary.scanned).toBe(253);
    expect(summary.hosts.map((h) => h.ip).sort()).toEqual([...live].sort());
    const measured = ((sendTimes.length - 1) * 1000) / ((sendTimes.at(-1) as number) - (sendTimes[0] as number));
    expect(measured).toBeGreaterThan(400);
    expect(measured).toBeLessThan(600);
    expect(events.at(-1)).toMatchObject({ kind: 'scan-done', summary: { found: 3 } });
    await service.close();
  });

  it('refuses a second scan, a scan of everything without force, and more than a /16', async () => {
    const { service } = rig();
    await service.start();
    const rpc = discoveryRpcHandlers(service);
    await expect(rpc.scan({})).rejects.toMatchObject({ code: 'invalid-params', field: 'cidrs' });
    await expect(rpc.scan({ cidrs: ['10.0.0.0/15'] })).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringContaining('force'),
    });
    await expect(rpc.scan({ cidrs: ['10.20.0.0/30'], rate_pps: -1 })).rejects.toBeInstanceOf(DiscoveryRpcError);
    const first = rpc.scan({ cidrs: ['10.20.0.0/28'], rate_pps: 50 });
    await expect(rpc.scan({ cidrs: ['10.20.0.0/28'] })).rejects.toMatchObject({ code: 'busy' });
    await expect(first).resolves.toMatchObject({ scanned: 13 });
    await service.close();
  });

  it('names a foreign DHCP server that answers the probe, and not our own', async () => {
    const { port, service, events } = rig();
    await service.start();
    port.send = (frame: Buffer) => {
      const udp = decodeUdpFrame(frame);
      const discover = decodeDhcp4(udp.payload);
      expect(discover.options.get(61)?.toString('latin1')).toContain('rackd-rogue-dhcp-probe');
      for (const [mac, ip] of [
        [ROGUE_MAC, '10.20.0.9'],
        [OUR_MAC, '10.20.0.1'],
      ] as const) {
        const offer = {
          ...discover,
          op: 2 as const,
          yiaddr: '10.20.0.120',
          options: new Map([
            [53, Buffer.from([2])],
            [54, Buffer.from(ip.split('.').map(Number))],
          ]),
        };
        const reply = encodeUdpFrame({
          srcMac: mac,
          dstMac: 'ff:ff:ff:ff:ff:ff',
          srcIp: ip,
          dstIp: '255.255.255.255',
          srcPort: 67,
          dstPort: 68,
          payload: encodeDhcp4(offer),
        });
        setImmediate(() => port.deliver(reply));
      }
    };
    const result = await discoveryRpcHandlers(service).probe({});
    expect(result).toMatchObject({ probed: 1, foreign: 1 });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'foreign-dhcp',
        serverIp: '10.20.0.9',
        serverMac: ROGUE_MAC,
        offeredIp: '10.20.0.120',
      }),
    ]);
    await service.close();
  });

  it('raises ip-conflict on a DHCPDECLINE for an address another MAC holds', async () => {
    const { port, service, events } = rig();
    await service.start();
    port.deliver(arpFrame({ senderMac: '52:54:00:00:00:0b', senderIp: '10.20.0.60', targetIp: '10.20.0.1' }));
    const chaddr = Buffer.alloc(16);
    Buffer.from('52540000000a', 'hex').copy(chaddr);
    const decline = encodeDhcp4({
      op: 1,
      htype: 1,
      hlen: 6,
      hops: 0,
      xid: 7,
      secs: 0,
      flags: 0,
      ciaddr: '0.0.0.0',
      yiaddr: '0.0.0.0',
      siaddr: '0.0.0.0',
      giaddr: '0.0.0.0',
      chaddr,
      sname: '',
      file: '',
      options: new Map([
        [53, Buffer.from([4])],
        [50, Buffer.from([10, 20, 0, 60])],
      ]),
    });
    port.deliver(
      encodeUdpFrame({
        srcMac: '52:54:00:00:00:0a',
        dstMac: 'ff:ff:ff:ff:ff:ff',
        srcIp: '0.0.0.0',
        dstIp: '255.255.255.255',
        srcPort: 68,
        dstPort: 67,
        payload: decline,
      }),
    );
    expect(events.filter((e) => e.kind === 'ip-conflict')).toEqual([
      expect.objectContaining({
        ip: '10.20.0.60',
        macs: ['52:54:00:00:00:0a', '52:54:00:00:00:0b'],
        reason: 'decline',
      }),
    ]);
    await service.close();
  });

  it('clears on request and keeps its bindings in the state file across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rkx-state-'));
    dirs.push(dir);
    const first = rig({}, dir);
    await first.service.start();
    first.port.deliver(arpFrame({ senderMac: '52:54:00:00:00:07', senderIp: '10.20.0.30', targetIp: '10.20.0.1' }));
    await first.service.close();
    expect((await readDiscoveryState(dir))?.neighbours.map((b) => b.ip)).toEqual(['10.20.0.30']);
    const second = rig({}, dir);
    await second.service.start();
    second.port.deliver(arpFrame({ senderMac: '52:54:00:00:00:07', senderIp: '10.20.0.30', targetIp: '10.20.0.1' }));
    expect(second.events).toEqual([]);
    await expect(discoveryRpcHandlers(second.service)['discovery.clear']({ neighbours: true })).resolves.toEqual({
      neighbours: 1,
      mdns: 0,
    });
    await expect(discoveryRpcHandlers(second.service)['discovery.clear']({ neighbours: 'yes' })).rejects.toMatchObject({
      code: 'invalid-params',
    });
    await second.service.close();
  });
});
