//! Correlate: symptoms, candidate changes, causes.
