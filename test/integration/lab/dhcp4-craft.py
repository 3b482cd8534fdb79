# Sends one hand-made DHCPv4 message with scapy and prints each reply to it as a JSON line
# (RFC 2131 §4.3.2 REQUEST cases a stock client will not produce on demand). Run with /usr/bin/python3.
import argparse
import json
import random
import sys
import time

from scapy.all import BOOTP, DHCP, IP, UDP, AsyncSniffer, Ether, conf, sendp

TYPES = {"discover": 1, "request": 3, "decline": 4, "release": 7, "inform": 8}
NAMES = {2: "offer", 5: "ack", 6: "nak"}


def options_of(pkt):
    return {opt[0]: opt[1] for opt in pkt[DHCP].options if isinstance(opt, tuple) and len(opt) >= 2}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--mac", required=True)
    p.add_argument("--type", default="request", choices=sorted(TYPES))
    p.add_argument("--requested-ip")
    p.add_argument("--server-id")
    p.add_argument("--ciaddr", default="0.0.0.0")
    p.add_argument("--wait", type=float, default=2.0)
    a = p.parse_args()

    conf.checkIPaddr = False
    xid = random.randint(1, 0xFFFFFFFF)
    opts = [("message-type", TYPES[a.type])]
    if a.requested_ip:
        opts.append(("requested_addr", a.requested_ip))
    if a.server_id:
        opts.append(("server_id", a.server_id))
    opts.append("end")
    chaddr = bytes.fromhex(a.mac.replace(":", "")) + b"\0" * 10
    pkt = (
        Ether(src=a.mac, dst="ff:ff:ff:ff:ff:ff")
        / IP(src=a.ciaddr, dst="255.255.255.255")
        / UDP(sport=68, dport=67)
        / BOOTP(op=1, xid=xid, ciaddr=a.ciaddr, chaddr=chaddr, flags=0x8000)
        / DHCP(options=opts)
    )
    sniffer = AsyncSniffer(iface=a.iface, filter="udp and src port 67", store=True)
    sniffer.start()
    time.sleep(0.5)
    sendp(pkt, iface=a.iface, verbose=False)
    time.sleep(a.wait)
    for reply in sniffer.stop():
        if BOOTP not in reply or reply[BOOTP].xid != xid or DHCP not in reply:
            continue
        o = options_of(reply)
        print(json.dumps({
            "type": NAMES.get(o.get("message-type"), str(o.get("message-type"))),
            "yiaddr": reply[BOOTP].yiaddr,
            "ip_dst": reply[IP].dst,
            "eth_dst": reply[Ether].dst,
            "server_id": o.get("server_id"),
        }))
    sys.stdout.flush()


main()
