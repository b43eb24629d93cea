#!/bin/bash
#SBATCH --job-name=seeds-1
#SBATCH --time=01:00:00
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --error=logs/%x-%A_%a.err
#SBATCH --array=0-19:2%4
#SBATCH --requeue
#SBATCH --signal=B:USR1@90

# cluster-slurm run seeds-1

# array task 0-19:2%4: each task has its own dir for its outputs
export CLUSTER_SLURM_TASK_DIR="tasks/${SLURM_ARRAY_TASK_ID:-0}"
mkdir -p -- "$CLUSTER_SLURM_TASK_DIR"

set -euo pipefail

# provenance for the ledger: where and with what this ran
( set +eu
  echo "slurm_version=$(sinfo --version 2>/dev/null)"
  echo "cluster=${SLURM_CLUSTER_NAME:-}"
  echo "job_id=${SLURM_JOB_ID:-}"
  echo "nodes=${SLURM_JOB_NODELIST:-}"
  echo "python=$(python3 --version 2>&1)"
  echo "modules=$(module -t list 2>&1 | tr '\n' ' ')"
) > "$CLUSTER_SLURM_TASK_DIR"/.cluster-slurm-run-info.txt 2>/dev/null || true
for cluster_slurm_manifest in .cluster-slurm-inputs.*.sha256; do
  [ -e "$cluster_slurm_manifest" ] || continue
  if sha256sum --check --quiet --strict -- "$cluster_slurm_manifest" >/dev/null 2>&1; then
    echo "inputs_verified=ok" >> .cluster-slurm-run-info.txt
  else
    echo "inputs_verified=failed" >> .cluster-slurm-run-info.txt
    echo "cluster-slurm: inputs do not match their sha256 ($cluster_slurm_manifest); not running the workload" >&2
    exit 1
  fi
done

# workload
set +e
cluster_slurm_forward() { trap '' USR1; kill -s USR1 0 2>/dev/null; trap cluster_slurm_forward USR1; }
trap cluster_slurm_forward USR1
(
trap : USR1
set -euo pipefail
python3 seed.py "$SLURM_ARRAY_TASK_ID"
) &
cluster_slurm_child=$!
# wait returns early when a signal arrives: wait again until the workload has ended
while :; do
  wait "$cluster_slurm_child"
  cluster_slurm_status=$?
  kill -0 "$cluster_slurm_child" 2>/dev/null || break
done
exit "$cluster_slurm_status"
