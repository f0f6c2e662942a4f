#!/usr/bin/env python3
"""The time from an edit to its diagnostics, through a real `hocr lsp`.

Writes the rule files of rules/ and a generated 5,000-line big.hocr to a
temporary directory, opens big.hocr in the server, then sends N edits (a
word of a quote changed back and forth) one at a time and times each from
`didChange` sent to `publishDiagnostics` for big.hocr received.

    cargo build --release
    scripts/lsp-keystroke.py target/release/hocr [N]

Benchmarks are not tests: nothing here asserts a time (BENCHMARKS.md).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BLOCK = """group violence_{n} = 1, 2, 3, 4/1..4/10, 5, 8N, 8P

group sexual_{n} = 19C..19H, 20A, 20B, "22*"

define report_time_{n} for each crime as
  reported_at when reported_at is present, else incident.reported_at

rule BIG{n} late-record-{n} "Crimes are recorded within a day ({n})" {{
  source "A benchmark, not a rule" at "https://example.org/hocr"
  quote "Record it within 24 hours."
  theme timeliness
  severity high when offence_code in violence_{n} or offence_code in sexual_{n}, else medium
  message "crime recorded late"
  for each crime
  where report_time_{n} is present and status is "recorded"
  unless cancellation_code is present
  require recorded_at within 24 hours after report_time_{n}
  example "late" {{
    incident with reported_at "2025-03-03 09:00"
    crime with offence_code "8N", recorded_at "2025-03-04 10:00"
    expect late
  }}
}}

"""


def main():
    hocr = sys.argv[1] if len(sys.argv) > 1 else "target/release/hocr"
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    work = tempfile.mkdtemp(prefix="hocr-lsp-keystroke-")
    for name in os.listdir(os.path.join(root, "rules")):
        if name.endswith(".hocr"):
            shutil.copy(os.path.join(root, "rules", name), work)
    text = 'edition "HOCR April 2026"\n\n'
    n = 0
    while text.count("\n") < 5000:
        text += BLOCK.format(n=n)
        n += 1
    big = os.path.join(work, "big.hocr")
    with open(big, "w") as f:
        f.write(text)
    edited = text.replace("Record it within 24 hours.", "Record it within a day.", 1)
    uri = "file://" + big

    server = subprocess.Popen([hocr, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(msg):
        body = json.dumps(msg).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("hocr lsp closed its output")
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    def diagnostics_for_big():
        while True:
            msg = receive()
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                return msg["params"]["diagnostics"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    receive()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "hocr", "version": 1, "text": text}}})
    first = diagnostics_for_big()
    errors = [d for d in first if d.get("severity") == 1]
    if errors:
        raise SystemExit(f"big.hocr has errors: {errors[:1]}")

    times = []
    for k in range(edits):
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": k + 2},
                         "contentChanges": [{"text": edited if k % 2 == 0 else text}]}})
        diagnostics_for_big()
        times.append((time.perf_counter() - started) * 1000)

    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    receive()
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=10)
    shutil.rmtree(work)
    times.sort()
    print(f"big.hocr: {text.count(chr(10))} lines, {n} rules; {edits} edits, each to its diagnostics:")
    print(f"  median {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, "
          f"90th percentile {times[int(len(times) * 0.9) - 1]:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
