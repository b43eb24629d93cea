#!/bin/bash
#SBATCH --job-name=plain-run

# cluster-slurm run plain-run

set -euo pipefail

# workload
set +e
(
set -euo pipefail
hostname
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
