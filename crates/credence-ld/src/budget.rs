//! Per-call work limits and cancellation for the engines that run on attacker input (JSON-LD
//! expansion and toRdf, RDFC-1.0 canonicalization, N-Quads parsing).
//!
//! A [`Budget`] is [`Limits`] plus a [`Cancel`] flag. The engines count their work as they go
//! and stop with a typed error (`TooComplex { bound, limit }` naming a [`ComplexityBound`], or
//! `Cancelled`) as soon as a limit is passed or the flag is set. Core has no clock: a deadline is
//! the caller's (a request timeout, a dropped request, shutdown), who sets the flag; the engines
//! look at it every [`CHECK_EVERY`] units of work, so a cancelled call stops within microseconds.
//!
//! ```
//! use credence_ld::budget::{Budget, Cancel, Limits};
//! use credence_ld::rdf::canon::{canonicalize_with, CanonError};
//!
//! let cancel = Cancel::new();
//! let budget = Budget::new(Limits::default(), cancel.clone());
//! cancel.cancel(); // e.g. from a timer on another thread
//! assert!(matches!(canonicalize_with(&[], &budget), Err(CanonError::Cancelled)));
//! ```

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How many units of work the engines do between two looks at the [`Cancel`] flag.
pub const CHECK_EVERY: u64 = 1024;

/// A cancellation flag shared between the caller and a running engine call.
///
/// Clones share one flag. Setting it is permanent: make a new `Cancel` for the next call. A
/// [child](Self::child) has a flag of its own and is also cancelled with its parent (one request's
/// work under the whole service's shutdown, say).
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    parent: Option<Arc<AtomicBool>>,
}

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new flag that is set when it is cancelled itself or when `self` is (not the other way).
    pub fn child(&self) -> Self {
        Cancel {
            flag: Arc::new(AtomicBool::new(false)),
            parent: Some(Arc::clone(&self.flag)),
        }
    }

    /// Sets the flag: every engine call holding a clone (or a child) stops at its next check with
    /// `Cancelled`.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether [`Self::cancel`] was called on this flag, a clone of it, or its parent.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
            || self
                .parent
                .as_ref()
                .is_some_and(|p| p.load(Ordering::Relaxed))
    }
}

/// Work limits for one call, sized for one credential-sized document.
///
/// The defaults are far above any real Credence document (a badge is about 90 quads with a
/// handful of blank nodes, a status list credential about 15 quads) and low enough that each
/// known attack (long blank-node cycles, many disjoint blank-node pairs, blank-node cliques, huge
/// arrays of distinct values, huge inline contexts) stops within tens of milliseconds.
/// Change single fields with `Limits { max_quads: 1_000, ..Limits::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most distinct blank nodes RDFC-1.0 accepts in one dataset.
    ///
    /// Default 10,000: a badge has fewer than 10. Checked before any hashing; the run's two
    /// identifier lookup tables are four bytes per blank node.
    pub max_blank_nodes: u64,
    /// Most quads in one dataset: the input of RDFC-1.0 and N-Quads parsing, the output of toRdf.
    ///
    /// Default 100,000 (over a thousand times a badge); canonicalizing that many ground quads
    /// takes about a tenth of a second.
    pub max_quads: u64,
    /// Most bytes RDFC-1.0 may feed to its hash function (first-degree, related and n-degree
    /// hashes together).
    ///
    /// Default 32 MiB: a badge hashes under 10 KB, the W3C suite at most 300 KB; a dataset with
    /// a large literal on a blank node still fits; SHA-256 gets through 32 MiB in tens of
    /// milliseconds.
    pub max_hashed_bytes: u64,
    /// Hash N-Degree Quads may be called at most `n ^ hndq_work_factor` times, `n` being the
    /// number of blank nodes whose first-degree hash is shared (rdf-canonize's `maxWorkFactor`).
    ///
    /// Default 3: the W3C suite's computable poison graphs (test044 to test046) need more than 1;
    /// its 10-node clique (test074) is refused.
    pub hndq_work_factor: u32,
    /// Most units of Hash N-Degree Quads work: one per call, per related blank node, per
    /// permutation and per identifier a permutation issues or appends.
    ///
    /// Default 250,000 (about 50 ms at worst): the whole W3C suite needs under 10,000 (its
    /// computable poison graphs the most), a badge none at all; a cycle of 3,000 blank nodes
    /// needs tens of millions and is refused.
    pub max_hndq_steps: u64,
    /// Most units of JSON-LD work in one document: one per JSON value expanded, per node-map
    /// entry, per term definition processed and per term copied into a derived active context.
    ///
    /// Default 100,000: a badge costs about 200 once its contexts are cached, about 1,700 with a
    /// cold cache; a document of 200,000 numbers or a 100,000-term inline context is refused.
    pub max_jsonld_work: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_blank_nodes: 10_000,
            max_quads: 100_000,
            max_hashed_bytes: 32 << 20,
            hndq_work_factor: 3,
            max_hndq_steps: 250_000,
            max_jsonld_work: 100_000,
        }
    }
}

impl Limits {
    /// No practical limit on anything (for trusted input, tests and benchmarks only).
    pub fn unlimited() -> Self {
        Self {
            max_blank_nodes: u64::MAX,
            max_quads: u64::MAX,
            max_hashed_bytes: u64::MAX,
            hndq_work_factor: u32::MAX,
            max_hndq_steps: u64::MAX,
            max_jsonld_work: u64::MAX,
        }
    }
}

/// The limits and cancellation flag of one engine call.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// The work limits.
    pub limits: Limits,
    /// The cancellation flag the caller may set while the call runs.
    pub cancel: Cancel,
}

