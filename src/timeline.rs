//! Merge: per-source order, k-way merge.
