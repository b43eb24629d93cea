#!/bin/bash
#SBATCH --job-name=sweep-1
#SBATCH --output=slurm-%A_%a.out
#SBATCH --array=0-2%2

# cluster-slurm run sweep-1

# the job says in the run dir when it starts and ends, for a check_workload that waits
# (a hint to ask SLURM at once, never the job's state; it can never fail the job)
cluster_slurm_state_dir="$PWD"/.cluster-slurm-state
cluster_slurm_job_key="${SLURM_ARRAY_JOB_ID:+${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID:-}}"
cluster_slurm_job_key="${cluster_slurm_job_key:-${SLURM_JOB_ID:-unknown}}"
cluster_slurm_announce() { ( set +eu; cs_tmp="$cluster_slurm_state_dir/.$1.$cluster_slurm_job_key.$$"
  mkdir -p -- "$cluster_slurm_state_dir" && printf '%s\n' "$2" > "$cs_tmp" && mv -f -- "$cs_tmp" "$cluster_slurm_state_dir/$1.$cluster_slurm_job_key"
) 2>/dev/null || true; }
cluster_slurm_ended() { cluster_slurm_status=$?; trap - EXIT; printf -v cluster_slurm_now '%(%s)T' -1
  cluster_slurm_announce end "status=$cluster_slurm_status signal=${cluster_slurm_signal:-} time=$cluster_slurm_now restarts=${SLURM_RESTART_COUNT:-0}"
  exit "$cluster_slurm_status"; }
rm -f -- "$cluster_slurm_state_dir/end.$cluster_slurm_job_key" 2>/dev/null || true
printf -v cluster_slurm_now '%(%s)T' -1
cluster_slurm_announce start "time=$cluster_slurm_now node=${SLURMD_NODENAME:-} restarts=${SLURM_RESTART_COUNT:-0}"
trap cluster_slurm_ended EXIT
trap 'cluster_slurm_signal=TERM; exit 143' TERM

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
# the software environment, for the ledger (each probe bounded; never fails the job)
( set +eu
  cs_probe() { local name=$1; shift; echo "@@$name"; timeout 20 "$@" 2>/dev/null | head -c 1000000; }
  echo @@host; hostname
  echo @@os; ( . /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-}" )
  echo @@kernel; uname -sr
  echo @@cpu; grep -m1 -i 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'
  cs_probe python python3 --version
  cs_probe pip python3 -m pip list --format=freeze --disable-pip-version-check
  if [ -n "${CONDA_PREFIX:-}" ]; then cs_probe conda conda list --export; fi
  echo @@modules; module -t list 2>&1 | head -c 100000
  cs_container="${APPTAINER_CONTAINER:-${SINGULARITY_CONTAINER:-}}"
  if [ -n "$cs_container" ]; then
    echo @@container; echo "$cs_container"
    if [ -f "$cs_container" ]; then timeout 60 sha256sum "$cs_container" | sed 's/ .*//; s/^/sha256:/'; fi
  fi
  if [ -n "${CUDA_VISIBLE_DEVICES:-}${SLURM_JOB_GPUS:-}" ] && command -v nvidia-smi >/dev/null; then
    cs_probe gpus nvidia-smi -L
    cs_probe driver nvidia-smi --query-gpu=driver_version --format=csv,noheader
  fi
  echo @@slurm; env | grep -E '^SLURM_(CLUSTER_NAME|JOB_PARTITION|JOB_QOS|JOB_ACCOUNT|JOB_NODELIST|JOB_NUM_NODES|CPUS_ON_NODE|JOB_CPUS_PER_NODE|GPUS_ON_NODE|JOB_GPUS|MEM_PER_NODE|MEM_PER_CPU|TRES_PER_TASK|RESTART_COUNT)=' | sort
) > "$CLUSTER_SLURM_TASK_DIR"/.cluster-slurm-environment.txt 2>/dev/null || true
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

# the environment again when the workload ends, for the ledger to compare (bounded; never fails the job)
cluster_slurm_end_file="$PWD"/"$CLUSTER_SLURM_TASK_DIR"/.cluster-slurm-environment-end.txt
# (not when a signal ended the workload: a cancel, time limit or requeue must not wait for pip)
cluster_slurm_environment_at_end() { [ "$?" -ge 128 ] && return 0; ( set +eu
  echo @@python; timeout 20 python3 --version 2>/dev/null | head -c 1000
  echo @@pip; timeout 20 python3 -m pip list --format=freeze --disable-pip-version-check 2>/dev/null | head -c 1000000
  echo @@modules; module -t list 2>&1 | head -c 100000
) > "$cluster_slurm_end_file" 2>/dev/null || true; }
# workload
set +e
(
trap 'cluster_slurm_environment_at_end || true' EXIT
set -euo pipefail
python3 train.py
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
