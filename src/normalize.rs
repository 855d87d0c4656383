//! Normalise: records to events on the UTC timeline.
