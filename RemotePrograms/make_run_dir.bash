# `$1` dir. Creates it private (0700) and prints its absolute path.
umask 077
mkdir -p -- "$1" && chmod 700 -- "$1" && cd -- "$1" && pwd -P
