#!/bin/bash -l
#SBATCH --job-name=run-20261129-101500
#SBATCH --partition=cpu
#SBATCH --account=lilly-agentic-cpu
#SBATCH --time=02:00:00
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --output=slurm-%j.out
#SBATCH --error=slurm-%j.err

# cluster-slurm run run-20261129-101500

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

# module bootstrap: make `module` available in this non-interactive shell
if ! command -v module >/dev/null 2>&1; then
  for __cs_init in /etc/profile /etc/profile.d/modules.sh /usr/share/lmod/lmod/init/bash; do
    # shellcheck source=/dev/null  # (the site's init script: nothing to follow here)
    if [ -r "$__cs_init" ]; then . "$__cs_init" >/dev/null 2>&1 || true; fi
    if command -v module >/dev/null 2>&1; then break; fi
  done
fi
if ! command -v module >/dev/null 2>&1; then
  echo 'cluster-slurm: the '\''module'\'' command is not available after sourcing: /etc/profile, /etc/profile.d/modules.sh, /usr/share/lmod/lmod/init/bash' >&2
  echo 'cluster-slurm: set moduleInitScripts in this cluster profile to the site'\''s module init script' >&2
  exit 127
fi

set -euo pipefail

# profile setup
module --force purge
module load rcac

module load python/3.11

# provenance for the ledger: where and with what this ran
( set +eu
  echo "slurm_version=$(sinfo --version 2>/dev/null)"
  echo "cluster=${SLURM_CLUSTER_NAME:-}"
  echo "job_id=${SLURM_JOB_ID:-}"
  echo "nodes=${SLURM_JOB_NODELIST:-}"
  echo "python=$(python3 --version 2>&1)"
  echo "modules=$(module -t list 2>&1 | tr '\n' ' ')"
) > .cluster-slurm-run-info.txt 2>/dev/null || true
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
) > .cluster-slurm-environment.txt 2>/dev/null || true
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
cluster_slurm_end_file="$PWD"/.cluster-slurm-environment-end.txt
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
python3 numpy_stats.py input.csv outputs/stats.json
)
cluster_slurm_status=$?
exit "$cluster_slurm_status"
