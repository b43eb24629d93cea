# `$1` run dir, `$2` token, `$3` job name, `$4` sacct start time. How a
# submission whose answer was lost ended: `@@RECORD` and the record the
# submit program left (`rc=N`, then sbatch's output) up to `@@END`; unless
# that record holds a job id, as a second source `@@JOB id` for each of
# the user's jobs with this name whose work dir is the run dir (squeue,
# then sacct: accounting always stores both); `@@NODIR` when the run dir
# does not exist.
cd -- "$1" 2>/dev/null || { echo "@@NODIR"; exit 0; }
if [ -f ".cluster-slurm-submits/$2.decision" ]; then echo "@@DECISION $(head -c 200 -- ".cluster-slurm-submits/$2.decision")"; fi
if [ -f ".cluster-slurm-submits/$2" ]; then
  echo "@@RECORD"; cat -- ".cluster-slurm-submits/$2"; echo "@@END"
  # an answer with a job id needs nothing more
  sed -n 2p ".cluster-slurm-submits/$2" | grep -q '^[0-9]' && exit 0
fi
dir=$(pwd -P)
squeue --noheader --states=all --user="$(id -un)" --name="$3" --format='%i|%Z' 2>/dev/null | while IFS='|' read -r id wd; do
  [ "$wd" = "$dir" ] && echo "@@JOB $id"
done
sacct --noheader --parsable2 --allocations --user="$(id -un)" --name="$3" "--starttime=$4" --endtime=now --format=JobID,WorkDir 2>/dev/null | while IFS='|' read -r id wd; do
  [ "$wd" = "$dir" ] && echo "@@JOB $id"
done
exit 0
