/// Every bash program this tool runs on a login node, as fixed text.
///
/// None of them is ever assembled from caller data: paths, ids and names
/// arrive as positional parameters and are always used double-quoted.
/// Each program is one round trip; markers on stdout separate its parts.
public enum RemoteScripts {
    /// `$1` dir. Creates it private (0700) and prints its absolute path.
    public static let makeRunDirectory = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" && pwd -P
    """#

    /// `$1` dir, then relative file names. Prints `sha256  name` NUL-separated
    /// for those that exist as regular files (to skip re-sending them).
    public static let hashExisting = #"""
    cd -- "$1" 2>/dev/null || exit 0
    shift
    for f in "$@"; do
      if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum -z -- "$f"; fi
    done
    exit 0
    """#

    /// `$1` dir, then pairs of expected sha256 and relative file name.
    /// Extracts the tar on stdin into a private staging dir, then moves each
    /// file whose hash matches into place (rename: never a partial file under
    /// its final name) and prints `sha256  name` NUL-separated for those. A
    /// `-` for the hash moves the file unhashed (too large for the login
    /// node: the job verifies it) and prints `-  name`.
    public static let extractAndVerify = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit 3
    shift
    staging=".cluster-slurm-incoming.$$"
    rm -rf -- "$staging"; mkdir -m 700 -- "$staging" || exit 4
    tar -x --no-same-owner -C "$staging" -f - || { rm -rf -- "$staging"; exit 4; }
    names=(); wants=()
    while [ "$#" -ge 2 ]; do wants+=("$1"); names+=("$2"); shift 2; done
    # one sha256sum for every file to verify, read back in order (names may hold any byte but NUL)
    hashed=()
    for i in "${!names[@]}"; do [ "${wants[$i]}" = "-" ] || hashed+=("${names[$i]}"); done
    declare -A got=()
    if [ "${#hashed[@]}" -gt 0 ]; then
      j=0
      while IFS= read -r -d '' sum; do got["${hashed[$j]}"]=${sum:0:64}; j=$((j + 1)); done \
        < <(cd -- "$staging" && sha256sum -z -- "${hashed[@]}")
    fi
    for i in "${!names[@]}"; do
      f=${names[$i]}; want=${wants[$i]}
      if [ "$want" != "-" ] && [ "${got[$f]:-}" != "$want" ]; then continue; fi
      case "$f" in */*) [ -d "${f%/*}" ] || mkdir -p -- "${f%/*}";; esac
      mv -f -- "$staging/$f" "$f" || continue
      if [ "$want" = "-" ]; then printf -- '-  %s\0' "$f"; else printf '%s  %s\0' "$want" "$f"; fi
    done
    rm -rf -- "$staging"
    exit 0
    """#

