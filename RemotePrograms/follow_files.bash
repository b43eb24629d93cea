# `$1` run dir, `$2` lines to start with, `$3` job id, `$4` seconds
# between reads of the files, `$5` seconds between squeue checks, then
# the log files (relative to the run dir). Streams what the files gain
# as frames `@@C INDEX LENGTH@@\n` + bytes, by byte offset (nothing
# skipped or repeated; a truncated file starts over), until squeue no
# longer lists the job or lists it ended; then one last read and
# `@@ENDED STATE@@`. Every read resolves the path again and refuses one
# that leaves the run dir (`@@OUTSIDE INDEX@@` + path), as job_logs does.
# squeue failing ten checks in a row ends with `@@NOSQUEUE@@` + its message.
cd -- "$1" 2>/dev/null || { echo "@@NODIR@@"; exit 0; }
n=$2; job=$3; every=$4; check=$5; shift 5
root=$(pwd -P)
offsets=()
for f in "$@"; do offsets+=(-1); done
pass() {
  local i=0 f real size start len
  for f in "$@"; do
    real=$(realpath -m -- "$f")
    case "$real" in "$root"/*) ;; *) echo "@@OUTSIDE $i@@"; printf '%s\n' "$real"; exit "$EXIT_NO_DIR";; esac
    if [ -f "$real" ] && [ -r "$real" ]; then
      size=$(stat -c %s -- "$real")
      if [ "${offsets[$i]}" -lt 0 ]; then
        start=$(head -c "$size" -- "$real" | tail -n "$n" | wc -c)
        offsets[$i]=$((size - start))
      fi
      [ "$size" -lt "${offsets[$i]}" ] && offsets[$i]=0
      if [ "$size" -gt "${offsets[$i]}" ]; then
        len=$((size - offsets[$i]))
        echo "@@C $i $len@@"
        tail -c +"$((offsets[$i] + 1))" -- "$real" | head -c "$len"
        offsets[$i]=$size
      fi
    fi
    i=$((i + 1))
  done
}
waited=$check failures=0 state=
while :; do
  pass "$@"
  if [ "$waited" -ge "$check" ]; then
    waited=0
    out=$(squeue -h -t all -j "$job" -o %T 2>&1); rc=$?
    if [ "$rc" -ne 0 ]; then
      case "$out" in *"Invalid job id"*) state=GONE; break;; esac
      failures=$((failures + 1))
      [ "$failures" -ge 10 ] && { echo "@@NOSQUEUE@@"; printf '%s\n' "$out"; exit 0; }
    else
      failures=0
      state=${out%%$'\n'*}
      if [ -z "$state" ] || is_terminal "$state"; then state=${state:-GONE}; break; fi
    fi
  fi
  sleep "$every"
  waited=$((waited + every))
done
pass "$@"
echo "@@ENDED $state@@"
exit 0
