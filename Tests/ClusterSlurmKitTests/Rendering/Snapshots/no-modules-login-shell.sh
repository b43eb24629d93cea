#!/bin/bash -l
#SBATCH --job-name=r6
#SBATCH --partition=debug
#SBATCH --time=10

# cluster-slurm run r6

set -euo pipefail

# profile setup
export OMP_NUM_THREADS=4

# workload
set +e
(
set -euo pipefail
hostname
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
