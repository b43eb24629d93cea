-- cluster-slurm ledger, schema 7: a run's status is one of a known list
-- (Swift's RunStatus; a test holds the two equal). SQLite cannot add a CHECK
-- to an existing column, so triggers enforce it on insert and update.
CREATE TRIGGER run_status_check_insert BEFORE INSERT ON run
WHEN NEW.status NOT IN ('initialized', 'rendered', 'submitted', 'imported', 'submit_failed',
    'pending', 'running', 'suspended', 'completing', 'configuring', 'requeued', 'requeue_hold', 'requeue_fed',
    'resizing', 'signaling', 'stage_out', 'stopped', 'resv_del_hold', 'special_exit',
    'completed', 'failed', 'cancelled', 'timeout', 'out_of_memory', 'node_fail', 'preempted', 'boot_fail',
    'deadline', 'revoked', 'not_found', 'unknown')
BEGIN SELECT RAISE(ABORT, 'run.status: not a known run status'); END;

CREATE TRIGGER run_status_check_update BEFORE UPDATE OF status ON run
WHEN NEW.status NOT IN ('initialized', 'rendered', 'submitted', 'imported', 'submit_failed',
    'pending', 'running', 'suspended', 'completing', 'configuring', 'requeued', 'requeue_hold', 'requeue_fed',
    'resizing', 'signaling', 'stage_out', 'stopped', 'resv_del_hold', 'special_exit',
    'completed', 'failed', 'cancelled', 'timeout', 'out_of_memory', 'node_fail', 'preempted', 'boot_fail',
    'deadline', 'revoked', 'not_found', 'unknown')
BEGIN SELECT RAISE(ABORT, 'run.status: not a known run status'); END;
