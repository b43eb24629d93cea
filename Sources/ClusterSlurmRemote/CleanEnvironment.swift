import ClusterSlurmSupport
import ClusterSlurmDomain

/// The environment every remote program runs in, whatever the user's shell
/// start-up files set: `env -i` drops every inherited variable (SBATCH_* and
/// SLURM_* inputs, BASH_ENV, LD_PRELOAD, exported functions), `--noprofile
/// --norc` keeps bash from reading start-up files again, and SLURM's
/// commands are found through a fixed PATH of system directories, so an
/// alias, a function or a `~/bin/scontrol` cannot stand in for them.
public enum CleanEnvironment {
    /// System directories only: where packaged and site-built SLURM installs
    /// put their commands. Never the user's PATH.
    /// A site whose SLURM lives elsewhere names its directory with
    /// `CLUSTER_SLURM_REMOTE_PATH` (read on this machine, never remotely).
    public static let path = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin:/opt/slurm/bin"

    /// Variables the programs need, and nothing else. HOME and the user's
    /// names come from the login shell (the programs resolve paths under
    /// HOME, which is the user's either way); the C locale makes every
    /// byte of a file name mean itself.
    package static func variables(path: String) -> [ShellWord] {
        [.syntax("\"HOME=$HOME\""), .syntax("\"USER=$USER\""), .syntax("\"LOGNAME=$LOGNAME\""),
         .literal("PATH=\(path)"), .literal("LC_ALL=C")]
    }

    /// `exec env -i VARS bash --noprofile --norc -c`, the words before the
    /// program. `\\exec` so an alias the start-up files defined is not used.
    public static func prefix(path: String) -> [ShellWord] {
        [.syntax("\\exec"), .literal("/usr/bin/env"), .literal("-i")] + variables(path: path)
            + [.literal("/bin/bash"), .literal("--noprofile"), .literal("--norc"), .literal("-c")]
    }
}
