#!/usr/bin/env bash
# Markdown tables from the harness's results.tsv lines of one bench/run.sh (LABEL = "server/case"), on stdin:
# one row per case and server, then Tessera's ratios against the peers measured in the same run.
set -euo pipefail
awk -F'\t' '
  function num(x) { return x == "" || x == "-" ? 0 : x + 0 }
  {
    split($2, l, "/"); s = l[1]; c = l[2]
    if (!(c in seenc)) { seenc[c] = 1; cases[++nc] = c }
    if (!(s in seens)) { seens[s] = 1; servers[++ns] = s }
    rps[s, c] = $10; p50[s, c] = $11; p99[s, c] = $13; err[s, c] = $15; cpu[s, c] = $18; rss[s, c] = $20
    other[s, c] = $22; have[s, c] = 1
  }
  END {
    print "| case | server | req/s | p50 ms | p99 ms | CPU ms/req | peak RSS MB | errors | other CPU % |"
    print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= nc; i++) for (j = 1; j <= ns; j++) {
      c = cases[i]; s = servers[j]
      if (have[s, c]) printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c, s, rps[s, c], p50[s, c], p99[s, c], cpu[s, c], rss[s, c], err[s, c], other[s, c]
    }
    print ""
    print "Ratios (req/s; p99 and CPU per request as Tessera / peer, lower is better):"
    print ""
    print "| case | Tessera config | vs peer | req/s × | p99 ratio | CPU/req ratio |"
    print "|---|---|---|---:|---:|---:|"
    for (i = 1; i <= nc; i++) for (j = 1; j <= ns; j++) for (k = 1; k <= ns; k++) {
      c = cases[i]; t = servers[j]; p = servers[k]
      if (t !~ /^tessera/ || p ~ /^tessera/ || !have[t, c] || !have[p, c] || num(rps[p, c]) == 0) continue
      printf "| %s | %s | %s | %.2f | %.2f | %.2f |\n", c, t, p, num(rps[t, c]) / num(rps[p, c]),
        num(p99[p, c]) ? num(p99[t, c]) / num(p99[p, c]) : 0, num(cpu[p, c]) ? num(cpu[t, c]) / num(cpu[p, c]) : 0
    }
  }'
