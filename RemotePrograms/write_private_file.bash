# `$1` run dir, `$2` file name. Writes stdin to the file, mode 0600,
# atomically (secrets the job sources).
umask 077
mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" || exit "$EXIT_NO_DIR"
cat > ".$2.tmp.$$" && chmod 600 ".$2.tmp.$$" && mv -f -- ".$2.tmp.$$" "$2" || exit "$EXIT_IO"
