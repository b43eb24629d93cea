# `$1` list of job ids (comma separated), `$2` sacct start time.
# Runs squeue then sacct in one round trip; squeue's exit status is
# printed so "Invalid job id" (purged jobs) can be told from failures.
echo "@@CLOCK $(date +%s)"
out=$(squeue --noheader --array --states=all "--jobs=$1" "--format=$SQUEUE_FORMAT" 2>&1)
rc=$?
printf '%s\n' "$out"
echo "@@SQUEUE_RC=$rc@@"
# sacct only for jobs squeue no longer shows, or shows as ended (for exit codes and accounting)
need=$(printf '%s\n' "$out" | awk -F'|' -v ids="$1" -v rc="$rc" -v terminal="$TERMINAL_STATES" '
  rc == 0 && NF >= 2 { state[$1] = $2 }
  END {
    n = split(ids, want, ",")
    for (i = 1; i <= n; i++) {
      s = state[want[i]]
      if (s == "" || s ~ ("^(" terminal ")"))
        printf "%s%s", (c++ ? "," : ""), want[i]
    }
  }')
if [ -n "$need" ]; then
  sacct --noheader --parsable2 "--jobs=$need" "--starttime=$2" --endtime=now "--format=$SACCT_FIELDS" 2>&1
  echo "@@SACCT_RC=$?@@"
  # each start of a job that SLURM requeued (by itself, a workload, an admin) is a row of its own
  sacct --noheader --parsable2 --duplicates --allocations "--jobs=$need" "--starttime=$2" --endtime=now --format=JobID,State 2>/dev/null \
    | awk -F'|' '$2 ~ /^REQUEUED/ { n[$1]++ } END { for (k in n) print "@@REQUEUED " k " " n[k] }'
else
  echo "@@SACCT_RC=0@@"
fi
# What SLURM holds for the user beyond the jobs asked about (a job a
# workload submitted). Work dir and comment are free text: the work
# dir's start is what is compared, the comment matters only when it is ours.
echo "@@USERJOBS"
squeue --noheader --array --user="$(id -un)" --format='%i|%T|%Z|%k' 2>&1
echo "@@USERJOBS_RC=$?@@"
# The current record of each job asked about that still waits, to hold
# against what was released (a workload can `scontrol update` it).
if [ "$rc" = 0 ]; then
  for id in $(printf '%s\n' "$out" | awk -F'|' '$2 == "PENDING" { sub(/_.*/, "", $1); print $1 }' | sort -u); do
    echo "@@RECORD $id"; scontrol show job -o "$id" 2>/dev/null; echo "@@END_RECORD"
  done
fi
# `$3` = 1: what this cluster is (asked now and then, not every time)
if [ "$3" = 1 ]; then
  echo "@@FACTS"
  for c in sbatch scontrol squeue sacct scancel; do printf 'command %s %s\n' "$c" "$(command -v "$c")"; done
  scontrol show config 2>/dev/null | awk '$1 ~ /^(ProctrackType|TaskPlugin|SLURM_VERSION|JobAcctGatherType|AccountingStorageType)$/ { k = $1; sub(/^[^=]*= */, ""); print "config " k " " $0 }'
  echo "@@FACTS_END"
fi
