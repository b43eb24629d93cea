# Pairs of `$1` job id, `$2` dependency: points each waiting job at the
# jobs it should now wait for (a retry replaced one). Prints per job.
while [ "$#" -ge 2 ]; do
  if out=$(scontrol update "JobId=$1" "Dependency=$2" 2>&1); then echo "@@UPDATED $1"; else echo "@@FAILED $1 $out" | tr '\n' ' '; echo; fi
  shift 2
done
exit 0
