-- cluster-slurm ledger, schema 6: the remote file's stat signature (inode,
-- size, mtime and ctime with nanoseconds) taken right after the file was
-- verified. A re-upload trusts a remote copy without hashing it only while
-- this signature is unchanged; NULL (older rows) means "hash it".
ALTER TABLE uploadEntry ADD COLUMN remoteStat TEXT;
