-- cluster-slurm ledger, schema 11: a local file's sha256 is trusted while its
-- stat data is unchanged, as git's index trusts it. A write to a file always
-- changes its ctime (no tool can set it), so an unchanged device, inode,
-- size, mtime and ctime (both in nanoseconds) mean unchanged bytes. A file
-- modified within two seconds of being hashed is never remembered (git's
-- "racily clean" case): its next change could keep the same timestamps.
CREATE TABLE localFileHash (
    path       TEXT PRIMARY KEY,
    device     INTEGER NOT NULL,
    inode      INTEGER NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    mtimeNs    INTEGER NOT NULL,
    ctimeNs    INTEGER NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    recordedAt TEXT NOT NULL
) WITHOUT ROWID;
