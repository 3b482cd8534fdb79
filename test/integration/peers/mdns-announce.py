# Announces an HTTP service and its host name over mDNS (RFC 6762 §8.3, RFC 6763) with python3-zeroconf,
# then stays up until killed. argv: ADDRESS HOSTNAME INSTANCE
import socket
import sys
import time

from zeroconf import IPVersion, ServiceInfo, Zeroconf

address, host, instance = sys.argv[1], sys.argv[2], sys.argv[3]
info = ServiceInfo(
    "_http._tcp.local.",
    f"{instance}._http._tcp.local.",
    addresses=[socket.inet_aton(address)],
    port=80,
    server=f"{host}.local.",
    properties={"path": "/"},
)
zc = Zeroconf(interfaces=[address], ip_version=IPVersion.V4Only)
zc.register_service(info)
print("registered", flush=True)
while True:
    time.sleep(1)
