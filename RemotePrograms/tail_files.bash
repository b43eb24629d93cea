# `$1` dir, `$2` line count, `$3` the directory reads are confined to
# (the run dir, or remoteRoot), then file paths. For each file prints a
# header `@@FILE <index> <present|missing|outside>@@` and its last lines
# (for `outside`, the real path it resolved to). Symlinks are resolved
# on the cluster before the check, and the resolved file is what is read.
cd -- "$1" 2>/dev/null || { echo "@@NODIR@@"; exit 0; }
n=$2; root=$(realpath -e -- "$3" 2>/dev/null) || root=$3; shift 3
i=0
for f in "$@"; do
  real=$(realpath -e -- "$f" 2>/dev/null)
  if [ -n "$real" ] && [ "$real" != "$root" ] && [ "${real#"$root"/}" = "$real" ]; then
    echo "@@FILE $i outside@@"; printf '%s\n' "$real"; echo "@@END $i@@"
  elif [ -n "$real" ] && [ -f "$real" ] && [ -r "$real" ]; then
    echo "@@FILE $i present@@"; tail -n "$n" -- "$real"; echo; echo "@@END $i@@"
  else
    echo "@@FILE $i missing@@"; echo "@@END $i@@"
  fi
  i=$((i+1))
done
exit 0
