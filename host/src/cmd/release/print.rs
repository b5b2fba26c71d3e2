//! Printing releases as Helm does (status block, tables, -o json|yaml). Owned by the storage engineer.