    /// `$1` run dir, `$2` script name, `$3` comment, then sbatch options.
    /// Writes the script from stdin atomically and submits it from the run
    /// dir; the job id comes from `sbatch --parsable`.
    public static let writeAndSubmit = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit 3
    name=$2; comment=$3; shift 3
    cat > ".$name.tmp.$$" && mv -f -- ".$name.tmp.$$" "$name" || exit 4
    echo "@@CLUSTER_SLURM_SUBMIT@@"
    exec sbatch --parsable "--comment=$comment" "$@" -- "$name"
    """#

    /// `$1` list of job ids (comma separated), `$2` sacct start time.
    /// Runs squeue then sacct in one round trip; squeue's exit status is
    /// printed so "Invalid job id" (purged jobs) can be told from failures.
    public static let jobStatus = #"""
    out=$(squeue --noheader --states=all "--jobs=$1" "--format=%i|%T|%r|%N|%M|%j" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    echo "@@SQUEUE_RC=$rc@@"
    # sacct only for jobs squeue no longer shows, or shows as ended (for exit codes and accounting)
    need=$(printf '%s\n' "$out" | awk -F'|' -v ids="$1" -v rc="$rc" '
      rc == 0 && NF >= 2 { state[$1] = $2 }
      END {
        n = split(ids, want, ",")
        for (i = 1; i <= n; i++) {
          s = state[want[i]]
          if (s == "" || s ~ /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|REVOKED)/)
            printf "%s%s", (c++ ? "," : ""), want[i]
        }
      }')
    if [ -n "$need" ]; then
      sacct --noheader --parsable2 "--jobs=$need" "--starttime=$2" --endtime=now "--format=JobID,JobName,State,ExitCode,Elapsed,ElapsedRaw,MaxRSS,TotalCPU,AllocTRES,NodeList,Submit,Start,End,Reason" 2>&1
      echo "@@SACCT_RC=$?@@"
    else
      echo "@@SACCT_RC=0@@"
    fi
    """#

    /// `$1` dir, `$2` line count, then file paths. For each file prints a
    /// header `@@FILE <index> <present|missing>@@` and its last lines.
    public static let tailFiles = #"""
    cd -- "$1" 2>/dev/null || { echo "@@NODIR@@"; exit 0; }
    n=$2; shift 2
    i=0
    for f in "$@"; do
      if [ -f "$f" ] && [ -r "$f" ]; then
        echo "@@FILE $i present@@"; tail -n "$n" -- "$f"; echo; echo "@@END $i@@"
      else
        echo "@@FILE $i missing@@"; echo "@@END $i@@"
      fi
      i=$((i+1))
    done
    exit 0
    """#

    /// `$1` run dir, then requested paths (relative to it, may be globs
    /// already expanded by the caller's rules, files or directories).
    /// Resolves each inside the run dir, refusing anything whose real path
    /// leaves it, and prints one NUL-separated record per regular file:
    /// `sha256 size relative-path`. Errors go to stdout as `@@ERR …`.
    public static let listForDownload = #"""
    cd -- "$1" 2>/dev/null || { printf '@@ERR nodir\0'; exit 0; }
    root=$(pwd -P)
    shift
    emit() {
      real=$(realpath -e -- "$1" 2>/dev/null) || { printf '@@ERR missing %s\0' "$1"; return; }
      case "$real" in "$root"/*) ;; *) printf '@@ERR outside %s\0' "$1"; return;; esac
      if [ -L "$1" ]; then printf '@@ERR symlink %s\0' "$1"; return; fi
      if [ ! -f "$real" ]; then printf '@@ERR notfile %s\0' "$1"; return; fi
      rel=${real#"$root"/}
      size=$(stat -c %s -- "$real") || return
      sum=$(sha256sum -z -- "$real" | cut -z -d ' ' -f 1 | tr -d '\0') || return
      printf '%s %s %s\0' "$sum" "$size" "$rel"
    }
    for p in "$@"; do
      case "$p" in *[\*\?\[]*)
        found=0; saved_ifs=$IFS; IFS=
        for m in $p; do [ -e "$m" ] || continue; found=1
          if [ -d "$m" ] && [ ! -L "$m" ]; then
            while IFS= read -r -d '' f; do emit "$f"; done < <(find "$m" \( -type f -o -type l \) -print0 | sort -z)
          else emit "$m"; fi
        done
        IFS=$saved_ifs
        [ "$found" = 1 ] || printf '@@ERR missing %s\0' "$p"
        continue;;
      esac
      if [ -d "$p" ] && [ ! -L "$p" ]; then
        real=$(realpath -e -- "$p"); case "$real" in "$root"|"$root"/*) ;; *) printf '@@ERR outside %s\0' "$p"; continue;; esac
        while IFS= read -r -d '' f; do emit "$f"; done < <(find "$p" \( -type f -o -type l \) -print0 | sort -z)
      else
        emit "$p"
      fi
    done
    exit 0
    """#

    /// `$1` run dir, then relative file names. Writes the files' bytes back
    /// to back on stdout; the caller splits them by the sizes it listed.
    public static let catFiles = #"""
    cd -- "$1" || exit 3
    shift
    for f in "$@"; do cat -- "$f" || exit 4; done
    """#

    /// `$1` job ids (space separated are passed as separate args after $1).
    public static let cancel = #"""
    scancel "$@"
    """#

    /// `$1` a job comment. Finds the user's jobs carrying exactly that
    /// comment: squeue first, then sacct (finished jobs), one round trip.
    /// Prints `@@JOB <id>` lines.
    public static let findJobByComment = #"""
    squeue --noheader --states=all --user="$(id -un)" --format='%i|%k' 2>/dev/null | while IFS='|' read -r id comment; do
      [ "$comment" = "$1" ] && echo "@@JOB $id"
    done
    sacct --noheader --parsable2 --allocations --user="$(id -un)" --starttime=now-7days --endtime=now --format=JobID,Comment 2>/dev/null | while IFS='|' read -r id comment; do
      [ "$comment" = "$1" ] && echo "@@JOB $id"
    done
    exit 0
    """#

    /// `$1` run dir, `$2` file name. Writes stdin to the file, mode 0600,
    /// atomically (secrets the job sources).
    public static let writePrivateFile = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit 3
    cat > ".$2.tmp.$$" && chmod 600 ".$2.tmp.$$" && mv -f -- ".$2.tmp.$$" "$2" || exit 4
    """#

    /// `$1` dir, then relative file names. Prints `size mtime name` NUL-
    /// separated for those that exist as regular files: the cheap check
    /// (like rsync's) before deciding what to hash or send.
    public static let statExisting = #"""
    cd -- "$1" 2>/dev/null || exit 0
    shift
    for f in "$@"; do
      if [ -f "$f" ] && [ ! -L "$f" ]; then printf '%s %s\0' "$(stat -c '%s %Y' -- "$f")" "$f"; fi
    done
    exit 0
    """#
}
