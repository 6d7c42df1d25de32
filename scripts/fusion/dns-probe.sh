#!/usr/bin/env bash
# Usage: dns-probe.sh CMD [ARGS...]
# Runs CMD under strace and prints (a) every DNS name it looked up (A/AAAA), (b) every
# non-DNS, non-unix connect(). Used to check that a dbt invocation stays offline.
set -uo pipefail
out="$(mktemp)"
strace -f -qq -s 300 -xx -e trace=connect,sendmmsg,sendto -o "$out" "$@" >/dev/null 2>&1
rc=$?
python3 - "$out" <<'PY'
import re, sys
names, conns = [], []
for line in open(sys.argv[1]):
    if 'connect(' in line and 'AF_INET' in line and 'htons(53)' not in line:
        c = re.search(r'connect\(.*?\}', line).group(0)
        conns.append(re.sub(r'((?:\\x[0-9a-f]{2})+)', lambda m: bytes.fromhex(m.group(1).replace('\\x', '')).decode(), c))
    for m in re.finditer(r'iov_base="((?:\\x[0-9a-f]{2})+)"|sendto\(\d+, "((?:\\x[0-9a-f]{2})+)"', line):
        hexs = m.group(1) or m.group(2)
        b = bytes.fromhex(hexs.replace('\\x', ''))
        if len(b) < 13: continue
        i, parts = 12, []
        try:
            while i < len(b) and b[i]:
                l = b[i]; parts.append(b[i+1:i+1+l].decode()); i += l + 1
        except Exception:
            continue
        if parts: names.append('.'.join(parts))
print('dns lookups:', sorted(set(names)) or 'none')
print('tcp/udp connects (non-DNS):', sorted(set(conns)) or 'none')
PY
rm -f "$out"
exit $rc
