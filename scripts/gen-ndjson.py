#!/usr/bin/env python3
"""A deterministic NDJSON capture stream for the Spark and GNU parallel tests.

    python3 scripts/gen-ndjson.py LINES [SEED] > stream.ndjson

A mix of what captures hold: exchange objects (requests and responses, valid and faulty, bodies
as JSON or as a string holding JSON, headers as an object or a list), bare bodies, malformed
exchanges, invalid JSON, duplicate keys, blank and whitespace-only lines, CRLF line ends, byte
order marks (the stream's first line, mid-stream, alone on a line), invalid UTF-8 and non-ASCII
text. The same LINES and SEED give the same bytes.
"""

import json
import random
import sys

GID = "b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab"
URL = "/provisioningPolicies/p{}/assignments/a{}"
ABS = "https://graph.microsoft.com/beta/provisioningPolicies/p{}/assignments/a{}"


def line(rng, n):
    i, j = rng.randrange(100), rng.randrange(100)
    url = (ABS if rng.random() < 0.3 else URL).format(i, j)
    kind = rng.randrange(24)
    ex = lambda **kw: json.dumps(kw, ensure_ascii=rng.random() < 0.5).encode()  # noqa: E731
    if kind == 0:
        return ex(method="PATCH", url=url, headers={"Content-Type": "application/json"},
                  body={"groupId": GID})
    if kind == 1:
        return ex(method="PATCH", url=url, body={"groupID": GID})
    if kind == 2:
        return ex(method="PATCH", url=url, status=200, body=json.dumps({"id": f"a{j}", "groupId": n}))
    if kind == 3:
        return ex(method="GET", url=url, status=200, body={"id": f"a{j}", "groupId": GID,
                                                           "displayName": "Équipe ✓"})
    if kind == 4:
        return ex(method="PATCH", url=url, headers=[{"name": "Content-Type", "value": "text/plain"}],
                  body={"group_id": GID})
    if kind == 5:
        return ex(method="PATCH", url=url, status="200", body={"groupId": GID})
    if kind == 6:
        return ex(method="PATCH", url=url, direction="sideways", body={"groupId": None})
    if kind == 7:
        return ex(method="PATCH", url=url, truncated=True, body={"@odata.type": "#microsoft.graph.foo"})
    if kind == 8:
        return json.dumps({"groupId": GID}).encode()
    if kind == 9:
        return json.dumps({"groupId": rng.randrange(10**6)}).encode()
    if kind == 10:
        return b'{"groupId": "%s",}' % GID.encode()
    if kind == 11:
        return b'{"groupId": "a", "groupId": "b"}'
    if kind == 12:
        return b""
    if kind == 13:
        return rng.choice([b"   ", b"\t", b" \x0c ", b"\x0b"])  # \x0b is not blank to paylint
    if kind == 14:
        return ex(method="PATCH", url=url, body={"groupId": GID}) + b"\r"
    if kind == 15:
        return b'{"groupId": "\xff\xfe caf\xe9"}'  # Latin-1 bytes: not UTF-8
    if kind == 16:
        return b"\xef\xbb\xbf" + json.dumps({"groupID": GID}).encode()
    if kind == 17:
        return rng.choice([b"\xef\xbb\xbf", b"\xef\xbb\xbf  "])
    if kind == 18:
        return b'[{"groupId": "%s"}]' % GID.encode()
    if kind == 19:
        return ex(method="PATCH", url=url, body='{"groupId": 1, "id": "x"')
    if kind == 20:
        return b'{"id": "a1", "displayName": "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "groupId": 7}'
    if kind == 21:
        return b"not json at all"
    if kind == 22:
        return ex(method="PATCH", url=url, body={"groupId": GID, "note": "x" * rng.randrange(2000)})
    return ex(method="DELETE", url=url, status=204)


def main():
    lines = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 16)
    out = sys.stdout.buffer
    out.write(b"\xef\xbb\xbf" + json.dumps({"groupID": GID}).encode() + b"\n")
    for n in range(1, lines):
        out.write(line(rng, n) + b"\n")


if __name__ == "__main__":
    main()
