# `$1` run dir, `$2` sub-directory of it to upload into ("" for the run
# dir). Standard input: the tar stream's length in bytes and a newline,
# the tar stream (files under `files/`, then `manifest`: NUL-separated
# records MODE, SHA256, NAME; MODE `L` = verified on the login node, `C`
# = over the login node's hashing budget, the job verifies it again on
# the compute node), then the stream's sha256 and a newline.
#
# Every byte is hashed as it arrives (`tee` into a hasher beside `tar`,
# read once) and extracted into a private staging dir; the sender's
# sha256 of the stream comes after it, so it covers what was sent. Only
# when the two agree are the files linked into place (a hard link:
# never a partial file under a final name); otherwise nothing is placed.
# The staging dir is removed either way. Prints `@@STREAM <sha256>`,
# then per placed file `SHA256-or-dash<TAB>stat record` (see
# `statFiles`): the manifest's sha256 of an `L` file, whose bytes the
# stream's hash has just proved. Names travel only inside the stream.
umask 077
mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit "$EXIT_NO_DIR"
run=$(pwd -P)
# a symlink a job left in its run dir must not carry an upload out of it: the target is
# resolved before anything is made there, and checked again once entered (the job may still run)
if [ -n "$2" ]; then
  target=$(realpath -m -- "$2")
  case "$target" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: the upload target $2 resolves to $target, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit "$EXIT_NO_DIR";; esac
  mkdir -p -- "$2" && cd -- "$2" || exit "$EXIT_NO_DIR"
fi
here=$(pwd -P)
case "$here" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: the upload target $2 resolves to $here, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit "$EXIT_NO_DIR";; esac
staging="$run/.cluster-slurm-incoming.$$"
# the traps come before the staging dir exists: a hang-up at any point removes it
# the cleanup ignores the hang-up that may have started it: rm inherits that and finishes
trap 'trap "" HUP INT TERM PIPE; rm -rf -- "$staging"' EXIT
trap 'exit "$EXIT_IO"' HUP INT TERM PIPE
if [ -e "$staging" ]; then rm -rf -- "$staging"; fi
# staging dirs a killed upload left (a day old: another login node's may still be in use)
find "$run" -maxdepth 1 -name '.cluster-slurm-incoming.*' -mmin +1440 -exec rm -rf -- {} + 2>/dev/null
mkdir -m 700 -- "$staging" || exit "$EXIT_IO"
IFS= read -r length || { echo "cluster-slurm: the upload stream is empty" >&2; exit "$EXIT_IO"; }
case "$length" in ''|*[!0-9]*) echo "cluster-slurm: the upload stream does not start with its length" >&2; exit "$EXIT_IO";; esac
mkfifo -m 600 "$staging/tap" && mkdir -m 700 -- "$staging/x" || exit "$EXIT_IO"
digest < "$staging/tap" > "$staging/sum" & hasher=$!
set -o pipefail
if ! head -c "$length" | tee -- "$staging/tap" | tar -x --no-same-owner -C "$staging/x" -f -; then
  # tar reports a full filesystem as a short write; say what it is
  avail=$(df -Pk -- "$staging" 2>/dev/null | awk 'NR == 2 { print $4 }')
  if [ -n "$avail" ] && [ "$avail" -lt 256 ]; then
    echo "cluster-slurm: No space left on device in $run ($(df -Ph -- "$staging" | awk 'NR == 2 { print $2 " total, " $4 " free on " $6 }'))" >&2
  fi
  exit "$EXIT_IO"
fi
wait "$hasher" || exit "$EXIT_IO"
got=; IFS= read -r -n 64 got < "$staging/sum"
IFS= read -r expected || expected=
if [ ${#got} -ne 64 ] || [ "$got" != "$expected" ]; then
  echo "cluster-slurm: the upload stream arrived with sha256 ${got:-none}, the sender's is ${expected:-missing}; nothing was placed" >&2
  exit "$EXIT_CORRUPT"
fi
printf '@@STREAM %s\0' "$got"
staged="$staging/x"
[ -f "$staged/manifest" ] || { echo "cluster-slurm: the upload stream holds no manifest" >&2; exit "$EXIT_IO"; }
declare -A want=() mode=()
: > "$staging/placed.list"; : > "$staging/dirs.list"
while IFS= read -r -d '' m && IFS= read -r -d '' sum && IFS= read -r -d '' f; do
  # mode D: an empty directory to make, no bytes
  if [ "$m" = D ]; then printf '%s\0' "$f" >> "$staging/dirs.list"; continue; fi
  want["$f"]=$sum; mode["$f"]=$m; printf '%s\0' "$f" >> "$staging/placed.list"
done < "$staged/manifest"
# every directory a file goes into (and every one to make), resolved as the kernel will: one realpath for all
declare -A dirs=()
while IFS= read -r -d '' f; do case "$f" in */*) dirs["${f%/*}"]=1;; esac; done < "$staging/placed.list"
while IFS= read -r -d '' f; do dirs["$f"]=1; done < "$staging/dirs.list"
if [ "${#dirs[@]}" -gt 0 ]; then
  while IFS= read -r -d '' d; do
    case "$d" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: an upload path resolves to $d, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit "$EXIT_NO_DIR";; esac
  done < <(printf '%s\0' "${!dirs[@]}" | xargs -0 realpath -m -z --)
fi
if [ -s "$staging/placed.list" ]; then cp -Rl --remove-destination -- "$staged/files/." . || exit "$EXIT_NOT_PLACED"; fi
if [ -s "$staging/dirs.list" ]; then xargs -0 mkdir -p -- < "$staging/dirs.list" || exit "$EXIT_NOT_PLACED"; fi
rm -rf -- "$staged"
while IFS= read -r -d '' rec; do
  f=${rec#*$'\t'}
  if [ "${mode[$f]}" = L ]; then printf '%s\t%s\0' "${want[$f]}" "$rec"; else printf '%s\t%s\0' - "$rec"; fi
done < <(xargs -0 -r stat --printf='%F|%i %s %y %z\t%n\0' -- < "$staging/placed.list")
exit 0
