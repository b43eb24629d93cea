# `$1` run dir, `$2` script name, `$3` comment, `$4` the script's size in
# bytes, `$5` the attempt's token, `$6` the manifest's size, then sbatch
# options. Standard input: the script, then the compute-node input
# manifest (`sha256sum --check` format), then (later) the caller's reply.
# Writes both atomically and submits from the run dir, held; the job id
# comes from `sbatch --parsable` (or, when a directive silenced it, from
# the job's comment in squeue). sbatch's answer is recorded on the
# cluster (`.cluster-slurm-submits/TOKEN`, atomically) before it is
# printed, and the program ignores hang-ups: an answer lost on the way
# (dropped connection, timeout, a ledger that could not be written) is
# read back from that record by the next action on the run, whatever the
# site's accounting stores.
#
# The held job is shown as the scheduler sees it (`scontrol show job
# -o`), then the program waits for the caller's verdict (`RemoteReply`):
# `release`, or anything else (no answer within 300 s, a dropped
# connection) cancels the job. The verdict is recorded beside the answer
# (`TOKEN.decision`), so a job refused or never released is never adopted.
trap '' HUP PIPE
umask 077
mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit "$EXIT_NO_DIR"
name=$2; comment=$3; size=$4; token=$5; msize=$6; shift 6
head -c "$size" > ".$name.tmp.$$" && [ "$(stat -c %s -- ".$name.tmp.$$")" = "$size" ] || { rm -f -- ".$name.tmp.$$"; echo "cluster-slurm: could not write the job script to $(pwd -P) (short write)" >&2; exit "$EXIT_IO"; }
manifest=.cluster-slurm-inputs.all.sha256
head -c "$msize" > "$manifest.tmp.$$" && [ "$(stat -c %s -- "$manifest.tmp.$$")" = "$msize" ] || { rm -f -- ".$name.tmp.$$" "$manifest.tmp.$$"; echo "cluster-slurm: could not write the input manifest to $(pwd -P) (short write)" >&2; exit "$EXIT_IO"; }
if [ -s "$manifest.tmp.$$" ]; then mv -f -- "$manifest.tmp.$$" "$manifest"; else rm -f -- "$manifest.tmp.$$" "$manifest"; fi
mv -f -- ".$name.tmp.$$" "$name" || exit "$EXIT_IO"
records=.cluster-slurm-submits
mkdir -p -- "$records" || exit "$EXIT_IO"
out=$(sbatch --parsable --hold "--comment=$comment" "$@" -- "$name" 2> "$records/.$token.err"); rc=$?
{ printf 'rc=%s\n' "$rc"; printf '%s\n' "$out"; echo "@@STDERR"; head -c 4096 -- "$records/.$token.err"; } > "$records/.$token.tmp" \
  && mv -f -- "$records/.$token.tmp" "$records/$token"
echo "@@CLUSTER_SLURM_SUBMIT@@"
printf '%s\n' "$out"
id=
while IFS= read -r line; do
  if [[ $line =~ ^([0-9]+) ]]; then id=${BASH_REMATCH[1]}; break; fi
done <<< "$out"
if [ "$rc" = 0 ] && [ -z "$id" ]; then
  # sbatch made a job but printed no id (a quiet directive): its comment finds it
  id=$(squeue --noheader --states=all --user="$(id -un)" --format='%i|%k' 2>/dev/null | awk -F'|' -v c="$comment" '$2 == c { print $1; exit }')
  echo "@@FOUND $id"
fi
if [ "$rc" = 0 ] && [ -n "$id" ]; then
  # held until the caller has checked what the scheduler made of it
  echo "@@RUNDIR $(pwd -P)"
  # The user's active jobs under this remoteRoot as SLURM holds them now,
  # array tasks one by one (this held job aside): what the budgets count.
  root=$(dirname -- "$(pwd -P)")
  if active=$(squeue --noheader --array --user="$(id -un)" --format='%i|%Z' 2>/dev/null); then
    while IFS= read -r line; do
      jid=${line%%|*}; wd=${line#*|}
      case "$jid" in ""|"$id"|"$id"_*) continue;; esac
      case "$wd/" in "$root"/*) echo "@@ACTIVE $jid";; esac
    done <<< "$active"
    echo "@@ACTIVE_END"
  fi
  echo "@@SCONTROL"
  scontrol show job -o "$id" 2>&1; echo "@@SCONTROL_RC=$?"
  echo "@@AWAIT_REPLY"
  decision=; read -r -t 300 decision || true
  if [ "$decision" = release ] && scontrol release "$id" 2> "$records/.$token.rel"; then
    echo release > "$records/$token.decision"; echo "@@RELEASED $id"
  else
    scancel -- "$id" 2>> "$records/.$token.rel"
    printf 'cancel %s\n' "${decision:-(no answer)}" > "$records/$token.decision"; echo "@@CANCELLED $id"
    cat -- "$records/.$token.rel" >&2
  fi
  rm -f -- "$records/.$token.rel"
fi
cat -- "$records/.$token.err" >&2; rm -f -- "$records/.$token.err"
exit "$rc"
