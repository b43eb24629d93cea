# `is_terminal STATE`: whether SLURM's long state name means the job ended
# (the list is JobState.terminal's, given as TERMINAL_STATES).
is_terminal() { case "|$TERMINAL_STATES|" in *"|$1|"*) return 0;; esac; return 1; }
