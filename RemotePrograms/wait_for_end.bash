# `$1` seconds to wait at most, `$2` seconds to the first scheduler check
# (each next one three times as far, at most 600 s apart), `$3` `any` or
# `all`, then per job three words: its run dir, its job id, its number of
# array tasks (0: not an array); a run dir `-`: none known (scheduler checks only). Waits until the jobs end (the first, or
# all) and lives only as long as its ssh session: standard input is held
# open by the caller and its end (EOF) ends the wait at once. Nothing is
# written anywhere; no process is left behind.
#
# While a job runs no scheduler is asked: each second the run dir's
# announcement files (`ANNOUNCEMENTS`/start.KEY, end.KEY, written by the
# job's script) are looked up with shell builtins. An end announcement is
# only a hint: squeue is asked at once, and again after 1, 2, 3… s while
# SLURM does not show the job ended yet (at most `CONFIRM_TRIES` times);
# a job that could not announce (SIGKILL, node failure, never started) is
# seen by the sparse checks. Prints, as things happen:
#   `@@STARTED I EPOCH NODE`     job I's script announced its start
#   `@@ANNOUNCED I STATUS SIGNAL` job I's script announced its end
#   `@@STATE I STATE REASON`     what a scheduler check saw (when it changed)
#   `@@ENDED I STATE`            SLURM shows job I ended (GONE: squeue no longer lists it)
#   `@@NOSQUEUE MESSAGE`         a scheduler check failed (the wait goes on)
# and last `@@DONE QUERIES` or `@@DEADLINE QUERIES`, then
# `@@COST USER SYS` (CPU seconds of this wait and its children).
limit=$1 next_check=$2 mode=$3; shift 3
gap=$next_check
dirs=() jobs=() tasks=()
while [ "$#" -ge 3 ]; do dirs+=("$1"); jobs+=("$2"); tasks+=("$3"); shift 3; done
count=${#jobs[@]}
shopt -s nullglob
declare -a ended=() started=() announced=() last_state=() confirm_at=() tries=()
for ((i = 0; i < count; i++)); do ended[i]=0 started[i]=0 announced[i]='' last_state[i]='' confirm_at[i]=-1 tries[i]=0; done
queries=0

finish() {
  local word=$1 times_line
  echo "@@$word $queries"
  times_line=$(times | tr '\n' ' ')
  echo "@@COST $times_line"
  exit 0
}

# the states of the jobs not seen ended yet, by one squeue each
# (one for all of them could fail whole for a single purged id)
check() {
  local i out rc state reason line all_ended
  for ((i = 0; i < count; i++)); do
    [ "${ended[i]}" = 1 ] && continue
    [ "$1" = confirm ] && [ "${confirm_at[i]}" -lt 0 ] && continue
    queries=$((queries + 1))
    out=$(squeue --noheader --array --states=all "--jobs=${jobs[i]}" '--format=%T|%r' 2>&1); rc=$?
    if [ "$rc" -ne 0 ]; then
      case "$out" in
        *"Invalid job id"*) ended[i]=1; echo "@@ENDED $i GONE"; continue;;
      esac
      echo "@@NOSQUEUE ${out//$'\n'/ }"
      continue
    fi
    if [ -z "$out" ]; then ended[i]=1; echo "@@ENDED $i GONE"; continue; fi
    # an array ends when every task did; its state is the first unended task's
    all_ended=1 state='' reason=''
    while IFS='|' read -r line reason_part; do
      if ! is_terminal "$line"; then all_ended=0; state=$line reason=$reason_part; break; fi
      [ -z "$state" ] && state=$line reason=$reason_part
    done <<<"$out"
    reason=${reason//[[:space:]]/_}
    if [ "$all_ended" = 1 ]; then ended[i]=1; echo "@@ENDED $i $state"; continue; fi
    if [ "$state|$reason" != "${last_state[i]}" ]; then last_state[i]="$state|$reason"; echo "@@STATE $i $state ${reason:-None}"; fi
    if [ "${confirm_at[i]}" -ge 0 ]; then
      tries[i]=$((tries[i] + 1))
      if [ "${tries[i]}" -ge "$CONFIRM_TRIES" ]; then confirm_at[i]=-1
      else confirm_at[i]=$((SECONDS + tries[i])); fi
    fi
  done
}

satisfied() {
  local i n=0
  for ((i = 0; i < count; i++)); do n=$((n + ended[i])); done
  if [ "$mode" = any ]; then [ "$n" -ge 1 ]; else [ "$n" -ge "$count" ]; fi
}

# what job I's script announced since the last look (builtins only)
look() {
  local i=$1 dir=${dirs[$1]}/$ANNOUNCEMENTS job=${jobs[$1]} files record key value status='' signal='' epoch='' node=''
  if [ "${tasks[i]}" -gt 0 ]; then
    files=("$dir"/start."$job"_*)
    if [ "${started[i]}" = 0 ] && [ "${#files[@]}" -gt 0 ]; then
      started[i]=1; echo "@@STARTED $i - -"
    fi
    files=("$dir"/end."$job"_*)
    if [ "${#files[@]}" -ge "${tasks[i]}" ] && [ "${announced[i]}" != "${#files[@]}" ]; then
      announced[i]=${#files[@]}; echo "@@ANNOUNCED $i - -"
      confirm_at[i]=$SECONDS tries[i]=0
    fi
    return
  fi
  if [ "${started[i]}" = 0 ] && [ -f "$dir/start.$job" ]; then
    started[i]=1
    read -r -d '' record < "$dir/start.$job"
    for key in $record; do
      value=${key#*=}
      case "$key" in time=*) epoch=$value;; node=*) node=$value;; esac
    done
    echo "@@STARTED $i ${epoch:--} ${node:--}"
  fi
  if [ -f "$dir/end.$job" ]; then
    record=
    read -r -d '' record < "$dir/end.$job"
    if [ "$record" != "${announced[i]}" ]; then
      announced[i]=$record
      for key in $record; do
        value=${key#*=}
        case "$key" in status=*) status=$value;; signal=*) signal=$value;; esac
      done
      echo "@@ANNOUNCED $i ${status:--} ${signal:--}"
      confirm_at[i]=$SECONDS tries[i]=0
    fi
  fi
}

while :; do
  for ((i = 0; i < count; i++)); do [ "${ended[i]}" = 1 ] || [ "${dirs[i]}" = - ] || look "$i"; done
  due=0
  for ((i = 0; i < count; i++)); do
    if [ "${ended[i]}" = 0 ] && [ "${confirm_at[i]}" -ge 0 ] && [ "$SECONDS" -ge "${confirm_at[i]}" ]; then due=1; fi
  done
  [ "$due" = 1 ] && check confirm
  if [ "$SECONDS" -ge "$next_check" ]; then
    check sparse
    gap=$((gap * 3)); [ "$gap" -gt 600 ] && gap=600
    next_check=$((SECONDS + gap))
  fi
  satisfied && finish DONE
  [ "$SECONDS" -ge "$limit" ] && finish DEADLINE
  # a second's pause that ends the wait when the caller's end of the session closes
  read -r -t 1 _
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -le 128 ]; then exit 0; fi
done
