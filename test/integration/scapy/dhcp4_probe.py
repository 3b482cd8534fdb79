# DHCPv4 probe (RFC 2131 §3.1 DORA, §3.2 INIT-REBOOT) sending untagged or 802.1Q-tagged frames.
# The test machine's kernel has no 8021q module, so tagged requests are crafted here instead of on a VLAN device.
"""Send DHCPv4 requests from one MAC on one interface and print each reply as a JSON line.

Usage (inside the client namespace, with Debian's /usr/bin/python3 which has python3-scapy):
  dhcp4_probe.py --iface IF --mac MAC [--vid N] --mode dora|request [--requested-ip IP] [--timeout S]

`dora` sends DISCOVER, waits for the OFFER, then REQUESTs the offered address from that server.
`request` sends one INIT-REBOOT REQUEST (option 50, no server id) for --requested-ip.
Each reply line: {"sent", "vid", "yiaddr", "siaddr", "type", "server_id", "dst_mac", "xid"}; a missing
reply prints {"sent", "reply": null}. The exit code is 0 when every request got a reply, 3 when one went unanswered
(1 stays Python's own code for an uncaught error).
"""

import argparse
import json
import random
import sys
import time

from scapy.config import conf
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Dot1Q, Ether
from scapy.sendrecv import AsyncSniffer, sendp

NO_REPLY = 3
MESSAGE_TYPES = {1: "discover", 2: "offer", 3: "request", 4: "decline", 5: "ack", 6: "nak", 7: "release", 8: "inform"}


def dhcp_options(pkt):
    """The DHCP options of a reply as a dict name -> value (pad/end dropped)."""
    return {opt[0]: opt[1] for opt in pkt[DHCP].options if isinstance(opt, tuple) and len(opt) >= 2}


def build_request(mac, xid, vid, options):
    """Broadcast DHCP frame from MAC, tagged with vid when given; the broadcast flag keeps replies L2-broadcast-safe."""
    ether = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
    l3 = (
        IP(src="0.0.0.0", dst="255.255.255.255")
        / UDP(sport=68, dport=67)
        / BOOTP(op=1, chaddr=bytes.fromhex(mac.replace(":", "")) + b"\0" * 10, xid=xid, flags=0)
        / DHCP(options=options + ["end"])
    )
    return ether / Dot1Q(vlan=vid) / l3 if vid is not None else ether / l3


def reply_vid(pkt):
    return pkt[Dot1Q].vlan if Dot1Q in pkt else None


def exchange(iface, mac, vid, xid, options, sent, timeout):
    """Send one request and return the first server reply with our xid as a dict (None when none came)."""
    sniffer = AsyncSniffer(
        iface=iface,
        store=True,
        lfilter=lambda p: BOOTP in p and p[BOOTP].op == 2 and p[BOOTP].xid == xid,
        count=1,
        timeout=timeout,
    )
    sniffer.start()
    time.sleep(0.3)  # AsyncSniffer opens its socket on a thread; a reply before that would be lost
    sendp(build_request(mac, xid, vid, options), iface=iface, verbose=False)
    sniffer.join()
    if not sniffer.results:
        return None
    pkt = sniffer.results[0]
    opts = dhcp_options(pkt)
    return {
        "sent": sent,
        "vid": reply_vid(pkt),
        "yiaddr": pkt[BOOTP].yiaddr,
        "siaddr": pkt[BOOTP].siaddr,
        "type": MESSAGE_TYPES.get(opts.get("message-type"), str(opts.get("message-type"))),
        "server_id": opts.get("server_id"),
        "dst_mac": pkt[Ether].dst,
        "xid": xid,
    }


def emit(sent, reply):
    print(json.dumps(reply if reply is not None else {"sent": sent, "reply": None}), flush=True)
    return reply is not None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iface", required=True)
    parser.add_argument("--mac", required=True)
    parser.add_argument("--vid", type=int)
    parser.add_argument("--mode", choices=["dora", "request"], default="dora")
    parser.add_argument("--requested-ip")
    parser.add_argument("--timeout", type=float, default=4.0)
    args = parser.parse_args()
    conf.verb = 0
    mac = args.mac.lower()
    xid = random.randint(1, 0xFFFFFFFF)

    if args.mode == "request":
        if not args.requested_ip:
            parser.error("--mode request needs --requested-ip")
        opts = [("message-type", "request"), ("requested_addr", args.requested_ip)]
        ok = emit("request", exchange(args.iface, mac, args.vid, xid, opts, "request", args.timeout))
        return 0 if ok else NO_REPLY

    offer = exchange(args.iface, mac, args.vid, xid, [("message-type", "discover")], "discover", args.timeout)
    if not emit("discover", offer):
        return NO_REPLY
    opts = [("message-type", "request"), ("requested_addr", offer["yiaddr"])]
    if offer["server_id"]:
        opts.append(("server_id", offer["server_id"]))
    ack = exchange(args.iface, mac, args.vid, xid, opts, "request", args.timeout)
    return 0 if emit("request", ack) else NO_REPLY


if __name__ == "__main__":
    sys.exit(main())
