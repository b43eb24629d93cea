#!/bin/bash
#SBATCH --job-name=plain-run

# cluster-slurm run plain-run

set -euo pipefail

# workload
hostname
