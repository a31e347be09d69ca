//! Interop with the independent JavaScript verifier.
