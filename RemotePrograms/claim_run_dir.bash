# `$1` a run dir to create; its parent is created as needed, the dir
# itself exclusively (`mkdir` without `-p`): exit 17 (EXIT_RUN_DIR_TAKEN)
# when it is already there, so two ledgers sharing one remoteRoot never
# share a run dir. Prints the absolute path.
umask 077
# (forks cost a login node ~1.5 ms each: builtins where they do the same)
case "$1" in */*) parent=${1%/*}; parent=${parent:-/};; *) parent=.;; esac
[ -d "$parent" ] || mkdir -p -- "$parent" || exit "$EXIT_NO_DIR"
if mkdir -m 700 -- "$1" 2>/dev/null; then cd -- "$1" && pwd -P; exit 0; fi
if [ -e "$1" ] || [ -L "$1" ]; then echo "cluster-slurm: the run dir $1 exists already (another ledger's run?)" >&2; exit "$EXIT_RUN_DIR_TAKEN"; fi
mkdir -m 700 -- "$1"; exit "$EXIT_NO_DIR"
