# `$1` dir; standard input: relative file names, NUL-separated. Prints
# their stat records (as `statFiles`, taken before hashing, so a change
# during hashing shows next time), then `@@HASHES\0`, then `sha256sum -z`
# records.
cd -- "$1" 2>/dev/null || { cat >/dev/null; exit 0; }
list=$(mktemp) || exit "$EXIT_IO"
trap 'trap "" HUP INT TERM PIPE; rm -f -- "$list"' EXIT
cat > "$list" || exit "$EXIT_IO"
xargs -0 -r stat --printf='%F|%i %s %y %z\t%n\0' -- < "$list" 2>/dev/null
printf '@@HASHES\0'
xargs -0 -r sha256sum -z -- < "$list" 2>/dev/null
exit 0
