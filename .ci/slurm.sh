#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for the tests (Debian slurm-wlm + munge, run as root).
#   .ci/slurm.sh up     configure and start munged, slurmctld, slurmd; wait until the node is idle
#   .ci/slurm.sh down   stop them by their pid files
#   .ci/slurm.sh env    print the line that points Slurm's clients at this cluster
# Everything lives in one scratch folder, $SEMCLUST_SLURM_DIR (default $TMPDIR/semclust-slurm):
# slurm.conf, the munge key and socket, state, spool, pid and log files. Clients find the cluster
# through SLURM_CONF=<folder>/slurm.conf, so a system-wide Slurm or munged is never touched.
# `up` is idempotent: a running, answering cluster is kept; a half-started one is stopped and
# started again on free ports. On failure it prints the daemons' logs and exits 1.
set -euo pipefail

dir=${SEMCLUST_SLURM_DIR:-${TMPDIR:-/tmp}/semclust-slurm}
conf=$dir/slurm.conf
# Bounded waits: the node came up idle in 2-4 s on this 2-core machine; 60 s leaves room for a loaded one.
wait_s=${SEMCLUST_SLURM_WAIT_S:-60}

say() { printf 'slurm.sh: %s\n' "$*" >&2; }

need() {
  local missing=()
  for tool in munged munge slurmctld slurmd sinfo sbatch scontrol; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing ${missing[*]}: install them with: apt-get update && apt-get install -y slurm-wlm munge"
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "must run as root (slurmd runs jobs as their user, munged as user munge)"
    exit 1
  fi
  id munge >/dev/null 2>&1 || { say "no user munge: reinstall the munge package"; exit 1; }
}

pid_of() { [ -s "$1" ] && cat "$1" || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Stops one daemon by its pid file: TERM, up to 10 s, then KILL.
stop_one() {
  local name=$1 file=$2 p
  p=$(pid_of "$file")
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$p" 2>/dev/null; then
      say "$name (pid $p) ignored TERM for 10 s; killing it"
      kill -9 "$p" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

down() {
  [ -d "$dir" ] || return 0
  stop_one slurmd "$dir/run/slurmd.pid"
  stop_one slurmctld "$dir/run/slurmctld.pid"
  stop_one munged "$dir/munge/munged.pid"
  rm -f "$dir/munge/munge.socket" "$dir/munge/munge.socket.lock"
}

logs() {
  for f in "$dir/log/slurmctld.log" "$dir/log/slurmd.log" "$dir/munge/munged.log"; do
    [ -f "$f" ] || continue
    printf '\n--- %s (last 40 lines)\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

fail() {
  say "$*"
  logs
  down
  exit 1
}

# A TCP port on 127.0.0.1 nobody listens on, from $1 upwards.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

node_state() { SLURM_CONF=$conf sinfo -h -o '%T' 2>/dev/null | head -n 1; }

running() {
  [ -f "$conf" ] && alive "$dir/munge/munged.pid" && alive "$dir/run/slurmctld.pid" && alive "$dir/run/slurmd.pid" &&
    [[ "$(node_state)" =~ ^(idle|mixed|allocated)$ ]]
}

write_conf() {
  local host=$1 ctld_port=$2 d_port=$3 node
  # slurmd -C reports this machine exactly as slurmd will see it (CPUs, sockets, cores, memory),
  # so the node never drains for a configuration mismatch.
  node=$(/usr/sbin/slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$host NodeAddr=127.0.0.1/")
  cat >"$conf" <<EOF
# Written by .ci/slurm.sh: a one-node test cluster on 127.0.0.1.
ClusterName=semclust-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
# A cancelled task gets TERM, then KILL after 5 s (the default 30 s slows the cancel test).
KillWait=5
MinJobAge=300
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  local m=$dir/munge
  mkdir -p "$m"
  # munged insists: its folder searchable by all (clients reach the socket), the key readable by it alone.
  chown munge:munge "$m"
  chmod 755 "$m"
  if [ ! -s "$m/munge.key" ]; then
    head -c 1024 /dev/urandom >"$m/munge.key.tmp"
    mv "$m/munge.key.tmp" "$m/munge.key"
  fi
  chown munge:munge "$m/munge.key"
  chmod 400 "$m/munge.key"
  rm -f "$m/munge.socket" "$m/munge.socket.lock"
  runuser -u munge -- /usr/sbin/munged --socket="$m/munge.socket" --key-file="$m/munge.key" \
    --pid-file="$m/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed" 9>&- ||
    fail "munged did not start"
  for _ in $(seq 50); do
    munge -n --socket="$m/munge.socket" 2>/dev/null | unmunge --socket="$m/munge.socket" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  fail "munged does not answer on $m/munge.socket"
}

up() {
  need
  mkdir -p "$dir"
  chmod 755 "$dir"
  # One `up` or `down` at a time (two test files starting the cluster together).
  exec 9>"$dir/.lock"
  flock -w "$wait_s" 9 || { say "another slurm.sh holds $dir/.lock for $wait_s s"; exit 1; }
  if running; then
    say "already up ($conf)"
    return 0
  fi
  # Half-started or stale (a crashed daemon, a reboot): stop what is left and start clean.
  down
  mkdir -p "$dir/state" "$dir/spool" "$dir/run" "$dir/log"
  rm -rf "${dir:?}/state/"* "${dir:?}/spool/"*
  : >"$dir/log/slurmctld.log"
  : >"$dir/log/slurmd.log"
  local host ctld_port d_port
  host=$(hostname -s)
  ctld_port=$(free_port 6817)
  d_port=$(free_port $((ctld_port + 1)))
  write_conf "$host" "$ctld_port" "$d_port"
  start_munge
  # The daemons must not inherit fd 9 (9>&-), or they would hold the lock for their lifetime.
  # -c: forget jobs of an earlier cluster in this folder; -i: ignore state files it cannot read.
  SLURM_CONF=$conf /usr/sbin/slurmctld -c -i 9>&- || fail "slurmctld did not start"
  SLURM_CONF=$conf /usr/sbin/slurmd -N "$host" 9>&- || fail "slurmd did not start"
  local state=""
  for _ in $(seq $((wait_s * 5))); do
    state=$(node_state)
    [ "$state" = idle ] && break
    alive "$dir/run/slurmctld.pid" || fail "slurmctld exited"
    alive "$dir/run/slurmd.pid" || fail "slurmd exited"
    sleep 0.2
  done
  [ "$state" = idle ] || fail "node $host not idle after $wait_s s (sinfo says: ${state:-no answer})"
  say "up: node $host idle, slurmctld on 127.0.0.1:$ctld_port ($conf)"
}

case "${1:-}" in
  up) up ;;
  down)
    [ -d "$dir" ] || exit 0
    exec 9>"$dir/.lock"
    flock -w "$wait_s" 9 || true
    down
    say "down"
    ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *)
    echo "usage: $0 up|down|env   (folder: $dir)" >&2
    exit 2
    ;;
esac
