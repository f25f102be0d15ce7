//! The operator command line (`init`, `start`, `delete`).
