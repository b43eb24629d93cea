import Foundation

/// Every bash program this tool runs on a login node, as fixed text.
///
/// None of them is ever assembled from caller data: paths, ids and names
/// arrive as positional parameters and are always used double-quoted.
/// Each program is one round trip; markers on stdout separate its parts.
public enum RemoteScripts {
    /// Every program by a name a person can ask for (`cluster-slurm remote-program NAME`).
    public static let all: [String: String] = [
        "make-run-dir": makeRunDirectory, "stat-files": statFiles, "hash-files": hashFiles, "receive-upload": receiveUpload,
        "submit": writeAndSubmit, "first-contact": firstContact, "find-submission": findSubmission, "claim-run-dir": claimRunDirectory,
        "job-status": jobStatus, "tail-files": tailFiles, "list-for-download": listForDownload, "send-files": sendFiles,
        "cancel": cancel, "write-private-file": writePrivateFile, "update-dependencies": updateDependencies, "follow-files": followFiles,
    ]

    /// `$1` dir. Creates it private (0700) and prints its absolute path.
    public static let makeRunDirectory = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" && pwd -P
    """#

    /// `$1` dir; standard input: relative file names, NUL-separated (any
    /// number: names never travel as arguments). Prints one record per name
    /// that exists: `TYPE|INODE SIZE MTIME CTIME<TAB>NAME\0` (lstat; times
    /// with nanoseconds). The upload's quick check compares this signature
    /// with the one recorded right after the file was verified: neither tar
    /// nor touch can set a ctime, so an unchanged signature means unchanged
    /// bytes.
    public static let statFiles = #"""
    cd -- "$1" 2>/dev/null || { cat >/dev/null; exit 0; }
    xargs -0 -r stat --printf='%F|%i %s %y %z\t%n\0' -- 2>/dev/null
    exit 0
    """#

    /// `$1` dir; standard input: relative file names, NUL-separated. Prints
    /// their stat records (as `statFiles`, taken before hashing, so a change
    /// during hashing shows next time), then `@@HASHES\0`, then `sha256sum -z`
    /// records.
    public static let hashFiles = #"""
    cd -- "$1" 2>/dev/null || { cat >/dev/null; exit 0; }
    list=$(mktemp) || exit 4
    trap 'trap "" HUP INT TERM PIPE; rm -f -- "$list"' EXIT
    cat > "$list" || exit 4
    xargs -0 -r stat --printf='%F|%i %s %y %z\t%n\0' -- < "$list" 2>/dev/null
    printf '@@HASHES\0'
    xargs -0 -r sha256sum -z -- < "$list" 2>/dev/null
    exit 0
    """#

    /// `digest`: the sha256 of standard input, first on the line: `openssl
    /// dgst` when the cluster has it (about five times coreutils' speed on
    /// this test cluster), `sha256sum` otherwise. Shared by both transfers.
    static let digestFunction = #"""
    if command -v openssl >/dev/null 2>&1; then digest() { openssl dgst -sha256 -r; }; else digest() { sha256sum; }; fi
    """#

    /// `$1` run dir, `$2` sub-directory of it to upload into ("" for the run
    /// dir). Standard input: the tar stream's length in bytes and a newline,
    /// the tar stream (files under `files/`, then `manifest`: NUL-separated
    /// records MODE, SHA256, NAME; MODE `L` = verified on the login node, `C`
    /// = over the login node's hashing budget, the job verifies it again on
    /// the compute node), then the stream's sha256 and a newline.
    ///
    /// Every byte is hashed as it arrives (`tee` into a hasher beside `tar`,
    /// read once) and extracted into a private staging dir; the sender's
    /// sha256 of the stream comes after it, so it covers what was sent. Only
    /// when the two agree are the files linked into place (a hard link:
    /// never a partial file under a final name); otherwise nothing is placed.
    /// The staging dir is removed either way. Prints `@@STREAM <sha256>`,
    /// then per placed file `SHA256-or-dash<TAB>stat record` (see
    /// `statFiles`): the manifest's sha256 of an `L` file, whose bytes the
    /// stream's hash has just proved. Names travel only inside the stream.
    public static let receiveUpload = #"""
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit 3
    run=$(pwd -P)
    # a symlink a job left in its run dir must not carry an upload out of it: the target is
    # resolved before anything is made there, and checked again once entered (the job may still run)
    if [ -n "$2" ]; then
      target=$(realpath -m -- "$2")
      case "$target" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: the upload target $2 resolves to $target, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit 3;; esac
      mkdir -p -- "$2" && cd -- "$2" || exit 3
    fi
    here=$(pwd -P)
    case "$here" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: the upload target $2 resolves to $here, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit 3;; esac
    staging="$run/.cluster-slurm-incoming.$$"
    # the traps come before the staging dir exists: a hang-up at any point removes it
    # the cleanup ignores the hang-up that may have started it: rm inherits that and finishes
    trap 'trap "" HUP INT TERM PIPE; rm -rf -- "$staging"' EXIT
    trap 'exit 4' HUP INT TERM PIPE
    if [ -e "$staging" ]; then rm -rf -- "$staging"; fi
    # staging dirs a killed upload left (a day old: another login node's may still be in use)
    find "$run" -maxdepth 1 -name '.cluster-slurm-incoming.*' -mmin +1440 -exec rm -rf -- {} + 2>/dev/null
    mkdir -m 700 -- "$staging" || exit 4
    \#(digestFunction)
    IFS= read -r length || { echo "cluster-slurm: the upload stream is empty" >&2; exit 4; }
    case "$length" in ''|*[!0-9]*) echo "cluster-slurm: the upload stream does not start with its length" >&2; exit 4;; esac
    mkfifo -m 600 "$staging/tap" && mkdir -m 700 -- "$staging/x" || exit 4
    digest < "$staging/tap" > "$staging/sum" & hasher=$!
    set -o pipefail
    if ! head -c "$length" | tee -- "$staging/tap" | tar -x --no-same-owner -C "$staging/x" -f -; then
      # tar reports a full filesystem as a short write; say what it is
      avail=$(df -Pk -- "$staging" 2>/dev/null | awk 'NR == 2 { print $4 }')
      if [ -n "$avail" ] && [ "$avail" -lt 256 ]; then
        echo "cluster-slurm: No space left on device in $run ($(df -Ph -- "$staging" | awk 'NR == 2 { print $2 " total, " $4 " free on " $6 }'))" >&2
      fi
      exit 4
    fi
    wait "$hasher" || exit 4
    got=; IFS= read -r -n 64 got < "$staging/sum"
    IFS= read -r expected || expected=
    if [ ${#got} -ne 64 ] || [ "$got" != "$expected" ]; then
      echo "cluster-slurm: the upload stream arrived with sha256 ${got:-none}, the sender's is ${expected:-missing}; nothing was placed" >&2
      exit 6
    fi
    printf '@@STREAM %s\0' "$got"
    staged="$staging/x"
    [ -f "$staged/manifest" ] || { echo "cluster-slurm: the upload stream holds no manifest" >&2; exit 4; }
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
        case "$d" in "$run"|"$run"/*) ;; *) echo "cluster-slurm: an upload path resolves to $d, outside the run dir $run (a symlink in the run dir?); nothing was placed" >&2; exit 3;; esac
      done < <(printf '%s\0' "${!dirs[@]}" | xargs -0 realpath -m -z --)
    fi
    if [ -s "$staging/placed.list" ]; then cp -Rl --remove-destination -- "$staged/files/." . || exit 5; fi
    if [ -s "$staging/dirs.list" ]; then xargs -0 mkdir -p -- < "$staging/dirs.list" || exit 5; fi
    rm -rf -- "$staged"
    while IFS= read -r -d '' rec; do
      f=${rec#*$'\t'}
      if [ "${mode[$f]}" = L ]; then printf '%s\t%s\0' "${want[$f]}" "$rec"; else printf '%s\t%s\0' - "$rec"; fi
    done < <(xargs -0 -r stat --printf='%F|%i %s %y %z\t%n\0' -- < "$staging/placed.list")
    exit 0
    """#

    /// `$1` run dir, `$2` script name, `$3` comment, `$4` the script's size in
    /// bytes, `$5` the attempt's token, `$6` the manifest's size, then sbatch
    /// options. Standard input: the script, then the compute-node input
    /// manifest (`sha256sum --check` format), then (later) the caller's reply.
    /// Writes both atomically and submits from the run dir, held; the job id
    /// comes from `sbatch --parsable` (or, when a directive silenced it, from
    /// the job's comment in squeue). sbatch's answer is recorded on the
    /// cluster (`.cluster-slurm-submits/TOKEN`, atomically) before it is
    /// printed, and the program ignores hang-ups: an answer lost on the way
    /// (dropped connection, timeout, a ledger that could not be written) is
    /// read back from that record by the next action on the run, whatever the
    /// site's accounting stores.
    ///
    /// The held job is shown as the scheduler sees it (`scontrol show job
    /// -o`), then the program waits for the caller's verdict (`RemoteReply`):
    /// `release`, or anything else (no answer within 300 s, a dropped
    /// connection) cancels the job. The verdict is recorded beside the answer
    /// (`TOKEN.decision`), so a job refused or never released is never adopted.
    public static let writeAndSubmit = #"""
    trap '' HUP PIPE
    umask 077
    mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit 3
    name=$2; comment=$3; size=$4; token=$5; msize=$6; shift 6
    head -c "$size" > ".$name.tmp.$$" && [ "$(stat -c %s -- ".$name.tmp.$$")" = "$size" ] || { rm -f -- ".$name.tmp.$$"; echo "cluster-slurm: could not write the job script to $(pwd -P) (short write)" >&2; exit 4; }
    manifest=.cluster-slurm-inputs.all.sha256
    head -c "$msize" > "$manifest.tmp.$$" && [ "$(stat -c %s -- "$manifest.tmp.$$")" = "$msize" ] || { rm -f -- ".$name.tmp.$$" "$manifest.tmp.$$"; echo "cluster-slurm: could not write the input manifest to $(pwd -P) (short write)" >&2; exit 4; }
    if [ -s "$manifest.tmp.$$" ]; then mv -f -- "$manifest.tmp.$$" "$manifest"; else rm -f -- "$manifest.tmp.$$" "$manifest"; fi
    mv -f -- ".$name.tmp.$$" "$name" || exit 4
    records=.cluster-slurm-submits
    mkdir -p -- "$records" || exit 4
    out=$(sbatch --parsable --hold "--comment=$comment" "$@" -- "$name" 2> "$records/.$token.err"); rc=$?
    { printf 'rc=%s\n' "$rc"; printf '%s\n' "$out"; echo "@@STDERR"; head -c 4096 -- "$records/.$token.err"; } > "$records/.$token.tmp" \
      && mv -f -- "$records/.$token.tmp" "$records/$token"
    echo "@@CLUSTER_SLURM_SUBMIT@@"
    printf '%s\n' "$out"
    id=
    while IFS= read -r line; do
      if [[ $line =~ ^([0-9]+) ]]; then id=${BASH_REMATCH[1]}; break; fi
    done <<< "$out"
    if [ "$rc" = 0 ] && [ -z "$id" ]; then
      # sbatch made a job but printed no id (a quiet directive): its comment finds it
      id=$(squeue --noheader --states=all --user="$(id -un)" --format='%i|%k' 2>/dev/null | awk -F'|' -v c="$comment" '$2 == c { print $1; exit }')
      echo "@@FOUND $id"
    fi
    if [ "$rc" = 0 ] && [ -n "$id" ]; then
      # held until the caller has checked what the scheduler made of it
      echo "@@RUNDIR $(pwd -P)"
      # The user's active jobs under this remoteRoot as SLURM holds them now,
      # array tasks one by one (this held job aside): what the budgets count.
      root=$(dirname -- "$(pwd -P)")
      if active=$(squeue --noheader --array --user="$(id -un)" --format='%i|%Z' 2>/dev/null); then
        while IFS= read -r line; do
          jid=${line%%|*}; wd=${line#*|}
          case "$jid" in ""|"$id"|"$id"_*) continue;; esac
          case "$wd/" in "$root"/*) echo "@@ACTIVE $jid";; esac
        done <<< "$active"
        echo "@@ACTIVE_END"
      fi
      echo "@@SCONTROL"
      scontrol show job -o "$id" 2>&1; echo "@@SCONTROL_RC=$?"
      echo "@@AWAIT_REPLY"
      decision=; read -r -t 300 decision || true
      if [ "$decision" = release ] && scontrol release "$id" 2> "$records/.$token.rel"; then
        echo release > "$records/$token.decision"; echo "@@RELEASED $id"
      else
        scancel -- "$id" 2>> "$records/.$token.rel"
        printf 'cancel %s\n' "${decision:-(no answer)}" > "$records/$token.decision"; echo "@@CANCELLED $id"
        cat -- "$records/.$token.rel" >&2
      fi
      rm -f -- "$records/.$token.rel"
    fi
    cat -- "$records/.$token.err" >&2; rm -f -- "$records/.$token.err"
    exit "$rc"
    """#

    /// A new run's first and only round trip (`run_workload`): claims the
    /// run dir (`claimRunDirectory`), receives the inputs (`receiveUpload`)
    /// and writes the script and submits it held (`writeAndSubmit`), each
    /// program unchanged in a subshell of its own, reading one standard
    /// input in turn. `$1` the attempt's token, `$2` `1` when an upload
    /// stream comes first, then `writeAndSubmit`'s parameters. Before the
    /// upload and before the submit it prints `\0@@STAGE-TOKEN upload\0`
    /// and `\0@@STAGE-TOKEN submit\0`: what each part printed is read from
    /// its own section, and no uploaded file's name (no NUL, made before the
    /// token existed) can fake a later part's markers. A part that fails
    /// ends the program with its exit status: the sections printed say how
    /// far it got (exit 17 before any section: the run dir was taken).
    public static let firstContact = """
    claim_run_dir() (
    \(claimRunDirectory)
    )
    receive_upload() (
    \(receiveUpload)
    )
    write_and_submit() (
    \(writeAndSubmit)
    )
    token=$1; upload=$2; shift 2
    claim_run_dir "$1" || exit
    printf '\\0@@STAGE-%s upload\\0' "$token"
    if [ "$upload" = 1 ]; then receive_upload "$1" "" || exit; fi
    printf '\\0@@STAGE-%s submit\\0' "$token"
    write_and_submit "$@"
    """

    /// `$1` run dir, `$2` token, `$3` job name, `$4` sacct start time. How a
    /// submission whose answer was lost ended: `@@RECORD` and the record the
    /// submit program left (`rc=N`, then sbatch's output) up to `@@END`; unless
    /// that record holds a job id, as a second source `@@JOB id` for each of
    /// the user's jobs with this name whose work dir is the run dir (squeue,
    /// then sacct: accounting always stores both); `@@NODIR` when the run dir
    /// does not exist.
    public static let findSubmission = #"""
    cd -- "$1" 2>/dev/null || { echo "@@NODIR"; exit 0; }
    if [ -f ".cluster-slurm-submits/$2.decision" ]; then echo "@@DECISION $(head -c 200 -- ".cluster-slurm-submits/$2.decision")"; fi
    if [ -f ".cluster-slurm-submits/$2" ]; then
      echo "@@RECORD"; cat -- ".cluster-slurm-submits/$2"; echo "@@END"
      # an answer with a job id needs nothing more
      sed -n 2p ".cluster-slurm-submits/$2" | grep -q '^[0-9]' && exit 0
    fi
    dir=$(pwd -P)
    squeue --noheader --states=all --user="$(id -un)" --name="$3" --format='%i|%Z' 2>/dev/null | while IFS='|' read -r id wd; do
      [ "$wd" = "$dir" ] && echo "@@JOB $id"
    done
    sacct --noheader --parsable2 --allocations --user="$(id -un)" --name="$3" "--starttime=$4" --endtime=now --format=JobID,WorkDir 2>/dev/null | while IFS='|' read -r id wd; do
      [ "$wd" = "$dir" ] && echo "@@JOB $id"
    done
    exit 0
    """#

    /// `$1` a run dir to create; its parent is created as needed, the dir
    /// itself exclusively (`mkdir` without `-p`): exit 17 and `@@EXISTS`
    /// when it is already there, so two ledgers sharing one remoteRoot never
    /// share a run dir. Prints the absolute path.
    public static let claimRunDirectory = #"""
    umask 077
    # (forks cost a login node ~1.5 ms each: builtins where they do the same)
    case "$1" in */*) parent=${1%/*}; parent=${parent:-/};; *) parent=.;; esac
    [ -d "$parent" ] || mkdir -p -- "$parent" || exit 3
    if mkdir -m 700 -- "$1" 2>/dev/null; then cd -- "$1" && pwd -P; exit 0; fi
    if [ -e "$1" ] || [ -L "$1" ]; then echo "@@EXISTS"; exit 17; fi
    mkdir -m 700 -- "$1"; exit 3
    """#

    /// `$1` list of job ids (comma separated), `$2` sacct start time.
    /// Runs squeue then sacct in one round trip; squeue's exit status is
    /// printed so "Invalid job id" (purged jobs) can be told from failures.
    public static let jobStatus = jobStatusTemplate.replacingOccurrences(of: "@TERMINAL_STATES@", with: JobState.terminal.map(\.rawValue).sorted().joined(separator: "|"))

    /// The program behind `jobStatus`; the terminal states come from `JobState.terminal`, the one list of them.
    static let jobStatusTemplate = #"""
    echo "@@CLOCK $(date +%s)"
    out=$(squeue --noheader --array --states=all "--jobs=$1" "--format=%i|%T|%r|%N|%M|%j" 2>&1)
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
          if (s == "" || s ~ /^(@TERMINAL_STATES@)/)
            printf "%s%s", (c++ ? "," : ""), want[i]
        }
      }')
    if [ -n "$need" ]; then
      sacct --noheader --parsable2 "--jobs=$need" "--starttime=$2" --endtime=now "--format=JobID,JobName,State,ExitCode,Elapsed,ElapsedRaw,MaxRSS,TotalCPU,AllocTRES,NodeList,Submit,Start,End,Reason" 2>&1
      echo "@@SACCT_RC=$?@@"
      # each start of a job that SLURM requeued (by itself, a workload, an admin) is a row of its own
      sacct --noheader --parsable2 --duplicates --allocations "--jobs=$need" "--starttime=$2" --endtime=now --format=JobID,State 2>/dev/null \
        | awk -F'|' '$2 ~ /^REQUEUED/ { n[$1]++ } END { for (k in n) print "@@REQUEUED " k " " n[k] }'
    else
      echo "@@SACCT_RC=0@@"
    fi
    # What SLURM holds for the user beyond the jobs asked about (a job a
    # workload submitted). Work dir and comment are free text: the work
    # dir's start is what is compared, the comment matters only when it is ours.
    echo "@@USERJOBS"
    squeue --noheader --array --user="$(id -un)" --format='%i|%T|%Z|%k' 2>&1
    echo "@@USERJOBS_RC=$?@@"
    # The current record of each job asked about that still waits, to hold
    # against what was released (a workload can `scontrol update` it).
    if [ "$rc" = 0 ]; then
      for id in $(printf '%s\n' "$out" | awk -F'|' '$2 == "PENDING" { sub(/_.*/, "", $1); print $1 }' | sort -u); do
        echo "@@RECORD $id"; scontrol show job -o "$id" 2>/dev/null; echo "@@END_RECORD"
      done
    fi
    # `$3` = 1: what this cluster is (asked now and then, not every time)
    if [ "$3" = 1 ]; then
      echo "@@FACTS"
      for c in sbatch scontrol squeue sacct scancel; do printf 'command %s %s\n' "$c" "$(command -v "$c")"; done
      scontrol show config 2>/dev/null | awk '$1 ~ /^(ProctrackType|TaskPlugin|SLURM_VERSION|JobAcctGatherType|AccountingStorageType)$/ { k = $1; sub(/^[^=]*= */, ""); print "config " k " " $0 }'
      echo "@@FACTS_END"
    fi
    """#

    /// `$1` dir, `$2` line count, `$3` the directory reads are confined to
    /// (the run dir, or remoteRoot), then file paths. For each file prints a
    /// header `@@FILE <index> <present|missing|outside>@@` and its last lines
    /// (for `outside`, the real path it resolved to). Symlinks are resolved
    /// on the cluster before the check, and the resolved file is what is read.
    public static let tailFiles = #"""
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
    """#

    /// `$1` run dir; standard input: requested paths, NUL-separated
    /// (relative to it; files, directories or globs). Resolves each inside
    /// the run dir, refusing anything whose real path leaves it, and prints
    /// one NUL-separated record per regular file: `sha256 size relative-path`.
    /// Problems go to stdout as `@@ERR kind path`. Files inside a checked
    /// directory are found by `find` (which never follows symlinks), so the
    /// work per file is two batched commands, not a process per file.
    public static let listForDownload = #"""
    cd -- "$1" 2>/dev/null || { cat >/dev/null; printf '@@ERR nodir\0'; exit 0; }
    root=$(pwd -P)
    work=$(mktemp -d) || exit 4
    trap 'trap "" HUP INT TERM PIPE; rm -rf -- "$work"' EXIT
    : > "$work/files"
    requested=()
    while IFS= read -r -d '' p; do requested+=("$p"); done
    check_one() {
      real=$(realpath -e -- "$1" 2>/dev/null) || { printf '@@ERR missing %s\0' "$1"; return; }
      case "$real" in "$root"|"$root"/*) ;; *) printf '@@ERR outside %s\0' "$1"; return;; esac
      if [ -L "$1" ]; then printf '@@ERR symlink %s\0' "$1"; return; fi
      rel=${real#"$root"}; rel=${rel#/}; [ -n "$rel" ] || rel=.
      if [ -d "$real" ]; then
        while IFS= read -r -d '' f; do printf '@@ERR symlink %s\0' "${f#./}"; done < <(find "$rel" -type l -print0)
        find "$rel" -type f -print0 | sort -z | while IFS= read -r -d '' f; do printf '%s\0' "${f#./}"; done >> "$work/files"
      elif [ -f "$real" ]; then
        printf '%s\0' "$rel" >> "$work/files"
      else
        printf '@@ERR notfile %s\0' "$1"
      fi
    }
    for p in "${requested[@]}"; do
      case "$p" in *[\*\?\[]*)
        found=0; saved_ifs=$IFS; IFS=
        for m in $p; do [ -e "$m" ] || [ -L "$m" ] || continue; found=1; check_one "$m"; done
        IFS=$saved_ifs
        [ "$found" = 1 ] || printf '@@ERR missing %s\0' "$p"
        continue;;
      esac
      check_one "$p"
    done
    declare -A size=() sum=()
    : > "$work/small"
    while IFS= read -r -d '' rec; do
      f=${rec#*$'\t'}; size["$f"]=${rec%%$'\t'*}
      [ "${size[$f]}" -le @SMALL@ ] && printf '%s\0' "$f" >> "$work/small"
    done < <(xargs -0 -r stat --printf='%s\t%n\0' -- < "$work/files")
    while IFS= read -r -d '' rec; do sum["${rec:66}"]=${rec:0:64}; done \
      < <(xargs -0 -r sha256sum -z -- < "$work/small")
    while IFS= read -r -d '' f; do
      [ -n "${size[$f]:-}" ] || { printf '@@ERR missing %s\0' "$f"; continue; }
      printf '%s %s %s\0' "${sum[$f]:--}" "${size[$f]}" "$f"
    done < "$work/files"
    exit 0
    """#.replacingOccurrences(of: "@SMALL@", with: String(hashedWhileListedBytes))

    /// Files up to this size are hashed by the listing (reading them twice
    /// costs less than a hashing process each); larger ones are hashed while
    /// they are sent, so the cluster reads them once.
    public static let hashedWhileListedBytes = 4 << 20

    /// `$1` run dir; standard input: NUL-separated records MODE, SIZE, NAME.
    /// Writes the files' bytes back to back on stdout; the caller splits them
    /// by the sizes it listed. A file of MODE `L` was hashed by the listing;
    /// one of MODE `S` is hashed while it is sent, by a hasher reading it
    /// beside the sender (it runs ahead, so the sender reads from the page
    /// cache: measured as fast as a bare `cat`, where a `tee` into the hasher
    /// cost 40 % more), and its 64-hex sha256 follows its bytes. The caller
    /// hashes what it received: a file changed between the two reads fails
    /// its check. At most SIZE bytes are sent and hashed, so a file that
    /// grew since the listing is sent as listed.
    /// `openssl dgst` hashes several times faster than coreutils' sha256sum
    /// on CPUs with SHA instructions, so it is used when the cluster has it.
    public static let sendFiles = #"""
    cd -- "$1" || exit 3
    work=$(mktemp -d) || exit 4
    trap 'trap "" HUP INT TERM PIPE; rm -rf -- "$work"' EXIT
    \#(digestFunction)
    : > "$work/batch"
    flush() { if [ -s "$work/batch" ]; then xargs -0 -r cat -- < "$work/batch"; : > "$work/batch"; fi; }
    while IFS= read -r -d '' mode && IFS= read -r -d '' size && IFS= read -r -d '' f; do
      if [ "$mode" = L ]; then printf '%s\0' "$f" >> "$work/batch"; continue; fi
      flush
      head -c "$size" -- "$f" | digest > "$work/sum" & hasher=$!
      head -c "$size" -- "$f"
      wait "$hasher"
      sum=$(head -c 64 -- "$work/sum")
      [ ${#sum} -eq 64 ] || sum=$(printf '%064d' 0)
      printf '%s' "$sum"
    done
    flush
    exit 0
    """#

    /// Job ids as arguments. Cancels those the controller still holds as
    /// active (scancel is silent about ended ids, so each is asked first) and
    /// prints `@@CANCELLED id`, `@@ENDED id` or `@@FAILED id message` per job.
    public static let cancel = cancelTemplate.replacingOccurrences(of: "@TERMINAL_STATES@", with: JobState.terminal.map(\.rawValue).sorted().joined(separator: "|"))

    static let cancelTemplate = #"""
    for id in "$@"; do
      state=$(squeue --noheader --states=all --jobs="$id" --format=%T 2>/dev/null | head -n 1)
      case "$state" in
        ""|@TERMINAL_STATES@) echo "@@ENDED $id";;
        *) if out=$(scancel -- "$id" 2>&1); then echo "@@CANCELLED $id"; else echo "@@FAILED $id $out" | tr '\n' ' '; echo; fi;;
      esac
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

    /// Pairs of `$1` job id, `$2` dependency: points each waiting job at the
    /// jobs it should now wait for (a retry replaced one). Prints per job.
    public static let updateDependencies = #"""
    while [ "$#" -ge 2 ]; do
      if out=$(scontrol update "JobId=$1" "Dependency=$2" 2>&1); then echo "@@UPDATED $1"; else echo "@@FAILED $1 $out" | tr '\n' ' '; echo; fi
      shift 2
    done
    exit 0
    """#
}
