"""The fake gateway (fake_gateway.py) as a process a test starts, reads and stops."""
import os
import subprocess
import sys
import time

import requests

from conftest import free_port


class GatewayProcess:
    def __init__(self):
        self.http_port, self.smtp_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__), "fake_gateway.py"),
             "--http-port", str(self.http_port), "--smtp-port", str(self.smtp_port)])
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                requests.get(self.url + "/control/sent", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the fake gateway did not start")

    def sent(self, channel=None, to=None):
        items = requests.get(self.url + "/control/sent", timeout=5).json()
        return [m for m in items if (channel is None or m["channel"] == channel) and (to is None or m["to"] == to)]

    def wait_for(self, channel, to, containing, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.sent(channel, to) if containing in m["body"]]
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no {channel} message to {to} containing {containing!r}; sent: {self.sent(channel, to)}")

    def deliver(self, server, **order):
        order.update(tanggap=server.url, public_url=server.url)
        return requests.post(self.url + "/control/deliver", json=order, timeout=30).json()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
