#!/usr/bin/env python3
"""Load command: form submissions against a running Tandem, printing throughput and latency percentiles.

Usage: scripts/load-forms.py BASE_URL API_KEY [COUNT=400] [PARALLEL=8]
Creates a form (with the API key), then POSTs COUNT JSON submissions to /f/{formId}, PARALLEL at a time, each a
distinct email asking for a callback (so each also runs lead capture inline and, in the background, qualification
and enrolment). Start the host with a high public rate limit, e.g. --Tandem:RateLimits:Public:PermitLimit=100000.
"""
import json, sys, time, urllib.request, threading, statistics
base, key = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 400
conc = int(sys.argv[4]) if len(sys.argv) > 4 else 8
H={"Authorization":"Bearer "+key,"Content-Type":"application/json"}
def post(path, body, headers=H):
    r=urllib.request.urlopen(urllib.request.Request(base+path, data=json.dumps(body).encode(), headers=headers, method="POST"))
    return json.loads(r.read() or b"{}")
form=post("/api/content/forms",{"name":"Load","fields":[{"name":"email","label":"E","type":"email","required":True}],"offersCallback":True})["id"]
lat=[]; lock=threading.Lock(); idx=[0]
def worker():
    while True:
        with lock:
            i=idx[0]; idx[0]+=1
        if i>=n: return
        t=time.perf_counter()
        post("/f/"+form,{"email":f"load{i}@example.fr","callback":True},{"Content-Type":"application/json"})
        with lock: lat.append((time.perf_counter()-t)*1000)
t0=time.perf_counter()
ts=[threading.Thread(target=worker) for _ in range(conc)]
[t.start() for t in ts]; [t.join() for t in ts]
el=time.perf_counter()-t0
lat.sort()
print(f"{n} submissions, {conc} in parallel: {n/el:.0f}/s, p50 {lat[len(lat)//2]:.0f} ms, p90 {lat[int(len(lat)*.9)]:.0f} ms, p99 {lat[int(len(lat)*.99)]:.0f} ms, max {lat[-1]:.0f} ms")
