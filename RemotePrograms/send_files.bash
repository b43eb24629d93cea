# `$1` run dir; standard input: NUL-separated records MODE, SIZE, NAME.
# Writes the files' bytes back to back on stdout; the caller splits them
# by the sizes it listed. A file of MODE `L` was hashed by the listing;
# one of MODE `S` is hashed while it is sent, by a hasher reading it
# beside the sender (it runs ahead, so the sender reads from the page
# cache: measured as fast as a bare `cat`, where a `tee` into the hasher
# cost 40 % more), and its 64-hex sha256 follows its bytes. The caller
# hashes what it received: a file changed between the two reads fails
# its check. At most SIZE bytes are sent and hashed, so a file that
# grew since the listing is sent as listed.
# `openssl dgst` hashes several times faster than coreutils' sha256sum
# on CPUs with SHA instructions, so it is used when the cluster has it.
cd -- "$1" || exit "$EXIT_NO_DIR"
work=$(mktemp -d) || exit "$EXIT_IO"
trap 'trap "" HUP INT TERM PIPE; rm -rf -- "$work"' EXIT
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
