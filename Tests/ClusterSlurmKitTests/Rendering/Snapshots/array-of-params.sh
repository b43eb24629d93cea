#!/bin/bash
#SBATCH --job-name=sweep-1
#SBATCH --output=slurm-%A_%a.out
#SBATCH --array=0-2%2

# cluster-slurm run sweep-1

# the run's parameters (params)
export CLUSTER_SLURM_PARAMS='{"epochs":3}'

# array task 0-2%2: each task has its own dir for its outputs
export CLUSTER_SLURM_TASK_DIR="tasks/${SLURM_ARRAY_TASK_ID:-0}"
mkdir -p -- "$CLUSTER_SLURM_TASK_DIR"
# task i's parameters are line i+1 below
CLUSTER_SLURM_PARAMS=$(awk -v n="$(( ${SLURM_ARRAY_TASK_ID:-0} + 1 ))" 'NR == n' <<'CLUSTER_SLURM_PARAMS_END'
{"lr":0.1}
{"lr":0.01,"name":"it's \"b\"\nline"}
{}
CLUSTER_SLURM_PARAMS_END
)
export CLUSTER_SLURM_PARAMS

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
(
set -euo pipefail
python3 train.py
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