impl Budget {
    /// A budget with the given limits and flag.
    pub fn new(limits: Limits, cancel: Cancel) -> Self {
        Self { limits, cancel }
    }

    /// Default limits with the given flag.
    pub fn with_cancel(cancel: Cancel) -> Self {
        Self {
            limits: Limits::default(),
            cancel,
        }
    }

    /// The given limits and a flag nobody else holds.
    pub fn with_limits(limits: Limits) -> Self {
        Self {
            limits,
            cancel: Cancel::new(),
        }
    }
}

/// Which limit of [`Limits`] a call exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComplexityBound {
    /// Distinct blank nodes in a dataset ([`Limits::max_blank_nodes`]).
    BlankNodes,
    /// Quads in a dataset ([`Limits::max_quads`]).
    Quads,
    /// Bytes hashed by RDFC-1.0 ([`Limits::max_hashed_bytes`]).
    HashedBytes,
    /// Hash N-Degree Quads calls (`n ^` [`Limits::hndq_work_factor`]).
    DeepIterations,
    /// Hash N-Degree Quads work ([`Limits::max_hndq_steps`]).
    Steps,
    /// JSON-LD expansion, context and node-map work ([`Limits::max_jsonld_work`]).
    JsonLdWork,
}

impl std::fmt::Display for ComplexityBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::BlankNodes => "blank nodes",
            Self::Quads => "quads",
            Self::HashedBytes => "bytes hashed",
            Self::DeepIterations => "Hash N-Degree Quads calls",
            Self::Steps => "canonicalization steps",
            Self::JsonLdWork => "units of JSON-LD work",
        })
    }
}

/// Why an engine stopped early; each engine's error type converts it to its own variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A limit was passed.
    TooComplex {
        /// Which one.
        bound: ComplexityBound,
        /// Its value.
        limit: u64,
    },
    /// The caller set the [`Cancel`] flag.
    Cancelled,
}

/// Fails with [`Stop::Cancelled`] if the flag is set.
pub(crate) fn check_cancel(cancel: &Cancel) -> Result<(), Stop> {
    if cancel.is_cancelled() {
        Err(Stop::Cancelled)
    } else {
        Ok(())
    }
}

/// Fails with [`Stop::TooComplex`] if `count` is above `limit`.
pub(crate) fn check_count(count: u64, limit: u64, bound: ComplexityBound) -> Result<(), Stop> {
    if count > limit {
        Err(Stop::TooComplex { bound, limit })
    } else {
        Ok(())
    }
}

/// Counts units of one kind of work against one limit, looking at the cancel flag every
/// [`CHECK_EVERY`] units. Interior mutability, so engines holding `&self` can charge it.
#[derive(Debug)]
pub(crate) struct Meter<'b> {
    cancel: &'b Cancel,
    bound: ComplexityBound,
    limit: u64,
    used: Cell<u64>,
}

impl<'b> Meter<'b> {
    /// A meter for `bound`, failing above `limit`; fails at once if the flag is already set.
    pub(crate) fn new(
        cancel: &'b Cancel,
        bound: ComplexityBound,
        limit: u64,
    ) -> Result<Self, Stop> {
        check_cancel(cancel)?;
        Ok(Self {
            cancel,
            bound,
            limit,
            used: Cell::new(0),
        })
    }

    /// Charges `n` units.
    #[inline]
    pub(crate) fn charge(&self, n: u64) -> Result<(), Stop> {
        let before = self.used.get();
        let used = before.saturating_add(n);
        self.used.set(used);
        if used > self.limit {
            return Err(Stop::TooComplex {
                bound: self.bound,
                limit: self.limit,
            });
        }
        if before / CHECK_EVERY != used / CHECK_EVERY {
            check_cancel(self.cancel)?;
        }
        Ok(())
    }

    /// Units charged so far.
    pub(crate) fn used(&self) -> u64 {
        self.used.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_cancelled_with_its_parent_but_not_the_other_way() {
        let parent = Cancel::new();
        let (a, b) = (parent.child(), parent.child());
        a.cancel();
        assert!(a.is_cancelled() && !b.is_cancelled() && !parent.is_cancelled());
        parent.cancel();
        assert!(b.is_cancelled() && parent.is_cancelled());
    }

    #[test]
    fn cancel_is_shared_by_clones() {
        let a = Cancel::new();
        let b = a.clone();
        assert!(!b.is_cancelled());
        a.cancel();
        assert!(b.is_cancelled());
        assert!(!Cancel::default().is_cancelled());
    }

    #[test]
    fn meter_stops_above_its_limit() {
        let cancel = Cancel::new();
        let m = Meter::new(&cancel, ComplexityBound::Quads, 10).unwrap();
        m.charge(4).unwrap();
        m.charge(6).unwrap();
        assert_eq!(m.used(), 10);
        assert_eq!(
            m.charge(1),
            Err(Stop::TooComplex {
                bound: ComplexityBound::Quads,
                limit: 10
            })
        );
    }

    #[test]
    fn meter_sees_a_cancel_within_check_every_units() {
        let cancel = Cancel::new();
        let m = Meter::new(&cancel, ComplexityBound::JsonLdWork, u64::MAX).unwrap();
        m.charge(1).unwrap();
        cancel.cancel();
        let mut stopped = None;
        for i in 0..=CHECK_EVERY {
            if m.charge(1).is_err() {
                stopped = Some(i);
                break;
            }
        }
        assert!(stopped.is_some(), "never looked at the flag");
        assert_eq!(
            Meter::new(&cancel, ComplexityBound::JsonLdWork, 1).err(),
            Some(Stop::Cancelled)
        );
    }
}
