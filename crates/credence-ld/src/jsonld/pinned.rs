//! The IRIs the pinned contexts name, so that a credential cannot spell them another way.
//!
//! A credential is read by people and programs as JSON, and signed (and verified) as RDF. They
//! agree only if every key is the term the pinned contexts define for it: `credentialStatus`, not
//! `https://www.w3.org/2018/credentials#credentialStatus`, an alias the document defines, or a
//! member of an `@nest` object. [`PinnedIris`] holds every IRI a pinned context (or a scoped
//! context inside one) gives a term to; the expander refuses a key that reaches one of them
//! other than through the pinned term itself.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;

use super::context::{ActiveContext, ContextProcessor, Flags, Session};
use super::iri::is_keyword;
use crate::budget::{Budget, Limits};

/// Every IRI the store's contexts define a term for.
#[derive(Debug, Default)]
pub(crate) struct PinnedIris(HashSet<String>);

impl PinnedIris {
    /// Processes each context of the processor's store and collects the IRIs of its terms,
    /// including those of the scoped contexts they carry. A context that cannot be processed on
    /// its own (it needs another one first) is skipped: its terms are collected when they are also
    /// reachable from another context.
    pub(crate) fn collect(procr: &ContextProcessor) -> Self {
        let flags = Flags {
            propagate: true,
            override_protected: true,
        };
        let mut iris = HashSet::new();
        let mut seen_scoped = HashSet::new();
        // The store's own contexts: trusted input, no budget.
        let budget = Budget::with_limits(Limits::unlimited());
        let Ok(session) = Session::new(procr, &budget) else {
            return PinnedIris(iris);
        };
        let urls: Vec<String> = procr.store().urls().map(str::to_owned).collect();
        for url in urls {
            let Ok(ctx) = session.apply_inline(session.initial(), &Value::String(url), flags)
            else {
                continue;
            };
            let mut stack: Vec<Arc<ActiveContext>> = vec![ctx];
            while let Some(ctx) = stack.pop() {
                for td in ctx.terms.values() {
                    if let Some(iri) = td.iri.as_deref().filter(|i| !is_keyword(i)) {
                        iris.insert(iri.to_owned());
                    }
                    if let Some(scoped) = &td.context {
                        if seen_scoped.insert(scoped.key) {
                            if let Ok(inner) = session.apply_scoped(&ctx, scoped, flags) {
                                stack.push(inner);
                            }
                        }
                    }
                }
            }
        }
        PinnedIris(iris)
    }

    /// Whether a pinned context names `iri`.
    pub(crate) fn contains(&self, iri: &str) -> bool {
        self.0.contains(iri)
    }
}
