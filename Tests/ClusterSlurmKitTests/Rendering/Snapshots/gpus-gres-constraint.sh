#!/bin/bash
#SBATCH --job-name=fixed-name
#SBATCH --constraint=a100
#SBATCH --gpus=a100:2
#SBATCH --gres=gpu:a100:2

# cluster-slurm run r8

set -euo pipefail

# workload
set +e
(
set -euo pipefail
nvidia-smi
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
