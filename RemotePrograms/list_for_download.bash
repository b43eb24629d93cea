# `$1` run dir; standard input: requested paths, NUL-separated
# (relative to it; files, directories or globs). Resolves each inside
# the run dir, refusing anything whose real path leaves it, and prints
# one NUL-separated record per regular file: `sha256 size relative-path`.
# Problems go to stdout as `@@ERR kind path`. Files inside a checked
# directory are found by `find` (which never follows symlinks), so the
# work per file is two batched commands, not a process per file.
cd -- "$1" 2>/dev/null || { cat >/dev/null; printf '@@ERR nodir\0'; exit 0; }
root=$(pwd -P)
work=$(mktemp -d) || exit "$EXIT_IO"
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
  [ "${size[$f]}" -le "$HASHED_WHILE_LISTED_BYTES" ] && printf '%s\0' "$f" >> "$work/small"
done < <(xargs -0 -r stat --printf='%s\t%n\0' -- < "$work/files")
while IFS= read -r -d '' rec; do sum["${rec:66}"]=${rec:0:64}; done \
  < <(xargs -0 -r sha256sum -z -- < "$work/small")
while IFS= read -r -d '' f; do
  [ -n "${size[$f]:-}" ] || { printf '@@ERR missing %s\0' "$f"; continue; }
  printf '%s %s %s\0' "${sum[$f]:--}" "${size[$f]}" "$f"
done < "$work/files"
exit 0
