#!/bin/bash -l
#SBATCH --job-name=r6
#SBATCH --partition=debug
#SBATCH --time=10

# cluster-slurm run r6

set -euo pipefail

# profile setup
export OMP_NUM_THREADS=4

# provenance for the ledger: where and with what this ran
( set +eu
  echo "slurm_version=$(sinfo --version 2>/dev/null)"
  echo "cluster=${SLURM_CLUSTER_NAME:-}"
  echo "job_id=${SLURM_JOB_ID:-}"
  echo "nodes=${SLURM_JOB_NODELIST:-}"
  echo "python=$(python3 --version 2>&1)"
  echo "modules=$(module -t list 2>&1 | tr '\n' ' ')"
) > .cluster-slurm-run-info.txt 2>/dev/null || true
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
hostname
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
