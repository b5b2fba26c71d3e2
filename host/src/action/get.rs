//! Owned by the storage engineer (storage, read-only actions, uninstall).
