#!/usr/bin/env bash
# Usage: scripts/s3-server.sh start|stop -- single-node Ceph 16 (mon + memstore OSD + radosgw) on 127.0.0.1,
# no systemd/cephx: a real S3 server for tests and benchmarks (starts in about 13 s).
# needs: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd ceph-common curl
set -euo pipefail
# Env: CEPH_DIR (default /tmp/ci-ceph), RGW_PORT (7480), MON_PORT (3300, v2) and MON_V1_PORT (6789),
#      S3_KEY / S3_SECRET (the user created), MEMSTORE_BYTES (RAM cap, default 4 GiB).
# Data lives in RAM: nothing survives a restart. `stop` kills exactly the pids it recorded.
# Two settings are load-bearing: `ms mon client mode = crc secure` (else radosgw loops on
# get_initial_auth_request returned -13) and tcp_nodelay=1 (else small GETs wait 40 ms).
D=${CEPH_DIR:-/tmp/ci-ceph}; PORT=${RGW_PORT:-7480}; CONF=$D/ceph.conf
MP=${MON_PORT:-3300}; MP1=${MON_V1_PORT:-6789}
AK=${S3_KEY:-AKIACI0000000000TEST}; SK=${S3_SECRET:-ci-secret-key-0000000000000000000000000}
stop() { for p in rgw osd mon; do [ -f "$D/$p.pid" ] || continue; pid=$(cat "$D/$p.pid"); kill "$pid" 2>/dev/null || true
           for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; kill -9 "$pid" 2>/dev/null || true; rm -f "$D/$p.pid"; done; }
start() {
  stop; rm -rf "$D"; mkdir -p "$D"/{mon.a,osd.0,run,log}
  FSID=$(cat /proc/sys/kernel/random/uuid)
  cat > "$CONF" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MP,v1:127.0.0.1:$MP1
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 1
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-4294967296}
[mon.a]
mon data = $D/mon.a
[osd.0]
osd data = $D/osd.0
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
CONF
  monmaptool --create --clobber --addv a "[v2:127.0.0.1:$MP,v1:127.0.0.1:$MP1]" --fsid "$FSID" "$D/monmap" >/dev/null
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
  ceph-mon -c "$CONF" -i a -f </dev/null >"$D/log/mon.out" 2>&1 & echo $! >"$D/mon.pid"
  for i in $(seq 1 60); do ceph -c "$CONF" --connect-timeout 2 mon stat >/dev/null 2>&1 && break; sleep 0.5; done
  OSD_UUID=$(cat /proc/sys/kernel/random/uuid); OSD_ID=$(ceph -c "$CONF" --connect-timeout 15 osd new "$OSD_UUID")
  ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$D/log/osd-mkfs.out" 2>&1
  ceph-osd -c "$CONF" -i "$OSD_ID" -f </dev/null >"$D/log/osd.out" 2>&1 & echo $! >"$D/osd.pid"
  for i in $(seq 1 120); do ceph -c "$CONF" osd stat 2>/dev/null | grep -q ' 1 up' && break; sleep 0.5; done
  radosgw -c "$CONF" -n client.rgw.a -f </dev/null >"$D/log/rgw.out" 2>&1 & echo $! >"$D/rgw.pid"
  for i in $(seq 1 240); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 200 ] && break; sleep 0.5; done
  radosgw-admin -c "$CONF" user create --uid=ci --display-name=ci --access-key="$AK" --secret-key="$SK" >/dev/null
  curl -sf "http://127.0.0.1:$PORT/" >/dev/null && echo "rgw ready on http://127.0.0.1:$PORT"
}
"$@"
