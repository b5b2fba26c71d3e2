//! Owned by the actions engineer (install/upgrade/rollback/hooks/test).
