# Job ids as arguments. Cancels those the controller still holds as
# active (scancel is silent about ended ids, so each is asked first) and
# prints `@@CANCELLED id`, `@@ENDED id` or `@@FAILED id message` per job.
for id in "$@"; do
  state=$(squeue --noheader --states=all --jobs="$id" --format=%T 2>/dev/null | head -n 1)
  if [ -z "$state" ] || is_terminal "$state"; then echo "@@ENDED $id"; continue; fi
  if out=$(scancel -- "$id" 2>&1); then echo "@@CANCELLED $id"; else echo "@@FAILED $id $out" | tr '\n' ' '; echo; fi
done
exit 0
